import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { Obj, Paged, PageQuery, pageBounds } from '../../platform/http/schemas';
import * as me from './me-service';
import { Favourite, FavouriteState, MyDownload } from './me-schemas';
import { CodeParams, codeOf } from './portal-schemas';

const tags = ['portal-account'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const PageOnly = Obj(PageQuery);

/** R-34 user centre under /api/portal: favourites (收藏) and my downloads (下载记录). */
export function meRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/me/favourites',
      {
        config: { access: 'open.account', audit: false },
        schema: {
          tags,
          summary: 'My favourite datasets / 我的收藏',
          querystring: PageOnly,
          response: { 200: Paged(Favourite) },
        },
      },
      async (req) => {
        const p = pageBounds(req.query);
        const { items, total } = await me.listFavourites(ctx, actorOf(req), p.limit, p.offset);
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/datasets/:prefix/:seq/favourite',
      {
        config: { access: 'open.account', audit: false },
        schema: {
          tags,
          summary: 'Whether I keep this dataset / 是否已收藏',
          params: CodeParams,
          response: { 200: FavouriteState },
        },
      },
      async (req) => me.favouriteState(ctx, actorOf(req), codeOf(req.params)),
    );

    for (const [method, on] of [
      ['PUT', true],
      ['DELETE', false],
    ] as const) {
      app.route({
        method,
        url: '/datasets/:prefix/:seq/favourite',
        config: {
          access: 'open.account',
          audit: {
            category: 'access',
            action: on ? 'open.favourite.add' : 'open.favourite.remove',
            targetType: 'catalog_entry_code',
          },
        },
        schema: {
          tags,
          summary: on ? 'Keep a dataset / 收藏' : 'Stop keeping a dataset / 取消收藏',
          params: CodeParams,
          response: { 200: FavouriteState },
        },
        handler: async (req) => {
          const code = codeOf(req.params);
          req.auditNote.targetId = code;
          return me.setFavourite(ctx, actorOf(req), code, on);
        },
      });
    }

    app.get(
      '/me/downloads',
      {
        config: { access: 'open.account', audit: false },
        schema: {
          tags,
          summary: 'My downloads and API reads / 我的下载记录',
          querystring: PageOnly,
          response: { 200: Paged(MyDownload) },
        },
      },
      async (req) => {
        const p = pageBounds(req.query);
        const { items, total } = await me.listDownloads(ctx, actorOf(req), p.limit, p.offset);
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );
  };
}
