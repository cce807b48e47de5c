import type { Readable } from 'node:stream';
import type { AppContext, Db } from '../../app-context';
import type { Actor } from '../../platform/context';
import { AppError, badRequest, notFound } from '../../platform/errors';
import { cleanFileName } from '../../platform/http/file-names';
import { storageFor } from '../../platform/storage/fs-storage';
import { FileTooLargeError } from '../../platform/storage/storage';
import { sniffedStream, UnsupportedTypeError } from '../exchange-ingest';
import * as repo from './register-repo';
import { MAX_ATTACHMENTS, type AttachmentOut } from './register-schemas';

/**
 * The register's evidence: test reports, drill minutes, inspection letters. Uploaded first, then named
 * when a record is saved; readable by whoever reads the register (a permission of the route).
 */
export const MAX_ATTACHMENT_MB = 50;

const toAttachment = (r: { id: string; file_name: string; mime: string; size: string }): AttachmentOut => ({
  id: r.id,
  fileName: r.file_name,
  mime: r.mime,
  size: Number(r.size),
});

export async function uploadAttachment(
  ctx: AppContext,
  actor: Actor,
  upload: { file: AsyncIterable<Buffer>; fileName: string },
): Promise<AttachmentOut> {
  const fileName = cleanFileName(upload.fileName);
  const found: { mime?: string } = {};
  let stored;
  try {
    stored = await storageFor(ctx.config).put(sniffedStream(upload.file, fileName, found), {
      maxBytes: MAX_ATTACHMENT_MB * 1024 * 1024,
    });
  } catch (e) {
    if (e instanceof FileTooLargeError) {
      throw new AppError(
        413,
        'SECURITY_ATTACHMENT_TOO_LARGE',
        `An attachment may have ${MAX_ATTACHMENT_MB} MB at most`,
        `附件不能超过 ${MAX_ATTACHMENT_MB} MB`,
      );
    }
    if (e instanceof UnsupportedTypeError) {
      throw new AppError(
        415,
        'SECURITY_ATTACHMENT_TYPE',
        'Attach PDF, OFD, DOCX, XLSX, ZIP, PNG or JPEG files (checked by content)',
        '附件须为 PDF、OFD、DOCX、XLSX、ZIP、PNG 或 JPEG 文件（按文件内容识别）',
      );
    }
    throw e;
  }
  const row = {
    record_id: null,
    file_name: fileName,
    mime: found.mime!,
    size: stored.size,
    sha256: stored.sha256,
    sm3: stored.sm3,
    storage_key: stored.key,
    uploaded_by: actor.userId,
  };
  const id = await repo.insertAttachment(ctx.db, row);
  return toAttachment({ id, ...row, size: String(row.size) });
}

/**
 * Binds files named when a record is saved; refuses more than MAX_ATTACHMENTS in all and ids that are
 * not the saver's own unbound uploads.
 */
export async function bindAttachments(
  db: Db,
  actor: Actor,
  ids: string[] | undefined,
  recordId: string,
  already = 0,
): Promise<void> {
  const unique = [...new Set(ids ?? [])];
  if (unique.length + already > MAX_ATTACHMENTS) {
    throw badRequest(
      'SECURITY_ATTACHMENT_TOO_MANY',
      `A record has at most ${MAX_ATTACHMENTS} attachments`,
      `每条记录最多 ${MAX_ATTACHMENTS} 个附件`,
      { field: 'attachmentIds' },
    );
  }
  if ((await repo.bindAttachments(db, unique, actor.userId, recordId)) !== unique.length) {
    throw badRequest(
      'SECURITY_ATTACHMENT_INVALID',
      'An attachment is unknown, not yours, or already used; upload it again',
      '附件不存在、不是您上传的或已被使用，请重新上传',
      { field: 'attachmentIds' },
    );
  }
}

export async function attachmentsByRecord(ctx: AppContext, recordIds: string[]): Promise<Map<string, AttachmentOut[]>> {
  const map = new Map<string, AttachmentOut[]>();
  for (const r of await repo.attachmentsOf(ctx.db, recordIds)) {
    const list = map.get(r.record_id!) ?? [];
    list.push(toAttachment(r));
    map.set(r.record_id!, list);
  }
  return map;
}

/** A record's file, or the uploader's own file not yet bound (anyone else: the same 404 as no file). */
export async function openAttachment(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<{ attachment: AttachmentOut; content: Readable }> {
  const a = await repo.findAttachment(ctx.db, id);
  if (!a || (a.record_id === null && a.uploaded_by !== actor.userId)) throw notFound('Attachment', '附件');
  return { attachment: toAttachment(a), content: await storageFor(ctx.config).get(a.storage_key) };
}
