import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installWebApp, WEB_DIST } from '../../src/server/platform/http/web-app';

/** The built web app as the server hands it out (`npm test` builds it first). */
let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify();
  await installWebApp(app);
});
afterAll(() => app.close());

const asset = () => {
  const js = fs.readdirSync(path.join(WEB_DIST, 'assets')).find((f) => f.startsWith('index-') && f.endsWith('.js'));
  if (!js) throw new Error('the web app is not built (npm run build:web)');
  return `/assets/${js}`;
};

describe('the web app', () => {
  it('answers a client route with index.html, always revalidated', async () => {
    const res = await app.inject({ url: '/console/catalog/search' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="app">');
  });

  it('sends hashed assets pre-compressed and cacheable for a year', async () => {
    const res = await app.inject({ url: asset(), headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it("answers an asset of another build with 404, not with the app's page", async () => {
    const res = await app.inject({ url: '/assets/index-0ld8u1ld.js' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).not.toContain('text/html');
  });

  it('answers an unknown API path with a JSON 404', async () => {
    const res = await app.inject({ url: '/api/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });
});
