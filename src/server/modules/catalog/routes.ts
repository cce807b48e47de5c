import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { classRoutes } from './classes-routes';
import { entryRoutes } from './entries-routes';
import { versionRoutes } from './versions-routes';
import { lifecycleRoutes } from './lifecycle-routes';
import { changeRoutes } from './changes-routes';
import { subscriptionRoutes } from './subscriptions-routes';
import { searchRoutes } from './search-routes';
import { excelRoutes } from './excel-routes';
import { objectionRoutes } from './objections-routes';
import { demandRoutes } from './demands-routes';
import { synonymRoutes } from './synonyms-routes';

/** The catalog management system (目录管理系统), mounted at /api/catalog. */
export function catalogRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(classRoutes(ctx));
    await app.register(entryRoutes(ctx));
    await app.register(versionRoutes(ctx));
    await app.register(lifecycleRoutes(ctx));
    await app.register(changeRoutes(ctx));
    await app.register(subscriptionRoutes(ctx));
    await app.register(searchRoutes(ctx));
    await app.register(excelRoutes(ctx));
    await app.register(objectionRoutes(ctx));
    await app.register(demandRoutes(ctx));
    await app.register(synonymRoutes(ctx));
  };
}
