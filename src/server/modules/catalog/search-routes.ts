import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { SearchQuery, SearchResult } from './search-query';
import { searchEntries } from './search-service';

/** The unified city catalog, mounted under /api/catalog. */
export function searchRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/search',
      {
        config: {
          abuseLimit: 'search',
          access: 'catalog.read',
          audit: { category: 'query', action: 'catalog.search' },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Search the published catalog with facets / 目录统一检索',
          description:
            'Chinese full-text search (jieba word segmentation) over name, data items and summary, ranked name > items > summary. ' +
            'Each facet counts the matches under every filter except its own.',
          querystring: SearchQuery,
          response: { 200: SearchResult },
        },
      },
      async (req) => {
        const result = await searchEntries(ctx, req.actor, req.query);
        req.auditNote.rowCount = result.items.length;
        const { page: _page, pageSize: _pageSize, ...criteria } = req.query;
        req.auditNote.detail = { ...criteria, total: result.total };
        return result;
      },
    );
  };
}
