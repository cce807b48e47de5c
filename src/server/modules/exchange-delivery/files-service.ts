import type { Readable } from 'node:stream';
import type { StaffCaller } from './data-access';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { getEntry, publishedVersionOf } from '../catalog';
import { requireGrant, deliveryStamp, type DeliveryStamp, type Grant } from '../sharing';
import * as repo from './files-repo';
import { markedFile, type SentFile } from './files-marks';
import type { ExportRecipient } from './records-export';
import type { ResourceFile } from './files-schemas';
import { sniffedStream, UnsupportedTypeError } from '../exchange-ingest';
import { storageFor } from '../../platform/storage/fs-storage';
import { BlobMissingError, FileTooLargeError, type FileStorage } from '../../platform/storage/storage';
import { inScope, scopeOf } from '../../platform/rbac/scope';
import { cleanFileName } from '../../platform/http/file-names';

/** R-22 resource files: versioned uploads by the provider, downloads only under a grant. */

const storageOf = (ctx: AppContext): FileStorage => storageFor(ctx.config);

export const maxFileBytes = (ctx: AppContext) => ctx.config.maxFileMb * 1024 * 1024;

function toFile(r: repo.FileRow): ResourceFile {
  return {
    id: r.id,
    entryId: r.entry_id,
    versionNo: r.version_no,
    fileName: r.file_name,
    mime: r.mime,
    size: Number(r.size),
    sha256: r.sha256,
    sm3: r.sm3,
    note: r.note,
    uploadedBy: r.uploader_name,
    uploadedAt: r.uploaded_at.toISOString(),
    withdrawnAt: r.withdrawn_at ? r.withdrawn_at.toISOString() : null,
    withdrawnBy: r.withdrawer_name,
    withdrawReason: r.withdraw_reason,
  };
}

const isProvider = (actor: Actor, departmentId: string) => actor.departmentId === departmentId;
const notProvider = () =>
  forbidden('Only the providing department manages its resource files', '只有提供部门可以管理本目录的资源文件');
const isUnique = (e: unknown) => (e as { code?: string }).code === '23505';

export interface Upload {
  file: AsyncIterable<Buffer>;
  fileName: string;
  note?: string | null;
}

export async function uploadFile(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  upload: Upload,
): Promise<ResourceFile> {
  const version = await publishedVersionOf(ctx, entryId);
  // 404 for an entry the actor cannot see at all; 409 for one that is only not published (any more).
  if (!version) await getEntry(ctx, actor, entryId);
  if (!version)
    throw conflict(
      'EXCHANGE_FILE_ENTRY_NOT_PUBLISHED',
      'Files are attached to published catalog entries only',
      '只能为已发布的信息资源目录上传文件',
    );
  if (!isProvider(actor, version.providerDepartmentId)) throw notProvider();
  const fileName = cleanFileName(upload.fileName);
  const found: { mime?: string } = {};
  const max = maxFileBytes(ctx);
  const storage = storageOf(ctx);
  let stored;
  try {
    stored = await storage.put(sniffedStream(upload.file, fileName, found), { maxBytes: max });
  } catch (e) {
    if (e instanceof FileTooLargeError)
      throw new AppError(
        413,
        'EXCHANGE_FILE_TOO_LARGE',
        `The file is larger than ${ctx.config.maxFileMb} MB`,
        `文件不能超过 ${ctx.config.maxFileMb} MB`,
      );
    if (e instanceof UnsupportedTypeError) {
      throw e.reason === 'encoding'
        ? new AppError(
            415,
            'EXCHANGE_FILE_ENCODING',
            'Text files (CSV, TXT, JSON, XML) must be UTF-8 encoded',
            '文本文件（CSV、TXT、JSON、XML）须为 UTF-8 编码',
          )
        : new AppError(
            415,
            'EXCHANGE_FILE_TYPE',
            'Allowed: PDF, OFD, XLSX, DOCX, ZIP, CSV, TXT, JSON, XML, PNG, JPEG (checked by content)',
            '只允许上传 PDF、OFD、XLSX、DOCX、ZIP、CSV、TXT、JSON、XML、PNG、JPEG 文件（按文件内容识别）',
          );
    }
    throw e;
  }
  const row = {
    entry_id: entryId,
    department_id: version.providerDepartmentId,
    file_name: fileName,
    mime: found.mime!,
    size: stored.size,
    sha256: stored.sha256,
    sm3: stored.sm3,
    storage_key: stored.key,
    note: upload.note?.trim() || null,
    uploaded_by: actor.userId,
    uploaded_at: ctx.clock.now(),
  };
  try {
    let id: string | undefined;
    for (let attempt = 0; !id; attempt++) {
      try {
        id = await repo.insertNextVersion(ctx.db, row);
      } catch (e) {
        if (!isUnique(e) || attempt >= 4) throw e;
      }
    }
    return toFile((await repo.findFile(ctx.db, id))!);
  } catch (e) {
    // The blob is shared with identical uploads; it goes only if no row names it.
    if ((await repo.countByStorageKey(ctx.db, stored.key)) === 0) await storage.remove(stored.key);
    throw e;
  }
}

