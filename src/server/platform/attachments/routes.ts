import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../context';
import { badRequest } from '../errors';
import { attachmentDisposition } from '../http/file-names';
import { IdParams, Nullable, Obj, Uuid } from '../http/schemas';
import type { RouteAccess } from '../rbac/permissions';
import { openAttachment, uploadAttachment, type AttachmentPolicy, type AttachmentReaders } from './service';

export const AttachmentOut = Obj({
  id: Uuid,
  fileName: Type.String(),
  mime: Type.String(),
  size: Type.Integer(),
  uploadedAt: Type.String({ format: 'date-time' }),
  uploadedByName: Nullable(Type.String()),
});

/** Ids of uploaded files named when their owner is saved. */
export const AttachmentIds = (max: number, uploadPath: string) =>
  Type.Array(Uuid, { maxItems: max, uniqueItems: true, description: `ids of files uploaded with POST ${uploadPath}` });

export interface AttachmentRouteOptions {
  tags: string[];
  /** Under the plugin's prefix, e.g. '/rectifications/attachments'. */
  path: string;
  /** Its full path, for the documentation. */
  fullPath: string;
  uploadAccess: RouteAccess;
  readAccess: RouteAccess;
  policy: AttachmentPolicy;
  /** The audit action codes (literals, so the label table is checked against them). */
  uploadAction: string;
  downloadAction: string;
  /** What the upload is for, in the summary: 'evidence of a rectification / 整改佐证材料'. */
  what: string;
  readers: (ctx: AppContext, actor: Actor) => AttachmentReaders;
}

const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;

/** Upload (POST path) and download (GET path/:id) of the platform's attachments for one kind of owner. */
export function attachmentRoutes(ctx: AppContext, o: AttachmentRouteOptions): FastifyPluginAsyncTypebox {
  const maxBytes = o.policy.maxMb * 1024 * 1024;
  return async (app) => {
    await app.register(multipart, {
      limits: { fileSize: maxBytes + 1, files: 1, fields: 0, parts: 1 },
      throwFileSizeLimit: false,
    });

    app.post(
      o.path,
      {
        config: {
          access: o.uploadAccess,
          audit: { category: 'maintain', action: o.uploadAction, targetType: 'attachment' },
          upload: { maxBytes, code: `${o.policy.code}_TOO_LARGE` },
        },
        schema: {
          tags: o.tags,
          summary: `Upload ${o.what}`,
          description: `multipart/form-data with one "file": PDF, OFD, DOCX, XLSX, ZIP, PNG or JPEG (checked by content), at most ${o.policy.maxMb} MB. Name its id in attachmentIds when saving.`,
          consumes: ['multipart/form-data'],
          response: { 201: AttachmentOut },
        },
      },
      async (req, reply) => {
        const part = req.isMultipart() ? await req.file() : undefined;
        if (!part)
          throw badRequest(`${o.policy.code}_REQUIRED`, 'Upload the file as multipart/form-data', '请选择要上传的附件');
        try {
          const file = part.file.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
          const a = await uploadAttachment(ctx, actorOf(req), o.policy, { file, fileName: part.filename });
          req.auditNote.targetId = a.id;
          req.auditNote.targetName = a.fileName;
          return reply.status(201).send(a);
        } catch (e) {
          // Read and drop the refused rest, or the client would hang mid-send.
          part.file.resume();
          throw e;
        }
      },
    );

    app.get(
      `${o.path}/:id`,
      {
        config: {
          access: o.readAccess,
          audit: { category: 'download', action: o.downloadAction, targetType: 'attachment', targetParam: 'id' },
        },
        schema: { tags: o.tags, summary: `Download ${o.what}`, params: IdParams },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const { attachment, content } = await openAttachment(ctx, actor, req.params.id, o.readers(ctx, actor));
        req.auditNote.targetName = attachment.fileName;
        return reply
          .header('content-type', attachment.mime)
          .header('content-disposition', attachmentDisposition(attachment.fileName))
          .send(content);
      },
    );
  };
}
