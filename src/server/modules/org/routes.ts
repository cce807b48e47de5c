import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { departmentRoutes } from './departments-routes';
import { regionRoutes } from './regions-routes';
import { specialistRoutes } from './specialists-routes';
import { userRoutes } from './users-routes';

/** Organisations (regions, departments, accounts, data specialists), mounted at /api. */
export function orgRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(regionRoutes(ctx));
    await app.register(departmentRoutes(ctx));
    await app.register(userRoutes(ctx));
    await app.register(specialistRoutes(ctx));
  };
}
