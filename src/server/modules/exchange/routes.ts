import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { pullRoutes } from './pull-routes';
import { pushRoutes } from './push-routes';
import { fileRoutes } from './files-routes';
import { maskingRoutes } from './masking-routes';
import { sourceRoutes } from './sources-routes';
import { uploadRoutes } from './upload-routes';

/** Data exchange (数据交换, R-20 … R-29), mounted at /api/exchange. */
export function exchangeRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(sourceRoutes(ctx));
    await app.register(fileRoutes(ctx));
    await app.register(pullRoutes(ctx));
    await app.register(pushRoutes(ctx));
    await app.register(maskingRoutes(ctx));
    await app.register(uploadRoutes(ctx));
  };
}
