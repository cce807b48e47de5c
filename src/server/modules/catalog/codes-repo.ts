import { sql } from 'kysely';
import type { Db } from '../../app-context';

/**
 * The next 后段码 for a 前段码. One atomic upsert: concurrent callers queue on the counter row and
 * each gets its own value; the counter only grows, so a code is never handed out twice.
 */
export async function nextSeq(db: Db, prefix: string): Promise<number> {
  const row = await db
    .insertInto('catalog_code_seq')
    .values({ prefix, last_value: 1 })
    .onConflict((oc) => oc.column('prefix').doUpdateSet({ last_value: sql<number>`catalog_code_seq.last_value + 1` }))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return row.last_value;
}
