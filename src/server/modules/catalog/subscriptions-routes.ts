import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams, Nullable, Obj, Uuid } from '../../platform/http/schemas';
import * as subscriptions from './subscriptions-service';

const Subscribed = Obj({ subscribed: Type.Boolean() });
const Subscription = Obj({
  entryId: Uuid,
  code: Type.String(),
  name: Nullable(Type.String()),
  entryStatus: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('deleted')]),
  userId: Uuid,
  userName: Nullable(Type.String()),
  mine: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export function subscriptionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/entries/:id/subscription',
      {
        config: {
          access: 'catalog.read',
          audit: { category: 'share', action: 'catalog.subscribe', targetType: 'catalog_entry', targetParam: 'id' },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Subscribe my department to changes of an entry / 订阅',
          params: IdParams,
          response: { 200: Subscribed },
        },
      },
      async (req) => subscriptions.subscribe(ctx, req.actor!, req.params.id),
    );

    app.delete(
      '/entries/:id/subscription',
      {
        config: {
          access: 'catalog.read',
          audit: { category: 'share', action: 'catalog.unsubscribe', targetType: 'catalog_entry', targetParam: 'id' },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Cancel my subscription / 取消订阅',
          params: IdParams,
          response: { 200: Subscribed },
        },
      },
      async (req) => subscriptions.unsubscribe(ctx, req.actor!, req.params.id),
    );

    app.get(
      '/subscriptions',
      {
        config: { access: 'catalog.read', audit: { category: 'query', action: 'catalog.subscriptions' } },
        schema: {
          tags: ['catalog'],
          summary: "My department's subscriptions / 本部门订阅",
          response: { 200: Type.Array(Subscription) },
        },
      },
      async (req) => {
        const list = await subscriptions.listSubscriptions(ctx, req.actor!);
        req.auditNote.rowCount = list.length;
        return list;
      },
    );
  };
}
