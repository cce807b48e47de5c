import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { Nullable, Obj, PageQuery, Paged, pageBounds } from '../http/schemas';
import * as notify from './service';

const Item = Obj({
  id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  body: Nullable(Type.String()),
  link: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Nullable(Type.String({ format: 'date-time' })),
});

export function notifyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/inbox',
      {
        config: { access: 'authenticated', audit: false },
        schema: {
          tags: ['inbox'],
          summary: 'My notifications / 我的消息',
          querystring: Obj({ ...PageQuery, unread: Type.Optional(Type.Boolean()) }),
          response: { 200: Paged(Item) },
        },
      },
      async (req) => {
        const p = pageBounds(req.query);
        const { items, total } = await notify.inbox(
          ctx,
          req.actor!.userId,
          req.query.unread ?? false,
          p.limit,
          p.offset,
        );
        return {
          items: items.map((n) => ({
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            createdAt: n.created_at.toISOString(),
            readAt: n.read_at?.toISOString() ?? null,
          })),
          total,
          page: p.page,
          pageSize: p.pageSize,
        };
      },
    );

    app.get(
      '/inbox/unread-count',
      {
        config: { access: 'authenticated', audit: false },
        schema: {
          tags: ['inbox'],
          summary: 'Number of unread notifications / 未读消息数',
          response: { 200: Obj({ unread: Type.Integer() }) },
        },
      },
      async (req) => ({ unread: await notify.unreadCount(ctx, req.actor!.userId) }),
    );

    app.post(
      '/inbox/read',
      {
        config: { access: 'authenticated', audit: false },
        schema: {
          tags: ['inbox'],
          summary: 'Mark notifications read (all when ids is omitted) / 标记已读',
          body: Obj({
            ids: Type.Optional(
              Type.Array(Type.String({ pattern: '^\\d{1,18}$', description: 'a notification id (bigint)' }), {
                maxItems: 500,
              }),
            ),
          }),
          response: { 200: Obj({ updated: Type.Integer() }) },
        },
      },
      async (req) => ({ updated: await notify.markRead(ctx, req.actor!.userId, req.body.ids) }),
    );
  };
}
