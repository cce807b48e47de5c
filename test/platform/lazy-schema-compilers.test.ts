import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { lazySchemaCompilers } from '../../src/server/platform/http/lazy-schema-compilers';

const body = {
  type: 'object',
  required: ['n'],
  properties: { n: { type: 'integer' } },
  additionalProperties: false,
} as const;
const response = { 200: { type: 'object', properties: { n: { type: 'integer' } } } } as const;
/** Ajv refuses to compile an unknown format: with Fastify's own compilers the app does not start. */
const uncompilable = { type: 'object', properties: { q: { type: 'string', format: 'no-such-format' } } } as const;

function appWith(opts: FastifyServerOptions): FastifyInstance {
  const app = Fastify(opts);
  app.post('/echo', { schema: { body, response } }, (req) => ({
    ...(req.body as object),
    secret: 'not in the schema',
  }));
  app.get('/broken', { schema: { querystring: uncompilable } }, () => ({ ok: true }));
  return app;
}

let app: FastifyInstance | undefined;
afterEach(() => app?.close());

describe('route schemas compiled on first call', () => {
  it('start without compiling: a broken schema fails its own route, not the start', async () => {
    await expect(appWith({}).ready()).rejects.toThrow(/no-such-format/);

    app = appWith({ schemaController: { compilersFactory: lazySchemaCompilers() } });
    await app.ready();
    const broken = await app.inject({ url: '/broken?q=x' });
    expect(broken.statusCode).toBe(500);
  });

  it('validate requests and serialize responses as the eager compilers do', async () => {
    // The server's Ajv options reach the compilers through the wrapper: unknown fields are refused.
    app = appWith({
      schemaController: { compilersFactory: lazySchemaCompilers() },
      ajv: { customOptions: { removeAdditional: false } },
    });
    const bad = await app.inject({ method: 'POST', url: '/echo', payload: { n: 'one' } });
    expect(bad.statusCode).toBe(400);
    // Fastify reads the failed validation's errors from the validator function (the lazy one's getter).
    expect(bad.json()).toMatchObject({ message: 'body/n must be integer' });
    const extra = await app.inject({ method: 'POST', url: '/echo', payload: { n: 1, m: 2 } });
    expect(extra.statusCode).toBe(400);

    for (let i = 0; i < 2; i++) {
      const ok = await app.inject({ method: 'POST', url: '/echo', payload: { n: i } });
      expect(ok.statusCode).toBe(200);
      // The response serializer applied: a field outside the response schema is not sent.
      expect(ok.body).toBe(JSON.stringify({ n: i }));
    }
  });
});
