import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PACKAGE_ROOT } from '../../package-root';

export const WEB_DIST = path.join(PACKAGE_ROOT, 'dist/web');

/**
 * Files under /assets carry a content hash in their name (Vite): a new build gives new names, so a
 * browser may keep them for a year without asking. index.html names the current ones: always revalidated.
 */
export function cacheControlOf(file: string): string {
  return file.startsWith(path.join(WEB_DIST, 'assets') + path.sep) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Serves the built Vue app; any non-API GET that is not a file or an asset gets index.html (client-side routes). */
export async function installWebApp(app: FastifyInstance): Promise<void> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    app.log.warn(`web app not built (${WEB_DIST}); run npm run build:web`);
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    wildcard: false,
    // `/` is the portal's home, rendered by the server (open module); other client routes get index.html below.
    index: false,
    // The build writes .br and .gz beside each file (vite.config.ts): sent as they are, per Accept-Encoding.
    preCompressed: true,
    cacheControl: false,
    setHeaders: (res, file) => {
      res.setHeader('cache-control', cacheControlOf(file));
      // A shared cache must not hand the brotli copy to a client that asked for none.
      res.setHeader('vary', 'accept-encoding');
    },
  });
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
    // A file of another build (a tab opened before a deploy asks for its chunks): a 404, not the app's
    // page, which the browser would refuse as a script ("MIME type") without the app learning why.
    if (req.url.startsWith('/assets/')) return reply.status(404).type('text/plain').send('Not found');
    return reply.sendFile('index.html');
  });
}
