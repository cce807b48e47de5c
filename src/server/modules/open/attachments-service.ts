import type { Readable } from 'node:stream';
import type { AppContext, Db } from '../../app-context';
import type { Actor } from '../../platform/context';
import { AppError, badRequest, forbidden, notFound } from '../../platform/errors';
import { cleanFileName } from '../../platform/http/file-names';
import { can } from '../../platform/rbac/permissions';
import { inScope, scopeOf } from '../../platform/rbac/scope';
import { storageFor } from '../../platform/storage/fs-storage';
import { FileTooLargeError } from '../../platform/storage/storage';
import { sniffedStream, UnsupportedTypeError } from '../exchange-ingest';
import * as repo from './attachments-repo';

/**
 * Attachments of confidentiality reviews and 有条件开放 applications: uploaded first,
 * then named in the review or application, readable by those who may read what they belong to.
 */
export const MAX_ATTACHMENT_MB = 20;
export const MAX_ATTACHMENTS = 10;

export interface Attachment {
  id: string;
  fileName: string;
  mime: string;
  size: number;
}

const toAttachment = (r: { id: string; file_name: string; mime: string; size: string }): Attachment => ({
  id: r.id,
  fileName: r.file_name,
  mime: r.mime,
  size: Number(r.size),
});

/** Only those who file reviews or applications upload their evidence. */
const mayAttach = (actor: Actor) => can(actor.roles, 'open.review') || can(actor.roles, 'open.application.apply');

export async function uploadAttachment(
  ctx: AppContext,
  actor: Actor,
  upload: { file: AsyncIterable<Buffer>; fileName: string },
): Promise<Attachment> {
  if (!mayAttach(actor)) throw forbidden();
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
        'OPEN_ATTACHMENT_TOO_LARGE',
        `An attachment may have ${MAX_ATTACHMENT_MB} MB at most`,
        `附件不能超过 ${MAX_ATTACHMENT_MB} MB`,
      );
    }
    if (e instanceof UnsupportedTypeError) {
      throw new AppError(
        415,
        'OPEN_ATTACHMENT_TYPE',
        'Attach PDF, OFD, DOCX, XLSX, ZIP, PNG or JPEG files (checked by content)',
        '附件须为 PDF、OFD、DOCX、XLSX、ZIP、PNG 或 JPEG 文件（按文件内容识别）',
      );
    }
    throw e;
  }
  const row = {
    file_name: fileName,
    mime: found.mime!,
    size: stored.size,
    sha256: stored.sha256,
    sm3: stored.sm3,
    storage_key: stored.key,
    uploaded_by: actor.userId,
    owner_type: null,
    owner_id: null,
  };
  const id = await repo.insertAttachment(ctx.db, row);
  return toAttachment({ id, ...row, size: String(row.size) });
}

/** Binds the files named in a review or application; refuses ids that are not the author's own unbound uploads. */
export async function bindAttachments(
  db: Db,
  actor: Actor,
  ids: string[] | undefined,
  owner: repo.OwnerType,
  ownerId: string,
): Promise<void> {
  const unique = [...new Set(ids ?? [])];
  if (unique.length > MAX_ATTACHMENTS) {
    throw badRequest(
      'OPEN_ATTACHMENT_TOO_MANY',
      `At most ${MAX_ATTACHMENTS} attachments`,
      `附件最多 ${MAX_ATTACHMENTS} 个`,
      { field: 'attachmentIds' },
    );
  }
  if ((await repo.bind(db, unique, actor.userId, owner, ownerId)) !== unique.length) {
    throw badRequest(
      'OPEN_ATTACHMENT_INVALID',
      'An attachment is unknown, not yours, or already used; upload it again',
      '附件不存在、不是您上传的或已被使用，请重新上传',
      { field: 'attachmentIds' },
    );
  }
}

/** The attachments of each owner, by owner id. */
export async function attachmentsByOwner(ctx: AppContext, owner: repo.OwnerType, ownerIds: string[]) {
  const map = new Map<string, Attachment[]>();
  for (const r of await repo.attachmentsOf(ctx.db, owner, ownerIds)) {
    const list = map.get(r.owner_id!) ?? [];
    list.push(toAttachment(r));
    map.set(r.owner_id!, list);
  }
  return map;
}

/** Opens a file for someone who may read what it belongs to (anyone else: the same 404 as no file). */
export async function openAttachment(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<{ attachment: Attachment; content: Readable }> {
  const a = await repo.findAttachment(ctx.db, id);
  const none = () => notFound('Attachment', '附件');
  if (!a) throw none();
  let allowed = a.uploaded_by === actor.userId;
  if (!allowed && a.owner_type === 'review' && a.owner_id) {
    const r = await repo.reviewOf(ctx.db, a.owner_id);
    allowed =
      !!r && can(actor.roles, 'open.read') && inScope(scopeOf(actor, 'open.dataset.manage'), r.provider_department_id);
  }
  if (!allowed && a.owner_type === 'application' && a.owner_id) {
    const r = await repo.applicationOf(ctx.db, a.owner_id);
    allowed =
      !!r &&
      (r.applicant_id === actor.userId ||
        (can(actor.roles, 'open.application.read') &&
          inScope(scopeOf(actor, 'open.application.manage'), r.provider_department_id)));
  }
  if (!allowed) throw none();
  return { attachment: toAttachment(a), content: await storageFor(ctx.config).get(a.storage_key) };
}