/** The entry's file versions, for anyone who may see the entry in the catalog. */
export async function listFiles(ctx: AppContext, actor: Actor, entryId: string): Promise<ResourceFile[]> {
  await getEntry(ctx, actor, entryId);
  return (await repo.filesOf(ctx.db, entryId)).map(toFile);
}

async function loadFile(ctx: AppContext, id: string): Promise<repo.FileRow> {
  const r = await repo.findFile(ctx.db, id);
  if (!r) throw notFound('Resource file', '资源文件');
  return r;
}

export async function withdrawFile(ctx: AppContext, actor: Actor, id: string, reason: string): Promise<ResourceFile> {
  const why = reason.trim();
  if (!why) throw badRequest('EXCHANGE_FILE_REASON_REQUIRED', 'A reason is required', '请填写撤回理由');
  const r = await loadFile(ctx, id);
  if (!isProvider(actor, r.department_id)) throw notProvider();
  if (!(await repo.markWithdrawn(ctx.db, id, ctx.clock.now(), actor.userId, why))) {
    throw conflict('EXCHANGE_FILE_WITHDRAWN', 'The file version is already withdrawn', '该文件版本已撤回');
  }
  return toFile(await loadFile(ctx, id));
}

export interface Delivery {
  file: ResourceFile;
  content: Readable;
  /** Set when the file leaves under a grant (a consuming department). */
  stamp: DeliveryStamp | null;
  grantNo: string | null;
  /** Set when the content sent is not the stored file but a marked copy of it (Art 18). */
  sent: SentFile | null;
}

/**
 * The providing department and the platform read every version; any other department only a
 * version not withdrawn, and only through an active grant for the file method (from its IP ranges).
 */
export async function openFile(
  ctx: AppContext,
  actor: StaffCaller,
  id: string,
  recipient: ExportRecipient | null = null,
): Promise<Delivery> {
  const r = await loadFile(ctx, id);
  let stamp: DeliveryStamp | null = null;
  let grantNo: string | null = null;
  let grant: Grant | null = null;
  if (!inScope(scopeOf(actor, 'exchange.entry.manage'), r.department_id)) {
    if (!actor.departmentId) throw forbidden();
    grant = await requireGrant(ctx, {
      departmentId: actor.departmentId,
      entryId: r.entry_id,
      use: 'download',
      ip: actor.ip,
    });
    if (r.withdrawn_at)
      throw new AppError(
        410,
        'EXCHANGE_FILE_WITHDRAWN',
        'This file version was withdrawn by its provider',
        '该文件版本已被提供部门撤回',
      );
    stamp = deliveryStamp(grant);
    grantNo = grant.no;
  }
  let content: Readable;
  try {
    content = await storageOf(ctx).get(r.storage_key);
  } catch (e) {
    if (e instanceof BlobMissingError) {
      ctx.log.error({ fileId: id, key: r.storage_key }, 'resource file blob missing');
      throw new AppError(
        500,
        'EXCHANGE_FILE_MISSING',
        'The stored file is missing; the platform has been told',
        '文件内容缺失，请联系平台管理员',
      );
    }
    throw e;
  }
  const file = toFile(r);
  if (!grant || !recipient) return { file, content, stamp, grantNo, sent: null };
  return { file, stamp, grantNo, ...(await markedFile(ctx, file, grant, recipient, content)) };
}

/** Which of these entries have a file to deliver: the catalog's compilation indicator asks (compose.ts). */
export const entriesWithFiles = (ctx: AppContext, entryIds: string[]) => repo.entriesWithFiles(ctx.db, entryIds);
