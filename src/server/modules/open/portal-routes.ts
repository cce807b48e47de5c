import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { auditStreamEnd } from '../../platform/audit/hook';
import { SearchQuery, SearchResult } from '../catalog';
import type { Actor } from '../../platform/context';
import { portalDataset, portalHome, portalPreview, searchPortal, type OpenReader } from './portal-service';
import { datasetDictionary, dictionaryCsv, licence, openDownload } from './portal-dictionary';
import { Dictionary, DictionaryQuery, Licence } from './open-api-schemas';
import { CodeParams, codeOf, PortalDataset, PortalHome, PortalPreview } from './portal-schemas';
import { Obj } from '../../platform/http/schemas';

const tags = ['portal'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const target = { targetType: 'catalog_entry_code' } as const;
/** A signed-in caller reads as themselves (approved applications open 有条件开放 data); anyone else as the public. */
const readerOf = (req: { actor: Actor | null }): OpenReader =>
  req.actor?.mfaPassed ? { userId: req.actor.userId } : null;

/** A signed-in reader is named by the download's fingerprint (Art 18); an anonymous one gets an unmarked file. */
const recipientOf = (req: { actor: Actor | null; ip: string }) =>
  req.actor?.mfaPassed
    ? {
        userId: req.actor.userId,
        username: req.actor.username,
        realName: req.actor.realName,
        departmentId: req.actor.departmentId,
        departmentName: req.actor.departmentName,
        ip: req.ip,
      }
    : null;

/**
 * the open portal's data for its pages, under /api/portal, for anyone (no login). Reading
 * the catalog is not audited (it is public); data leaving the platform is.
 */
export function portalRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/home',
      {
        config: { access: 'public', audit: false },
        schema: {
          tags,
          summary: 'Open portal home: domains, counts, newest and most used / 开放门户首页',
          response: { 200: PortalHome },
        },
      },
      async () => portalHome(ctx),
    );

    app.get(
      '/datasets',
      {
        config: {
          abuseLimit: 'search',
          access: 'public',
          audit: false,
        },
        schema: {
          tags,
          summary: 'Search the open datasets with facets / 开放数据检索',
          querystring: Type.Omit(SearchQuery, ['portal', 'shareType', 'shareMethod']),
          response: { 200: SearchResult },
        },
      },
      async (req) => searchPortal(ctx, req.query),
    );

    app.get(
      '/datasets/:prefix/:seq',
      {
        config: { access: 'public', audit: false },
        schema: {
          tags,
          summary: 'One open dataset: summary, provider, data dictionary, usage / 开放数据集详情',
          params: CodeParams,
          querystring: Obj({ view: Type.Optional(Type.Boolean({ description: 'count this as a page view' })) }),
          response: { 200: PortalDataset },
        },
      },
      async (req) => portalDataset(ctx, codeOf(req.params), req.query.view === true),
    );

    app.get(
      '/datasets/:prefix/:seq/preview',
      {
        config: { access: 'public', audit: { category: 'query', action: 'open.data.preview', ...target } },
        schema: {
          tags,
          summary: `The first rows of an open dataset, masked for the public / 数据预览`,
          params: CodeParams,
          response: { 200: PortalPreview },
        },
      },
      async (req) => {
        req.auditNote.targetId = codeOf(req.params);
        const p = await portalPreview(ctx, codeOf(req.params), readerOf(req));
        req.auditNote.rowCount = p.items.length;
        return p;
      },
    );

    app.get(
      '/datasets/:prefix/:seq/download',
      {
        config: {
          abuseLimit: 'download',
          access: 'public',
          audit: { category: 'download', action: 'open.data.download', ...target, streamEnd: true },
        },
        schema: {
          tags,
          summary: 'Download an open dataset (CSV UTF-8 with BOM, Excel, JSON lines), masked / 下载开放数据',
          params: CodeParams,
          querystring: Obj({
            format: Type.Optional(
              Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('jsonl')], { default: 'csv' }),
            ),
          }),
          produces: ['text/csv', 'application/x-ndjson', XLSX_TYPE],
        },
      },
      async (req, reply) => {
        const code = codeOf(req.params);
        req.auditNote.targetId = code;
        const d = await openDownload(ctx, code, req.query.format ?? 'csv', readerOf(req), recipientOf(req));
        req.auditNote.detail = { format: d.format, fields: d.fields, mark: d.mark };
        auditStreamEnd(ctx, req, reply, () => ({
          rowCount: d.sent.rows,
          complete: d.sent.all,
          detail: { format: d.format, mark: d.mark },
        }));
        return reply
          .header('content-type', d.contentType)
          .header('content-disposition', `attachment; filename="${d.fileName}"`)
          .header('link', d.links)
          .send(d.body);
      },
    );

    app.get(
      '/datasets/:prefix/:seq/dictionary',
      {
        config: { access: 'public', audit: false },
        schema: {
          tags,
          summary: 'Data dictionary of an open dataset (JSON or CSV) / 数据字典',
          params: CodeParams,
          querystring: DictionaryQuery,
          response: {
            200: {
              description: 'the dictionary',
              content: { 'application/json': { schema: Dictionary }, 'text/csv': { schema: Type.String() } },
            },
          },
        },
      },
      async (req, reply) => {
        const code = codeOf(req.params);
        const d = await datasetDictionary(ctx, code);
        if (req.query.format !== 'csv') return d;
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${code.replace('/', '-')}-dictionary.csv"`)
          .send(dictionaryCsv(d));
      },
    );

    app.get(
      '/licence',
      {
        config: { access: 'public', audit: false },
        schema: {
          tags,
          summary: 'The licence open data is published under / 公共数据开放许可协议',
          querystring: Obj({
            format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('text')], { default: 'json' })),
          }),
          response: {
            200: {
              description: 'the licence',
              content: { 'application/json': { schema: Licence }, 'text/plain': { schema: Type.String() } },
            },
          },
        },
      },
      async (req, reply) => {
        const l = licence();
        if (req.query.format !== 'text') return l;
        return reply
          .header('content-type', 'text/plain; charset=utf-8')
          .send(`${l.title}（${l.version}）\n\n${l.text}\n\n${l.titleEn}\n\n${l.textEn}\n`);
      },
    );
  };
}
