import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { badRequest } from '../../platform/errors';
import { MAX_LETTER_BYTES, uploadLetter } from './letters-service';
import { Letter } from './schemas';

/** uploading the application letter, mounted under /api/sharing. */
export function letterRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Registered in this plugin only, so no other sharing route accepts multipart bodies.
    await app.register(multipart, {
      limits: { fileSize: MAX_LETTER_BYTES, files: 1, fields: 5, parts: 6 },
      throwFileSizeLimit: false,
    });

    app.post(
      '/letters',
      {
        config: {
          access: 'sharing.request',
          audit: { category: 'share', action: 'sharing.letter.upload', targetType: 'sharing_letter' },
          upload: { maxBytes: MAX_LETTER_BYTES, code: 'SHARING_LETTER_TOO_LARGE' },
        },
        schema: {
          tags: ['sharing'],
          summary: 'Upload the application letter with the official seal / 上传加盖公章的申请函',
          description: 'multipart/form-data, one file: PDF, JPG or PNG (checked by content), at most 10 MB.',
          consumes: ['multipart/form-data'],
          response: { 201: Letter },
        },
      },
      async (req, reply) => {
        const part = req.isMultipart() ? await req.file() : undefined;
        if (!part)
          throw badRequest(
            'SHARING_LETTER_REQUIRED',
            'Upload the letter as multipart/form-data',
            '请选择要上传的申请函文件',
          );
        const letter = await uploadLetter(ctx, req.actor as Actor, { file: part.file, fileName: part.filename });
        req.auditNote.targetId = letter.id;
        req.auditNote.detail = { sha256: letter.sha256, size: letter.size, mime: letter.mime };
        return reply.status(201).send(letter);
      },
    );
  };
}
