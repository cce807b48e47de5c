import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { AppError } from '../errors';

export interface UploadLimit {
  /** The largest file the route takes, in bytes. */
  maxBytes: number;
  /** The error code of the route's own refusal once it has read too much (default UPLOAD_TOO_LARGE). */
  code?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An upload route: a body declared larger than the file limit allows is refused before it is read. */
    upload?: UploadLimit;
  }
}

/**
 * Room for the multipart framing and the small fields around the file: the limit is on the file,
 * Content-Length counts the whole body. A body inside this margin is left to the route's own check
 * while the file is read (the multipart parser's fileSize limit), which refuses with the same code.
 */
export const MULTIPART_MARGIN = 64 * 1024;

const megabytes = (bytes: number) => {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
};

export function uploadTooLarge(limit: UploadLimit): AppError {
  const mb = megabytes(limit.maxBytes);
  return new AppError(
    413,
    limit.code ?? 'UPLOAD_TOO_LARGE',
    `The file is larger than the ${mb} MB limit`,
    `文件超过 ${mb} MB 上限`,
    { maxBytes: limit.maxBytes },
  );
}

/**
 * Refuses an upload from its Content-Length, before the body is read, on every route that declares
 * config.upload. Without this the route streams the file until the multipart parser's limit, so a
 * client sending 2 GB keeps a request busy for all of it. Added as the route's own onRequest hook,
 * after the guard's: an unauthenticated caller learns nothing about limits, and the refusal is
 * audited with the caller's name. A chunked body has no length to check; the route's check remains.
 */
export function installUploadLimits(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const limit = route.config?.upload;
    // An upload route without a declared limit would read whatever it is sent: refuse to start.
    const consumes = (route.schema as { consumes?: string[] } | undefined)?.consumes ?? [];
    if (!limit && consumes.includes('multipart/form-data'))
      throw new Error(`Upload route ${String(route.method)} ${route.url} must declare config.upload`);
    if (!limit) return;
    const check = async (req: FastifyRequest, reply: FastifyReply) => {
      const declared = Number(req.headers['content-length']);
      if (!(declared > limit.maxBytes + MULTIPART_MARGIN)) return;
      // The client sends the rest anyway; as fastify does for its own body limit, the connection is
      // closed after the answer rather than kept to read and drop what is still coming.
      reply.header('connection', 'close');
      throw uploadTooLarge(limit);
    };
    const own = route.onRequest;
    route.onRequest = [...(own ? (Array.isArray(own) ? own : [own]) : []), check as onRequestHookHandler];
  });
}
