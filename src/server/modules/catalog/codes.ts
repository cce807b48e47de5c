import type { Db } from '../../app-context';
import { AppError } from '../../platform/errors';
import { nextSeq } from './codes-repo';

/** 信息资源代码: 前段码 (the classification code) / 后段码 (6-digit sequence per 前段码). */
export const SEQ_DIGITS = 6;
const MAX_SEQ = 10 ** SEQ_DIGITS - 1;

export const formatEntryCode = (prefix: string, seq: number) => `${prefix}/${String(seq).padStart(SEQ_DIGITS, '0')}`;

export function parseEntryCode(code: string): { prefix: string; seq: number } | null {
  const m = /^(\d+)\/(\d{6})$/.exec(code);
  return m ? { prefix: m[1]!, seq: Number(m[2]) } : null;
}

/**
 * Takes the next code for an entry classified under `prefix`. Call it inside the transaction that
 * inserts the entry: should that fail, the counter rolls back with it and no entry ever held the code.
 */
export async function allocateEntryCode(
  db: Db,
  prefix: string,
): Promise<{ prefix: string; seq: number; code: string }> {
  const seq = await nextSeq(db, prefix);
  if (seq > MAX_SEQ) {
    throw new AppError(
      409,
      'CATALOG_CODE_EXHAUSTED',
      `All ${MAX_SEQ} codes under ${prefix} are used; add a finer classification`,
      `分类${prefix}下的后段码已用尽，请增设下级分类`,
    );
  }
  return { prefix, seq, code: formatEntryCode(prefix, seq) };
}
