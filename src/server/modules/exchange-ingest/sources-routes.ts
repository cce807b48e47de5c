import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams, Obj, Ok, Uuid } from '../../platform/http/schemas';
import * as sources from './sources-service';
import { Source, SourceColumnSchema, SourceInput, SourcePatch, SourceTableSchema, TestResultSchema } from './schemas';

const tags = ['exchange'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const target = { targetType: 'exchange_source', targetParam: 'id' } as const;

/** R-21 source databases, mounted under /api/exchange. Passwords go in and never come out. */
export function sourceRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/sources',
      {
        config: { access: 'exchange.read', audit: { category: 'query', action: 'exchange.source.list' } },
        schema: {
          tags,
          summary: "My department's source databases (all for the platform) / 数据源列表",
          querystring: Obj({ departmentId: Type.Optional(Uuid) }),
          response: { 200: Obj({ items: Type.Array(Source) }) },
        },
      },
      async (req) => {
        const items = await sources.listSources(ctx, actorOf(req), req.query.departmentId);
        req.auditNote.rowCount = items.length;
        return { items };
      },
    );

    app.get(
      '/sources/:id',
      {
        config: { access: 'exchange.read', audit: { category: 'access', action: 'exchange.source.read', ...target } },
        schema: { tags, summary: 'One source database / 数据源详情', params: IdParams, response: { 200: Source } },
      },
      async (req) => sources.getSource(ctx, actorOf(req), req.params.id),
    );

    app.post(
      '/sources',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'maintain', action: 'exchange.source.create', targetType: 'exchange_source' },
        },
        schema: {
          tags,
          summary: 'Register a source database / 登记数据源',
          body: SourceInput,
          response: { 201: Source },
        },
      },
      async (req, reply) => {
        const s = await sources.createSource(ctx, actorOf(req), req.body);
        req.auditNote.targetId = s.id;
        req.auditNote.detail = {
          name: s.name,
          kind: s.kind,
          host: s.host,
          port: s.port,
          database: s.database,
          departmentId: s.departmentId,
        };
        return reply.status(201).send(s);
      },
    );

    app.patch(
      '/sources/:id',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'maintain', action: 'exchange.source.update', ...target },
        },
        schema: {
          tags,
          summary: 'Change a source; omit the password to keep it / 修改数据源（口令不填则不变）',
          params: IdParams,
          body: SourcePatch,
          response: { 200: Source },
        },
      },
      async (req) => {
        // Which fields changed, never their secret value.
        req.auditNote.detail = { fields: Object.keys(req.body) };
        return sources.updateSource(ctx, actorOf(req), req.params.id, req.body);
      },
    );

    app.delete(
      '/sources/:id',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'maintain', action: 'exchange.source.delete', ...target },
        },
        schema: { tags, summary: 'Delete a source nothing uses / 删除数据源', params: IdParams, response: { 200: Ok } },
      },
      async (req) => {
        await sources.deleteSource(ctx, actorOf(req), req.params.id);
        return { ok: true };
      },
    );

    app.post(
      '/sources/:id/test',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'access', action: 'exchange.source.test', ...target },
        },
        schema: {
          tags,
          summary: 'Test the connection / 测试连接',
          params: IdParams,
          response: { 200: TestResultSchema },
        },
      },
      async (req) => {
        const r = await sources.testSource(ctx, actorOf(req), req.params.id);
        req.auditNote.detail = { ok: r.ok, code: r.code, serverVersion: r.serverVersion };
        return r;
      },
    );

    app.get(
      '/sources/:id/tables',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'query', action: 'exchange.source.tables', ...target },
        },
        schema: {
          tags,
          summary: 'Tables and views the source user may read / 源库表清单',
          params: IdParams,
          response: { 200: Obj({ items: Type.Array(SourceTableSchema) }) },
        },
      },
      async (req) => {
        const items = await sources.listSourceTables(ctx, actorOf(req), req.params.id);
        req.auditNote.rowCount = items.length;
        return { items };
      },
    );

    app.get(
      '/sources/:id/columns',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'query', action: 'exchange.source.columns', ...target },
        },
        schema: {
          tags,
          summary: 'Columns of one table / 源表字段',
          params: IdParams,
          querystring: Obj({
            table: Type.String({ minLength: 1, maxLength: 300, description: '模式.表名（MySQL 为 库名.表名）' }),
          }),
          response: { 200: Obj({ items: Type.Array(SourceColumnSchema) }) },
        },
      },
      async (req) => {
        req.auditNote.detail = { table: req.query.table };
        return { items: await sources.describeSourceTable(ctx, actorOf(req), req.params.id, req.query.table) };
      },
    );
  };
}
