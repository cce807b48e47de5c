import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { fileRoutes } from './files-routes';
import { maskingRoutes } from './masking-routes';
import { pushRoutes } from './push-routes';

/** Data out (数据交换, R-23 … R-26): files, pushes and masking configuration, mounted at /api/exchange. */
export function deliveryRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(fileRoutes(ctx));
    await app.register(pushRoutes(ctx));
    await app.register(maskingRoutes(ctx));
  };
}
