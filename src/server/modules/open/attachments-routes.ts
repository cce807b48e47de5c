import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { badRequest } from '../../platform/errors';
import { attachmentDisposition } from '../../platform/http/file-names';
import { IdParams } from '../../platform/http/schemas';
import { AttachmentOut } from './attachments-schemas';
import { MAX_ATTACHMENT_MB, openAttachment, uploadAttachment } from './attachments-service';

const tags = ['open'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;

/** Attachments of reviews and applications, under /api/open (console and portal users alike). */
export function attachmentRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, {
      limits: { fileSize: MAX_ATTACHMENT_MB * 1024 * 1024 + 1, files: 1, fields: 0, parts: 1 },
      throwFileSizeLimit: false,
    });

    app.post(
      '/attachments',
      {
        // Reviewers and applicants: checked in the service (two permissions, one route).
        config: {
          access: 'authenticated',
          audit: { category: 'maintain', action: 'open.attachment.upload', targetType: 'open_attachment' },
          upload: { maxBytes: MAX_ATTACHMENT_MB * 1024 * 1024, code: 'OPEN_ATTACHMENT_TOO_LARGE' },
        },
        schema: {
          tags,
          summary: 'Upload an attachment for a review or an application / 上传附件',
          description: `multipart/form-data with one "file": PDF, OFD, DOCX, XLSX, ZIP, PNG or JPEG (checked by content), at most ${MAX_ATTACHMENT_MB} MB. Name its id in attachmentIds when submitting.`,
          consumes: ['multipart/form-data'],
          response: { 201: AttachmentOut },
        },
      },
      async (req, reply) => {
        const part = req.isMultipart() ? await req.file() : undefined;
        if (!part)
          throw badRequest('OPEN_ATTACHMENT_REQUIRED', 'Upload the file as multipart/form-data', '请选择要上传的附件');
        try {
          const file = part.file.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
          const a = await uploadAttachment(ctx, actorOf(req), { file, fileName: part.filename });
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
      '/attachments/:id',
      {
        config: {
          access: 'authenticated',
          audit: {
            category: 'download',
            action: 'open.attachment.download',
            targetType: 'open_attachment',
            targetParam: 'id',
          },
        },
        schema: { tags, summary: 'Download an attachment / 下载附件', params: IdParams },
      },
      async (req, reply) => {
        const { attachment, content } = await openAttachment(ctx, actorOf(req), req.params.id);
        req.auditNote.targetName = attachment.fileName;
        return reply
          .header('content-type', attachment.mime)
          .header('content-disposition', attachmentDisposition(attachment.fileName))
          .send(content);
      },
    );
  };
}
