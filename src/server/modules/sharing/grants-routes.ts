import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams, Obj, PageQuery, Paged, Uuid, pageBounds } from '../../platform/http/schemas';
import * as grants from './grants-service';
import { DateOnly, Grant, GrantDetail, GrantStatus } from './schemas';

const tags = ['sharing'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;

/** grants, mounted under /api/sharing. */
export function grantRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/grants',
      {
        config: { access: 'sharing.read', audit: { category: 'query', action: 'sharing.grant.search' } },
        schema: {
          tags,
          summary: 'Grants my department holds or gave (all for the platform) / 共享授权列表',
          querystring: Obj({
            side: Type.Optional(
              Type.Union([Type.Literal('consumer'), Type.Literal('provider')], {
                description: 'consumer 本部门获得的 | provider 本部门提供的',
              }),
            ),
            status: Type.Optional(GrantStatus),
            entryId: Type.Optional(Uuid),
            q: Type.Optional(
              Type.String({ maxLength: 100, description: '授权编号、申请编号、资源名称或代码（部分即可）' }),
            ),
            ...PageQuery,
          }),
          response: { 200: Paged(Grant) },
        },
      },
      async (req) => {
        const { page, pageSize, ...filter } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await grants.listGrants(ctx, actorOf(req), filter, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/grants/:id',
      {
        config: {
          access: 'sharing.read',
          audit: { category: 'access', action: 'sharing.grant.read', targetType: 'share_grant', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'One grant with its history / 共享授权详情',
          params: IdParams,
          response: { 200: GrantDetail },
        },
      },
      async (req) => grants.getGrant(ctx, actorOf(req), req.params.id),
    );

    app.post(
      '/grants/:id/revoke',
      {
        config: {
          access: 'sharing.grant.manage',
          audit: { category: 'share', action: 'sharing.grant.revoke', targetType: 'share_grant', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'Revoke a grant with a reason / 撤销授权',
          params: IdParams,
          body: Obj({ reason: Type.String({ maxLength: 2000 }) }),
          response: { 200: Grant },
        },
      },
      async (req) => grants.revokeGrant(ctx, actorOf(req), req.params.id, req.body.reason),
    );

    app.post(
      '/grants/:id/renew',
      {
        config: {
          access: 'sharing.grant.manage',
          audit: { category: 'share', action: 'sharing.grant.renew', targetType: 'share_grant', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'Extend a grant / 授权续期',
          params: IdParams,
          body: Obj({ validTo: DateOnly }),
          response: { 200: Grant },
        },
      },
      async (req) => grants.renewGrant(ctx, actorOf(req), req.params.id, req.body.validTo),
    );
  };
}
