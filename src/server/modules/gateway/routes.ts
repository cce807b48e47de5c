import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams, Nullable, Obj, Ok, PageQuery, Paged, pageBounds, Uuid } from '../../platform/http/schemas';
import {
  ChangeReviewInput,
  ConsumingSystem,
  PendingChangeListItem,
  Revision,
  Described,
  DescribeInput,
  RotateInput,
  SystemInput,
  SystemWithSecret,
  TokenAnswer,
  TokenInput,
  ServiceStats,
  Upstream,
  UpstreamInput,
} from './schemas';
import * as systems from './systems-service';
import * as upstreams from './upstreams-service';
import * as monitoring from './monitoring-service';
import * as changes from './change-review';
import { consumerDocument } from './consumer-docs';
import { originOf } from '../../platform/http/origin';
import type { GatewayHost } from './gateway-runtime';

const tags = ['gateway'];
const savedCode = (payload: unknown) => (JSON.parse(String(payload)) as { entryCode: string }).entryCode;
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const EntryParams = Obj({ entryId: Uuid });
const upstreamTarget = { targetType: 'catalog_entry', targetParam: 'entryId' } as const;
const systemTarget = { targetType: 'gw_system', targetParam: 'id' } as const;

/** R-23 management, mounted under /api/gateway: upstream registration, consuming systems, tokens. */
export function gatewayRoutes(ctx: AppContext, host: GatewayHost): FastifyPluginAsyncTypebox {
  /** Route hooks run after the audit hook has committed the change: the gateway's cache forgets the system. */
  const forgetSystemOnSuccess = async (_req: unknown, reply: { statusCode: number }, payload: unknown) => {
    if (reply.statusCode === 200) {
      const body = JSON.parse(String(payload)) as { appKey?: string; system?: { appKey: string } };
      host.forgetSystem(body.system?.appKey ?? body.appKey ?? '');
    }
    return payload;
  };
  return async (app) => {
    app.get(
      '/upstreams/:entryId',
      {
        config: {
          access: 'authenticated',
          audit: { category: 'access', action: 'gateway.upstream.read', ...upstreamTarget },
        },
        schema: {
          tags,
          summary: "A 服务接口 entry's registered upstream (null when none) / 服务接口登记信息",
          params: EntryParams,
          response: { 200: Obj({ upstream: Nullable(Upstream) }) },
        },
      },
      async (req) => ({ upstream: await upstreams.getUpstream(ctx, actorOf(req), req.params.entryId) }),
    );

    app.put(
      '/upstreams/:entryId',
      {
        config: {
          access: 'gateway.upstream.manage',
          audit: { category: 'maintain', action: 'gateway.upstream.save', ...upstreamTarget },
        },
        schema: {
          tags,
          summary: 'Register or change the upstream API; secrets omitted stay as stored / 登记或修改服务接口',
          params: EntryParams,
          body: UpstreamInput,
          response: { 200: Upstream },
        },
        // Route hooks run after the audit hook has committed the change: the gateway loads it afresh.
        onSend: async (_req, reply, payload) => {
          if (reply.statusCode === 200) host.forgetUpstream(savedCode(payload));
          return payload;
        },
      },
      async (req) => {
        const u = await upstreams.saveUpstream(ctx, actorOf(req), req.params.entryId, req.body);
        // What changed, never a secret; an impacting change is saved for review, not applied.
        const pending = u.pendingChange;
        req.auditNote.detail = pending
          ? { pendingRevision: pending.revision, removed: pending.removed, operations: pending.operations }
          : { revision: u.revision, baseUrl: u.baseUrl, operations: u.operations.map((o) => o.id) };
        return u;
      },
    );

    app.post(
      '/upstreams/:entryId/describe',
      {
        config: {
          access: 'gateway.upstream.manage',
          audit: { category: 'access', action: 'gateway.upstream.describe', ...upstreamTarget },
        },
        schema: {
          tags,
          summary: "Operations from the upstream's OpenAPI 3 or WSDL (given or fetched) / 解析接口描述",
          params: EntryParams,
          body: DescribeInput,
          response: { 200: Described },
        },
      },
      async (req) => upstreams.describe(ctx, actorOf(req), req.params.entryId, req.body),
    );

    app.get(
      '/upstreams/:entryId/revisions',
      {
        config: {
          access: 'gateway.upstream.manage',
          audit: { category: 'query', action: 'gateway.upstream.revisions', ...upstreamTarget },
        },
        schema: {
          tags,
          summary: 'Saved revisions of the registration / 登记修订记录',
          params: EntryParams,
          response: { 200: Obj({ items: Type.Array(Revision) }) },
        },
      },
      async (req) => ({ items: await upstreams.revisions(ctx, actorOf(req), req.params.entryId) }),
    );

    app.get(
      '/changes',
      {
        config: { access: 'gateway.change.review', audit: { category: 'query', action: 'gateway.change.list' } },
        schema: {
          tags,
          summary: 'Service changes waiting for platform review (R-07) / 待审核的服务接口变更',
          querystring: Obj({ ...PageQuery }),
          response: { 200: Paged(PendingChangeListItem) },
        },
      },
      async (req) => {
        const p = pageBounds(req.query);
        const { items, total } = await changes.listPendingChanges(ctx, actorOf(req), p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.post(
      '/upstreams/:entryId/change/review',
      {
        config: {
          access: 'gateway.change.review',
          audit: { category: 'maintain', action: 'gateway.change.review', ...upstreamTarget },
        },
        schema: {
          tags,
          summary: 'Approve or reject the pending change; approved, it applies now (R-07) / 审核服务接口变更',
          params: EntryParams,
          body: ChangeReviewInput,
          response: {
            200: Obj({
              entryCode: Type.String(),
              revision: Type.Integer(),
              status: Type.String(),
              removed: Type.Array(Type.String()),
            }),
          },
        },
        onSend: async (_req, reply, payload) => {
          if (reply.statusCode === 200) host.forgetUpstream(savedCode(payload));
          return payload;
        },
      },
      async (req) => {
        const r = await changes.reviewChange(ctx, actorOf(req), req.params.entryId, req.body);
        req.auditNote.detail = {
          revision: r.revision,
          decision: r.status,
          removed: r.removed,
          note: req.body.note ?? null,
        };
        return { entryCode: r.entryCode, revision: r.revision, status: r.status, removed: r.removed };
      },
    );

    app.post(
      '/upstreams/:entryId/change/withdraw',
      {
        config: {
          access: 'gateway.upstream.manage',
          audit: { category: 'maintain', action: 'gateway.change.withdraw', ...upstreamTarget },
        },
        schema: {
          tags,
          summary: 'Withdraw the pending change; the registration stays as it is / 撤回待审核的变更',
          params: EntryParams,
          response: { 200: Ok },
        },
      },
      async (req) => {
        await changes.withdrawChange(ctx, actorOf(req), req.params.entryId);
        return { ok: true };
      },
    );

    app.get(
      '/upstreams/:entryId/stats',
      {
        config: {
          access: 'gateway.upstream.manage',
          audit: { category: 'query', action: 'gateway.upstream.stats', ...upstreamTarget },
        },
        schema: {
          tags,
          summary: 'Availability, calls, failures and latency of the service / 接口监控',
          params: EntryParams,
          querystring: Obj({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 7 })) }),
          response: { 200: ServiceStats },
        },
      },
      async (req) => monitoring.serviceStats(ctx, actorOf(req), req.params.entryId, req.query.days ?? 7),
    );

    app.get(
      '/openapi.json',
      {
        config: { access: 'authenticated', audit: { category: 'access', action: 'gateway.docs' } },
        schema: {
          tags,
          summary:
            'OpenAPI of every service my department may call, granted operations and items only / 本部门可调用的服务接口文档',
          response: { 200: Type.Object({}, { additionalProperties: true }) },
        },
      },
      async (req) => consumerDocument(ctx, actorOf(req), originOf(req)),
    );

    app.get(
      '/systems',
      {
        config: { access: 'gateway.system.manage', audit: { category: 'query', action: 'gateway.system.list' } },
        schema: {
          tags,
          summary: "My department's consuming systems (all for the platform) / 应用系统列表",
          querystring: Obj({ departmentId: Type.Optional(Uuid) }),
          response: { 200: Obj({ items: Type.Array(ConsumingSystem) }) },
        },
      },
      async (req) => {
        const items = await systems.listSystems(ctx, actorOf(req), req.query.departmentId);
        req.auditNote.rowCount = items.length;
        return { items };
      },
    );

    app.post(
      '/systems',
      {
        config: {
          access: 'gateway.system.manage',
          audit: { category: 'maintain', action: 'gateway.system.create', targetType: 'gw_system' },
        },
        schema: {
          tags,
          summary: 'Register a consuming system; the secret is shown this once / 登记应用系统（密钥仅显示一次）',
          body: SystemInput,
          response: { 201: SystemWithSecret },
        },
      },
      async (req, reply) => {
        const created = await systems.createSystem(ctx, actorOf(req), req.body);
        req.auditNote.targetId = created.system.id;
        req.auditNote.detail = { name: created.system.name, appKey: created.system.appKey };
        return reply.status(201).send(created);
      },
    );

    app.post(
      '/systems/:id/rotate',
      {
        config: {
          access: 'gateway.system.manage',
          audit: { category: 'maintain', action: 'gateway.system.rotate', ...systemTarget },
        },
        schema: {
          tags,
          summary: 'A new secret; the old one works for the grace minutes / 更换密钥',
          params: IdParams,
          body: RotateInput,
          response: { 200: SystemWithSecret },
        },
        onSend: forgetSystemOnSuccess,
      },
      async (req) => {
        req.auditNote.detail = { graceMinutes: req.body.graceMinutes };
        return systems.rotateSecret(ctx, actorOf(req), req.params.id, req.body.graceMinutes);
      },
    );

    for (const [verb, enabled, action] of [
      ['disable', false, 'gateway.system.disable'],
      ['enable', true, 'gateway.system.enable'],
    ] as const)
      app.post(
        `/systems/:id/${verb}`,
        {
          config: {
            access: 'gateway.system.manage',
            audit: { category: 'maintain', action, ...systemTarget },
          },
          schema: {
            tags,
            summary: enabled
              ? 'Enable the system / 启用应用系统'
              : 'Disable the system: its calls stop at once / 停用应用系统',
            params: IdParams,
            response: { 200: ConsumingSystem },
          },
          onSend: forgetSystemOnSuccess,
        },
        async (req) => systems.setEnabled(ctx, actorOf(req), req.params.id, enabled),
      );

    app.post(
      '/token',
      {
        config: {
          abuseLimit: 'login',
          access: 'public',
          audit: { category: 'login', action: 'gateway.token', transaction: false },
        },
        schema: {
          tags,
          summary: 'A bearer token for a consuming system (app key and secret) / 获取访问令牌',
          body: TokenInput,
          response: { 200: TokenAnswer },
        },
      },
      async (req) => {
        req.auditNote.detail = { appKey: req.body.appKey };
        const t = await systems.issueToken(ctx, host.credentials, req.body.appKey, req.body.appSecret);
        req.auditNote.targetType = 'gw_system';
        req.auditNote.targetId = t.system.id;
        return { accessToken: t.accessToken, tokenType: t.tokenType, expiresIn: t.expiresIn };
      },
    );
  };
}
