import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { badRequest } from '../../platform/errors';
import { IdParams, Obj } from '../../platform/http/schemas';
import { attachmentDisposition } from '../../platform/http/file-names';
import { ResourceFile, WithdrawInput } from './files-schemas';
import * as files from './files-service';

const tags = ['exchange'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const fileTarget = { targetType: 'exchange_file', targetParam: 'id' } as const;

/** R-22 resource files, mounted under /api/exchange. */
export function fileRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // One more byte than allowed reaches the storage, which then refuses the file (413) and keeps nothing.
    await app.register(multipart, {
      limits: { fileSize: files.maxFileBytes(ctx) + 1, files: 1, fields: 2, parts: 3 },
      throwFileSizeLimit: false,
    });

    app.post(
      '/entries/:id/files',
      {
        config: {
          access: 'exchange.file.manage',
          audit: { category: 'maintain', action: 'exchange.file.upload', targetType: 'exchange_file' },
          upload: { maxBytes: files.maxFileBytes(ctx), code: 'EXCHANGE_FILE_TOO_LARGE' },
        },
        schema: {
          tags,
          summary: 'Upload a new version of the resource file / 上传资源文件新版本',
          description:
            `multipart/form-data: an optional "note" field, then one "file" (the note must come first). The type is read from the content: ` +
            `PDF, OFD, XLSX, DOCX, ZIP, UTF-8 CSV/TXT/JSON/XML, PNG, JPEG (others 415). At most MAX_FILE_MB (${ctx.config.maxFileMb} MB here; 413 above).`,
          consumes: ['multipart/form-data'],
          params: IdParams,
          response: { 201: ResourceFile },
        },
      },
      async (req, reply) => {
        const part = req.isMultipart() ? await req.file() : undefined;
        if (!part)
          throw badRequest('EXCHANGE_FILE_REQUIRED', 'Upload the file as multipart/form-data', '请选择要上传的文件');
        const noteField = part.fields.note;
        const note =
          noteField && !Array.isArray(noteField) && noteField.type === 'field'
            ? String(noteField.value).slice(0, 500)
            : null;
        let f;
        try {
          // Not destroyed on a refusal: a destroyed part stalls the multipart parser and with it the connection.
          const file = part.file.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
          f = await files.uploadFile(ctx, actorOf(req), req.params.id, { file, fileName: part.filename, note });
        } catch (e) {
          // The refused rest is read and dropped (the parser stops keeping it at the limit), or the client would hang mid-send.
          part.file.resume();
          throw e;
        }
        req.auditNote.targetId = f.id;
        req.auditNote.detail = {
          entryId: f.entryId,
          versionNo: f.versionNo,
          fileName: f.fileName,
          mime: f.mime,
          size: f.size,
          sha256: f.sha256,
          sm3: f.sm3,
        };
        return reply.status(201).send(f);
      },
    );

    app.get(
      '/entries/:id/files',
      {
        config: {
          access: 'catalog.read',
          audit: { category: 'query', action: 'exchange.file.list', targetType: 'catalog_entry', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: "The entry's file versions, newest first / 资源文件版本列表",
          params: IdParams,
          response: { 200: Obj({ items: Type.Array(ResourceFile) }) },
        },
      },
      async (req) => {
        const items = await files.listFiles(ctx, actorOf(req), req.params.id);
        req.auditNote.rowCount = items.length;
        return { items };
      },
    );

    app.get(
      '/files/:id/content',
      {
        config: {
          abuseLimit: 'download',
          access: 'exchange.file.download',
          audit: { category: 'download', action: 'exchange.file.download', ...fileTarget },
        },
        schema: {
          tags,
          summary: 'Download a file version / 下载资源文件',
          description:
            'The providing department and the platform always; other departments only under an active grant for the file method (403 SHARING_GRANT_…).',
          params: IdParams,
        },
      },
      async (req, reply) => {
        const a = actorOf(req);
        const d = await files.openFile(ctx, { ...a, ip: req.ip }, req.params.id, {
          userId: a.userId,
          username: a.username,
          realName: a.realName,
          departmentId: a.departmentId,
          departmentName: a.departmentName,
          ip: req.ip,
        });
        req.auditNote.detail = {
          entryId: d.file.entryId,
          versionNo: d.file.versionNo,
          size: d.file.size,
          sha256: d.file.sha256,
          grantNo: d.grantNo,
          // A marked PDF (Art 18): the copy sent is the stored file plus its download's mark.
          ...(d.sent ? { mark: d.sent.mark, sentSha256: d.sent.sha256 } : {}),
        };
        if (d.stamp) {
          reply.header(d.stamp.header[0], d.stamp.header[1]);
          // Header values are Latin-1: the Chinese notice travels percent-encoded.
          reply.header('x-govshare-notice', encodeURIComponent(d.stamp.notice));
        }
        // No content-length (chunked instead): with it, the kept-alive connection of a finished download
        // held up app.close() for about 70 s (files-http.test.ts checks the shutdown stays quick).
        return reply
          .header('content-type', d.file.mime)
          .header('content-disposition', attachmentDisposition(d.file.fileName))
          .header('x-content-sha256', d.sent?.sha256 ?? d.file.sha256)
          .header('x-content-sm3', d.sent?.sm3 ?? d.file.sm3)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .send(d.content);
      },
    );

    app.post(
      '/files/:id/withdraw',
      {
        config: {
          access: 'exchange.file.manage',
          audit: { category: 'maintain', action: 'exchange.file.withdraw', ...fileTarget },
        },
        schema: {
          tags,
          summary: 'Withdraw a file version / 撤回资源文件版本',
          params: IdParams,
          body: WithdrawInput,
          response: { 200: ResourceFile },
        },
      },
      async (req) => {
        req.auditNote.detail = { reason: req.body.reason };
        return files.withdrawFile(ctx, actorOf(req), req.params.id, req.body.reason);
      },
    );
  };
}
