import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { badRequest } from '../../platform/errors';
import { uploadTooLarge } from '../../platform/http/upload-limit';
import { TraceReport } from './trace-schemas';
import { MAX_TRACE_MB, traceDownload } from './trace-service';

const LIMIT = { maxBytes: MAX_TRACE_MB * 1024 * 1024, code: 'SECURITY_TRACE_TOO_LARGE' };

/** Art 18: a leaked file traced to its download, under /api/security: security administrators. */
export function traceRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, {
      limits: { fileSize: LIMIT.maxBytes + 1, files: 1, fields: 0, parts: 1 },
      throwFileSizeLimit: false,
    });

    app.post(
      '/trace',
      {
        config: {
          access: 'security.trace',
          audit: { category: 'analyze', action: 'security.trace' },
          upload: LIMIT,
        },
        schema: {
          tags: ['security'],
          summary: 'Trace a leaked file to the download it came from / 下载溯源',
          description: `multipart/form-data with one "file": a CSV, JSON Lines or Excel file (or part of one, at least about 200 rows), at most ${MAX_TRACE_MB} MB. Names the download, grant, department and user whose fingerprint it carries.`,
          consumes: ['multipart/form-data'],
          response: { 200: TraceReport },
        },
      },
      async (req) => {
        const part = req.isMultipart() ? await req.file() : undefined;
        if (!part)
          throw badRequest(
            'SECURITY_TRACE_FILE_REQUIRED',
            'Upload the file as multipart/form-data',
            '请选择要溯源的文件',
          );
        const file = part.file.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
        const r = await traceDownload(ctx, file, part.filename);
        if (part.file.truncated) throw uploadTooLarge(LIMIT);
        req.auditNote.targetName = part.filename;
        req.auditNote.rowCount = r.voting;
        req.auditNote.detail = {
          fileName: part.filename,
          format: r.format,
          verdict: r.verdict,
          marks: r.matches.map((m) => m.download.mark),
        };
        return r;
      },
    );
  };
}
