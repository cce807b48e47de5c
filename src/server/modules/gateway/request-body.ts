import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { gatewayError } from './gateway-errors';

/**
 * A call's body, read within the service's limit: the gateway's content parser hands the raw stream
 * over (every content type), because the signature covers the bytes as sent and the upstream gets the
 * same bytes. A declared length over the limit is refused before anything is read.
 */
export async function readBody(req: FastifyRequest, limit: number): Promise<Buffer | null> {
  const stream = req.body as Readable | undefined;
  if (!stream || typeof (stream as Partial<Readable>).on !== 'function') return null;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw gatewayError('REQUEST_TOO_LARGE', { limit });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw gatewayError('REQUEST_TOO_LARGE', { limit });
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
