import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { pullRoutes } from './pull-routes';
import { sourceRoutes } from './sources-routes';
import { uploadRoutes } from './upload-routes';

/** Data in (数据汇聚, R-20 … ): sources, pulls and uploads into the center, mounted at /api/exchange. */
export function ingestRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(sourceRoutes(ctx));
    await app.register(pullRoutes(ctx));
    await app.register(uploadRoutes(ctx));
  };
}
