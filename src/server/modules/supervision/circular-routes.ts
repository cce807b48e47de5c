import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams } from '../../platform/http/schemas';
import { CircularDetail, CircularList, CircularQuery } from './rectification-schemas';
import { getCircular, listCirculars } from './circular-service';

const tags = ['supervision'];

/** 通报 under /api/supervision: published to every department, read by every internal account. */
export function circularRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/circulars',
      {
        config: {
          access: 'supervision.circular.read',
          audit: { category: 'query', action: 'supervision.circular.list' },
        },
        schema: { tags, summary: 'Circulars / 通报列表', querystring: CircularQuery, response: { 200: CircularList } },
      },
      async (req) => listCirculars(ctx, req.query),
    );

    app.get(
      '/circulars/:id',
      {
        config: {
          access: 'supervision.circular.read',
          audit: { category: 'query', action: 'supervision.circular.read', targetType: 'circular', targetParam: 'id' },
        },
        schema: { tags, summary: 'One circular / 通报全文', params: IdParams, response: { 200: CircularDetail } },
      },
      async (req) => getCircular(ctx, req.params.id),
    );
  };
}
