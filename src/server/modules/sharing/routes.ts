import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { grantRoutes } from './grants-routes';
import { letterRoutes } from './letters-routes';
import { requestRoutes } from './requests-routes';

/** The sharing portal's API (资源共享), mounted at /api/sharing. */
export function sharingRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(requestRoutes(ctx));
    await app.register(grantRoutes(ctx));
    await app.register(letterRoutes(ctx));
  };
}
