import type { Readable } from 'node:stream';
import type { AppContext, Db } from '../../app-context';
import type { Actor } from '../context';
import { AppError, badRequest, notFound } from '../errors';
import { cleanFileName } from '../http/file-names';
import { storageFor } from '../storage/fs-storage';
import { sniffedStream, UnsupportedTypeError } from '../storage/sniff';
import { FileTooLargeError } from '../storage/storage';
import * as repo from './repo';

/**
 * The platform's attachments: evidence of a rectification, materials of a training session. A file is
 * uploaded first (owner null, only its uploader may open it), then bound to its owner when the owner is
 * saved. Its type is read from its content, its name cleaned, its SHA-256 and SM3 kept; the content lives
 * in the file store named by hash. Each caller names its own error codes, so that a refusal says where.
 */

export interface AttachmentPolicy {
  /** The stem of the error codes: 'SUPERVISION_ATTACHMENT' → SUPERVISION_ATTACHMENT_TOO_LARGE, _TYPE, _TOO_MANY, _INVALID, _REQUIRED. */
  code: string;
  maxMb: number;
  /** How many files one owner may have. */
  maxCount: number;
}

export interface Owner {
  type: string;
  id: string;
}

export interface Attachment {
  id: string;
  fileName: string;
  mime: string;
  size: number;
  uploadedAt: string;
  uploadedByName: string | null;
}

/** Who may open the files bound to an owner of each type; a type not named here is not opened at all. */
export type AttachmentReaders = Record<string, (ownerId: string) => Promise<boolean>>;

const toAttachment = (r: {
  id: string;
  file_name: string;
  mime: string;
  size: string;
  created_at: Date;
  uploaded_by_name?: string | null;
}): Attachment => ({
  id: r.id,
  fileName: r.file_name,
  mime: r.mime,
  size: Number(r.size),
  uploadedAt: r.created_at.toISOString(),
  uploadedByName: r.uploaded_by_name ?? null,
});

export const ALLOWED_TYPES_ZH = 'PDF、OFD、DOCX、XLSX、ZIP、PNG 或 JPEG';

export async function uploadAttachment(
  ctx: AppContext,
  actor: Actor,
  policy: AttachmentPolicy,
  upload: { file: AsyncIterable<Buffer>; fileName: string },
): Promise<Attachment> {
  const fileName = cleanFileName(upload.fileName);
  const found: { mime?: string } = {};
  let stored;
  try {
    stored = await storageFor(ctx.config).put(sniffedStream(upload.file, fileName, found), {
      maxBytes: policy.maxMb * 1024 * 1024,
    });
  } catch (e) {
    if (e instanceof FileTooLargeError) {
      throw new AppError(
        413,
        `${policy.code}_TOO_LARGE`,
        `An attachment may have ${policy.maxMb} MB at most`,
        `附件不能超过 ${policy.maxMb} MB`,
      );
    }
    if (e instanceof UnsupportedTypeError) {
      throw new AppError(
        415,
        `${policy.code}_TYPE`,
        'Attach PDF, OFD, DOCX, XLSX, ZIP, PNG or JPEG files (checked by content)',
        `附件须为 ${ALLOWED_TYPES_ZH} 文件（按文件内容识别）`,
      );
    }
    throw e;
  }
  const row = {
    owner_type: null,
    owner_id: null,
    file_name: fileName,
    mime: found.mime!,
    size: stored.size,
    sha256: stored.sha256,
    sm3: stored.sm3,
    storage_key: stored.key,
    uploaded_by: actor.userId,
  };
  const { id, created_at } = await repo.insertAttachment(ctx.db, row);
  return toAttachment({ ...row, id, created_at, size: String(row.size), uploaded_by_name: actor.realName });
}

/**
 * Binds files named when their owner is saved, in the caller's transaction: refuses more than the
 * policy's count (with those already bound) and ids that are not the saver's own unbound uploads.
 */
export async function bindAttachments(
  db: Db,
  actor: Actor,
  policy: AttachmentPolicy,
  ids: string[] | undefined,
  owner: Owner,
): Promise<number> {
  const unique = [...new Set(ids ?? [])];
  if (!unique.length) return 0;
  const already = await repo.countAttachments(db, owner.type, owner.id);
  if (unique.length + already > policy.maxCount) {
    throw badRequest(
      `${policy.code}_TOO_MANY`,
      `At most ${policy.maxCount} attachments`,
      `附件最多 ${policy.maxCount} 个`,
      { field: 'attachmentIds' },
    );
  }
  if ((await repo.bindAttachments(db, unique, actor.userId, owner.type, owner.id)) !== unique.length) {
    throw badRequest(
      `${policy.code}_INVALID`,
      'An attachment is unknown, not yours, or already used; upload it again',
      '附件不存在、不是您上传的或已被使用，请重新上传',
      { field: 'attachmentIds' },
    );
  }
  return unique.length;
}

/** The files of each owner of a type, by owner id, oldest first. */
export async function attachmentsByOwner(
  db: Db,
  ownerType: string,
  ownerIds: string[],
): Promise<Map<string, Attachment[]>> {
  const map = new Map<string, Attachment[]>();
  for (const r of await repo.attachmentsOf(db, ownerType, [...new Set(ownerIds)])) {
    const list = map.get(r.owner_id!) ?? [];
    list.push(toAttachment(r));
    map.set(r.owner_id!, list);
  }
  return map;
}

/**
 * A file for one who may read its owner, or its uploader's own file not yet bound; anyone else gets
 * the same 404 as for no file, so that ids reveal nothing.
 */
export async function openAttachment(
  ctx: AppContext,
  actor: Actor,
  id: string,
  readers: AttachmentReaders,
): Promise<{ attachment: Attachment; content: Readable }> {
  const a = await repo.findAttachment(ctx.db, id);
  const none = () => notFound('Attachment', '附件');
  if (!a) throw none();
  let allowed: boolean;
  if (a.owner_type === null || a.owner_id === null) allowed = a.uploaded_by === actor.userId;
  else {
    const read = readers[a.owner_type];
    allowed = !!read && (await read(a.owner_id));
  }
  if (!allowed) throw none();
  return { attachment: toAttachment(a), content: await storageFor(ctx.config).get(a.storage_key) };
}
