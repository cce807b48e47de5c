import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams, Nullable, Obj } from '../../platform/http/schemas';
import * as pushes from './push-service';
import { Push, PushInput } from './push-schemas';

const tags = ['exchange'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;

/** R-21 push jobs: a 库表 grant delivered into the consumer's database, under /api/exchange/grants/:id/push. */
export function pushRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/grants/:id/push',
      {
        config: { access: 'exchange.read', audit: false },
        schema: {
          tags,
          summary: 'A grant’s delivery into the consumer’s database, with recent runs / 数据推送配置',
          params: IdParams,
          response: { 200: Nullable(Push) },
        },
      },
      async (req) => pushes.getPush(ctx, actorOf(req), req.params.id),
    );
    app.put(
      '/grants/:id/push',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'maintain', action: 'exchange.push.save', targetType: 'share_grant', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'Deliver a 库表 grant into one of your databases / 配置数据推送',
          params: IdParams,
          body: PushInput,
          response: { 200: Push },
        },
      },
      async (req) => pushes.savePush(ctx, actorOf(req), req.params.id, req.body),
    );
    app.delete(
      '/grants/:id/push',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'maintain', action: 'exchange.push.delete', targetType: 'share_grant', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'Stop delivering (the pushed table stays) / 删除数据推送配置',
          params: IdParams,
          response: { 204: Type.Null() },
        },
      },
      async (req, reply) => {
        await pushes.deletePush(ctx, actorOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/grants/:id/push/runs',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'share', action: 'exchange.push.request', targetType: 'share_grant', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'Push now / 立即推送',
          params: IdParams,
          body: Type.Optional(
            Obj({ mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('incremental')])) }),
          ),
          response: { 202: Obj({ queued: Type.Boolean() }) },
        },
      },
      async (req, reply) => {
        await pushes.requestPush(ctx, actorOf(req), req.params.id, req.body?.mode);
        return reply.status(202).send({ queued: true });
      },
    );
  };
}
