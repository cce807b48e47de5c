import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { enumOf, IdParams, Nullable, Obj, pageBounds, Paged, PageQuery, Uuid } from '../../platform/http/schemas';
import * as demands from './demands-service';

const DemandStatus = enumOf(
  ['submitted', 'assigned', 'rejected', 'fulfilled'] as const,
  'submitted 待汇总 | assigned 已纳入责任清单 | rejected 不予受理 | fulfilled 已满足',
);
const ItemKind = enumOf(['catalog', 'share', 'open'] as const, 'catalog 编目 | share 共享 | open 开放');
const ItemStatus = enumOf(
  ['open', 'fulfilled', 'cancelled'] as const,
  'open 进行中 | fulfilled 已完成 | cancelled 已取消',
);
const Instant = Type.String({ format: 'date-time' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const DemandInput = Obj({
  title: Text(200),
  description: Text(2000),
  reason: Text(2000),
  wantedProviderDepartmentId: Type.Optional(Nullable(Uuid)),
  wantedEntryId: Type.Optional(Nullable(Uuid)),
});
export type DemandInput = Static<typeof DemandInput>;

export const Demand = Obj({
  id: Type.String(),
  requesterDepartmentId: Type.String(),
  requesterDepartmentName: Type.String(),
  requesterId: Type.String(),
  requesterName: Type.String(),
  title: Type.String(),
  description: Type.String(),
  reason: Type.String(),
  wantedProviderDepartmentId: Nullable(Type.String()),
  wantedProviderDepartmentName: Nullable(Type.String()),
  wantedEntryId: Nullable(Type.String()),
  wantedEntryName: Nullable(Type.String()),
  status: DemandStatus,
  adminNote: Nullable(Type.String({ description: 'reason for rejection' })),
  createdAt: Instant,
  updatedAt: Instant,
  responsibility: Nullable(
    Obj({ id: Type.String(), providerDepartmentName: Type.String(), dueAt: Instant, status: ItemStatus }),
  ),
});
export type Demand = Static<typeof Demand>;

export const ResponsibilityInput = Obj({
  providerDepartmentId: Uuid,
  kind: ItemKind,
  description: Text(2000),
  dueDate: Type.String({
    pattern: '^\\d{4}-\\d{2}-\\d{2}$',
    description: 'YYYY-MM-DD; due at the end of that day, Asia/Shanghai',
  }),
  demandIds: Type.Array(Uuid, { maxItems: 200, uniqueItems: true }),
  entryId: Type.Optional(Nullable(Uuid)),
});
export type ResponsibilityInput = Static<typeof ResponsibilityInput>;

export const Responsibility = Obj({
  id: Type.String(),
  providerDepartmentId: Type.String(),
  providerDepartmentName: Type.String(),
  kind: ItemKind,
  description: Type.String(),
  dueAt: Instant,
  entryId: Nullable(Type.String()),
  entryCode: Nullable(Type.String()),
  entryName: Nullable(Type.String()),
  status: ItemStatus,
  createdBy: Type.String(),
  createdByName: Type.String(),
  createdAt: Instant,
  fulfilledAt: Nullable(Instant),
  overdue: Type.Boolean({ description: 'open past dueAt' }),
  demands: Type.Array(
    Obj({
      id: Type.String(),
      title: Type.String(),
      status: DemandStatus,
      requesterDepartmentId: Type.String(),
      requesterDepartmentName: Type.String(),
    }),
  ),
});
export type Responsibility = Static<typeof Responsibility>;

const tags = ['catalog'];
/** The guard has already required a session on every route here. */
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;

export function demandRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/demands',
      {
        config: {
          access: 'catalog.demand.file',
          audit: { category: 'maintain', action: 'catalog.demand.file', targetType: 'catalog_demand' },
        },
        schema: {
          tags,
          summary: 'File a sharing demand for my department (Art 7) / 提出共享需求',
          body: DemandInput,
          response: { 201: Demand },
        },
      },
      async (req, reply) => {
        const d = await demands.fileDemand(ctx, actorOf(req), req.body);
        req.auditNote.targetId = d.id;
        req.auditNote.detail = { title: d.title };
        return reply.status(201).send(d);
      },
    );

    app.get(
      '/demands',
      {
        config: { access: 'catalog.read', audit: { category: 'query', action: 'catalog.demand.search' } },
        schema: {
          tags,
          summary: "My department's demands (all for platform_admin) / 共享需求列表",
          querystring: Obj({ status: Type.Optional(DemandStatus), ...PageQuery }),
          response: { 200: Paged(Demand) },
        },
      },
      async (req) => {
        const { page, pageSize, ...filter } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await demands.listDemands(ctx, actorOf(req), filter, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.post(
      '/demands/:id/reject',
      {
        config: {
          access: 'catalog.demand.manage',
          audit: {
            category: 'maintain',
            action: 'catalog.demand.reject',
            targetType: 'catalog_demand',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Decline a demand with a reason / 驳回共享需求',
          params: IdParams,
          body: Obj({ reason: Text(2000) }),
          response: { 200: Demand },
        },
      },
      async (req) => demands.rejectDemand(ctx, req.params.id, req.body.reason),
    );

    app.post(
      '/responsibilities',
      {
        config: {
          access: 'catalog.demand.manage',
          audit: { category: 'maintain', action: 'catalog.responsibility.create', targetType: 'responsibility_item' },
        },
        schema: {
          tags,
          summary: 'Aggregate demands into a responsibility item / 汇总需求形成责任清单事项',
          body: ResponsibilityInput,
          response: { 201: Responsibility },
        },
      },
      async (req, reply) => {
        const r = await demands.createResponsibility(ctx, actorOf(req), req.body);
        req.auditNote.targetId = r.id;
        req.auditNote.detail = {
          providerDepartmentId: r.providerDepartmentId,
          kind: r.kind,
          dueAt: r.dueAt,
          demandIds: req.body.demandIds,
        };
        return reply.status(201).send(r);
      },
    );

    app.get(
      '/responsibilities',
      {
        config: { access: 'catalog.read', audit: { category: 'query', action: 'catalog.responsibility.search' } },
        schema: {
          tags,
          summary: "The responsibility list (责任清单): my department's items, all for platform_admin",
          querystring: Obj({
            providerDepartmentId: Type.Optional(Uuid),
            status: Type.Optional(ItemStatus),
            overdue: Type.Optional(Type.Boolean()),
            ...PageQuery,
          }),
          response: { 200: Paged(Responsibility) },
        },
      },
      async (req) => {
        const { page, pageSize, ...filter } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await demands.listResponsibilities(ctx, actorOf(req), filter, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.post(
      '/responsibilities/:id/link',
      {
        config: {
          access: 'catalog.compile',
          audit: {
            category: 'maintain',
            action: 'catalog.responsibility.link',
            targetType: 'responsibility_item',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Name the entry that fulfils an item (responsible department) / 关联履行责任的目录',
          params: IdParams,
          body: Obj({ entryId: Uuid }),
          response: { 200: Responsibility },
        },
      },
      async (req) => {
        req.auditNote.detail = { entryId: req.body.entryId };
        return demands.linkResponsibility(ctx, actorOf(req), req.params.id, req.body.entryId);
      },
    );
  };
}
