import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { AppError, badRequest } from '../../platform/errors';
import * as repo from './letters-repo';

/** the application letter with the official seal — a PDF or a scan, at most 10 MB. */
export const MAX_LETTER_BYTES = 10 * 1024 * 1024;

export interface Letter {
  id: string;
  fileName: string;
  mime: string;
  size: number;
  sha256: string;
  uploadedAt: string;
}

type LetterMime = 'application/pdf' | 'image/png' | 'image/jpeg';

/** The type is read from the first bytes, never from the name or the browser's claim. */
export function sniffLetterType(head: Buffer): LetterMime | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  return null;
}

export const toLetter = (r: repo.LetterMetaRow): Letter => ({
  id: r.id,
  fileName: r.file_name,
  mime: r.mime,
  size: r.size,
  sha256: r.sha256,
  uploadedAt: r.uploaded_at.toISOString(),
});

const tooLarge = () =>
  new AppError(413, 'SHARING_LETTER_TOO_LARGE', 'The letter is larger than 10 MB', '申请函文件不能超过 10 MB');

async function readAll(file: Readable & { truncated?: boolean }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LETTER_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  if (file.truncated) throw tooLarge();
  return Buffer.concat(chunks);
}

export async function uploadLetter(
  ctx: AppContext,
  actor: Actor,
  upload: { file: Readable & { truncated?: boolean }; fileName: string },
): Promise<Letter> {
  if (!actor.departmentId)
    throw badRequest(
      'SHARING_NO_DEPARTMENT',
      'Only department accounts apply for resources',
      '只有部门账号可以申请共享',
    );
  const content = await readAll(upload.file);
  if (!content.length) throw badRequest('SHARING_LETTER_REQUIRED', 'The letter file is empty', '申请函文件为空');
  const mime = sniffLetterType(content);
  if (!mime)
    throw new AppError(
      415,
      'SHARING_LETTER_TYPE',
      'The letter must be a PDF, JPG or PNG file',
      '申请函须为 PDF、JPG 或 PNG 文件',
    );
  const row = await repo.insertLetter(ctx.db, {
    department_id: actor.departmentId,
    uploaded_by: actor.userId,
    file_name: upload.fileName.slice(0, 200) || 'letter',
    mime,
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    content,
    uploaded_at: ctx.clock.now(),
  });
  return toLetter(row);
}

export const findLetterMeta = (ctx: AppContext, id: string) => repo.findLetterMeta(ctx.db, id);
export const findLetterContent = (ctx: AppContext, id: string) => repo.findLetterContent(ctx.db, id);
