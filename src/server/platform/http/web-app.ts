import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const WEB_DIST = path.resolve(import.meta.dirname, '../../../../dist/web');

/** Serves the built Vue app; any non-API GET that is not a file gets index.html (client-side routes). */
export async function installWebApp(app: FastifyInstance): Promise<void> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    app.log.warn(`web app not built (${WEB_DIST}); run npm run build:web`);
    return;
  }
  await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: ['index.html'] });
  app.get('/*', { schema: { hide: true } }, (req, reply) => {
    if (req.url.startsWith('/api/')) {
      return reply.status(404).send({
        error: {
          code: 'ROUTE_NOT_FOUND',
          message: `No route ${req.method} ${req.url.split('?')[0]}`,
          messageZh: '接口不存在',
        },
      });
    }
    return reply.sendFile('index.html');
  });
}
