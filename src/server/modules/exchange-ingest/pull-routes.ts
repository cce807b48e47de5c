import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams, Obj } from '../../platform/http/schemas';
import * as bindings from './bindings-service';
import { Binding, BindingInput, Library, Quality, Run } from './pull-schemas';
import { listLibraries } from './libraries-service';
import { getQuality } from './quality-service';

const tags = ['exchange'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;

/** R-21 table jobs: an entry's source binding and its pulls, under /api/exchange. */
export function pullRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.put(
      '/entries/:id/binding',
      {
        config: {
          access: 'exchange.source.manage',
          audit: {
            category: 'maintain',
            action: 'exchange.binding.save',
            targetType: 'catalog_entry',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Bind an entry to a source table / 配置数据汇聚',
          params: IdParams,
          body: BindingInput,
          response: { 200: Binding },
        },
      },
      async (req) => bindings.saveBinding(ctx, actorOf(req), req.params.id, req.body),
    );
    app.get(
      '/entries/:id/binding',
      {
        config: { access: 'exchange.read', audit: false },
        schema: {
          tags,
          summary: 'An entry’s source binding / 数据汇聚配置',
          params: IdParams,
          response: { 200: Binding },
        },
      },
      async (req) => bindings.getBinding(ctx, actorOf(req), req.params.id),
    );
    app.post(
      '/entries/:id/runs',
      {
        config: {
          access: 'exchange.source.manage',
          audit: {
            category: 'aggregate',
            action: 'exchange.pull.request',
            targetType: 'catalog_entry',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Pull now / 立即汇聚',
          params: IdParams,
          body: Type.Optional(
            Obj({ mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('incremental')])) }),
          ),
          response: { 202: Obj({ queued: Type.Boolean() }) },
        },
      },
      async (req, reply) => {
        await bindings.requestPull(ctx, actorOf(req), req.params.id, req.body?.mode);
        return reply.status(202).send({ queued: true });
      },
    );
    app.get(
      '/libraries/:kind',
      {
        config: { access: 'catalog.read', audit: { category: 'query', action: 'exchange.libraries' } },
        schema: {
          tags,
          summary: 'Base or theme libraries: resources by class with their data in the center (R-26) / 基础库、主题库',
          params: Obj({ kind: Type.Union([Type.Literal('base'), Type.Literal('theme')]) }),
          response: { 200: Type.Array(Library) },
        },
      },
      async (req) => listLibraries(ctx, actorOf(req), req.params.kind),
    );

    app.get(
      '/entries/:id/quality',
      {
        config: { access: 'catalog.read', audit: false },
        schema: {
          tags,
          summary: 'Data quality after each load: completeness, accuracy, timeliness, availability (R-27) / 数据质量',
          params: IdParams,
          response: { 200: Quality },
        },
      },
      async (req) => getQuality(ctx, req.params.id),
    );

    app.get(
      '/entries/:id/runs',
      {
        config: { access: 'exchange.read', audit: false },
        schema: {
          tags,
          summary: 'Recent pulls with progress and reconciliation / 汇聚记录',
          params: IdParams,
          response: { 200: Type.Array(Run) },
        },
      },
      async (req) => bindings.listRuns(ctx, actorOf(req), req.params.id),
    );
  };
}
