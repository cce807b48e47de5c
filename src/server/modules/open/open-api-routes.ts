import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { admitCall, countRows, SlidingWindowLimiter, type KeyCaller } from './open-api-limits';
import {
  OpenDatasetList,
  OpenDatasetMeta,
  OpenDatasetParams,
  OpenDatasetsQuery,
  OpenRecords,
  OpenRecordsQuery,
} from './open-api-schemas';
import { listOpenDatasets, openDatasetMeta, openRecords } from './open-api-service';
import { codeOf } from './portal-schemas';

/**
 * the open API at /open/api/v1 for programs holding a free key. Every route here needs a key:
 * the guard lets the request through as 'public' (no session), then this plugin's own onRequest hook
 * admits it by key — 401 for an unknown or revoked one, 429 over the rate or the daily quota — and
 * names the key's owner to the audit log. These routes are hidden from the staff API's document;
 * they have their own (open-api-document.ts).
 */
export function openApiRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  // One limiter per app: in-process, see SlidingWindowLimiter for what a cluster needs instead.
  const limiter = new SlidingWindowLimiter();
  const callers = new WeakMap<FastifyRequest, KeyCaller>();
  const callerOf = (req: FastifyRequest) => callers.get(req)!;

  return async (app) => {
    app.addHook('onRequest', async (req, reply) => {
      // The header only, never the query string: URLs end up in access logs, proxies and browser history.
      const header = req.headers['x-api-key'];
      const key = Array.isArray(header) ? header[0] : header;
      const caller = await admitCall(ctx, limiter, {
        key,
        setHeader: (name, value) => void reply.header(name, value),
        identified: (owner, prefix) => {
          // The key, not a session cookie the browser may also send, says who calls.
          req.actor = null;
          req.auditNote.actor = owner;
          req.auditNote.detail = { ...req.auditNote.detail, apiKey: prefix };
        },
      });
      callers.set(req, caller);
    });

    app.get(
      '/datasets',
      {
        config: { access: 'public', audit: false },
        schema: {
          hide: true,
          summary: 'Search the open datasets / 检索开放数据集',
          querystring: OpenDatasetsQuery,
          response: { 200: OpenDatasetList },
        },
      },
      async (req) => listOpenDatasets(ctx, req.query),
    );

    app.get(
      '/datasets/:prefix/:seq',
      {
        config: { access: 'public', audit: false },
        schema: {
          hide: true,
          summary: 'One open dataset: metadata, data dictionary and licence / 数据集元数据与数据字典',
          params: OpenDatasetParams,
          response: { 200: OpenDatasetMeta },
        },
      },
      async (req) => openDatasetMeta(ctx, codeOf(req.params)),
    );

    app.get(
      '/datasets/:prefix/:seq/records',
      {
        config: {
          access: 'public',
          audit: { category: 'query', action: 'open.api.records', targetType: 'catalog_entry_code' },
        },
        schema: {
          hide: true,
          summary: 'Records of an open dataset, masked for the public, a page at a time / 查询开放数据',
          params: OpenDatasetParams,
          querystring: OpenRecordsQuery,
          response: { 200: OpenRecords },
        },
      },
      async (req) => {
        const code = codeOf(req.params);
        req.auditNote.targetId = code;
        // The key's owner reads as themselves: their approved applications open 有条件开放 data.
        const page = await openRecords(ctx, code, req.query, { userId: callerOf(req).userId });
        req.auditNote.rowCount = page.items.length;
        await countRows(ctx, callerOf(req), page.items.length);
        return page;
      },
    );
  };
}
