import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { pullRoutes } from './pull-routes';
import { fileRoutes } from './files-routes';
import { sourceRoutes } from './sources-routes';

/** Data exchange (数据交换, R-20 … R-29), mounted at /api/exchange. */
export function exchangeRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(sourceRoutes(ctx));
    await app.register(fileRoutes(ctx));
    await app.register(pullRoutes(ctx));
  };
}
