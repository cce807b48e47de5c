import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams, Obj, PageQuery, Paged, pageBounds } from '../../platform/http/schemas';
import { EntryDetail, VersionRow, VersionStatus, VersionWithReviews } from './entries-schemas';
import { EntryInput } from '../../../shared/catalog/schemas';
import * as entries from './entries-service';
import { listVersions } from './versions-service';

export function entryRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/entries',
      {
        config: {
          access: 'catalog.compile',
          audit: { category: 'maintain', action: 'catalog.entry.create', targetType: 'catalog_entry' },
        },
        schema: {
          tags: ['catalog'],
          summary: "Draft a new entry for the specialist's own department; it gets its code now / 编制信息资源目录",
          body: EntryInput,
          response: { 201: EntryDetail },
        },
      },
      async (req, reply) => {
        const e = await entries.createEntry(ctx, req.actor!, req.body);
        req.auditNote.targetId = e.id;
        req.auditNote.detail = { code: e.code, name: e.pending?.name };
        return reply.status(201).send(e);
      },
    );

    app.get(
      '/entries/:id',
      {
        config: {
          access: 'catalog.read',
          audit: { category: 'access', action: 'catalog.entry.read', targetType: 'catalog_entry', targetParam: 'id' },
        },
        schema: {
          tags: ['catalog'],
          summary:
            'One entry: its published version, and for its department the version in progress / 信息资源目录详情',
          params: IdParams,
          response: { 200: EntryDetail },
        },
      },
      async (req) => entries.getEntry(ctx, req.actor!, req.params.id),
    );

    app.get(
      '/entries/:id/versions',
      {
        config: {
          access: 'catalog.read',
          audit: {
            category: 'access',
            action: 'catalog.entry.versions',
            targetType: 'catalog_entry',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Version history with review decisions / 版本历史',
          params: IdParams,
          response: { 200: Type.Array(VersionWithReviews) },
        },
      },
      async (req) => {
        const list = await listVersions(ctx, req.actor!, req.params.id);
        req.auditNote.rowCount = list.length;
        return list;
      },
    );

    app.get(
      '/mine',
      {
        config: { access: 'catalog.read', audit: { category: 'query', action: 'catalog.entry.mine' } },
        schema: {
          tags: ['catalog'],
          summary: "My department's entries with their latest version / 本部门目录",
          querystring: Obj({
            q: Type.Optional(Type.String({ maxLength: 100 })),
            status: Type.Optional(VersionStatus),
            ...PageQuery,
          }),
          response: { 200: Paged(VersionRow) },
        },
      },
      async (req) => {
        const { page, pageSize, ...filter } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await entries.listMine(ctx, req.actor!, filter, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );
  };
}
