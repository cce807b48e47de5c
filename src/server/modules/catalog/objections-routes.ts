import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { enumOf, IdParams, Nullable, Obj, pageBounds, Paged, PageQuery, Uuid } from '../../platform/http/schemas';
import { OBJECTION_KIND_CODES } from '../../../shared/catalog/enums';
import * as objections from './objections-service';

const ObjectionKind = enumOf(
  OBJECTION_KIND_CODES,
  'catalog 目录信息有误 | data 数据内容有误 | request 申请处理问题 | service 服务使用问题',
);
const ObjectionStatus = enumOf(
  ['open', 'answered', 'confirmed', 'reopened'] as const,
  'open 待答复 | answered 已答复 | confirmed 已确认 | reopened 重新提出',
);
const Instant = Type.String({ format: 'date-time' });

export const Objection = Obj({
  id: Type.String(),
  entryId: Type.String(),
  entryCode: Type.String(),
  entryName: Nullable(Type.String()),
  versionId: Nullable(Type.String()),
  providerDepartmentId: Type.String(),
  providerDepartmentName: Type.String(),
  kind: ObjectionKind,
  content: Type.String({ description: 'the objection, followed by earlier answers and reasons for reopening' }),
  raisedBy: Type.String(),
  raisedByName: Type.String(),
  raisedByDepartmentId: Nullable(Type.String()),
  raisedByDepartmentName: Nullable(Type.String()),
  raisedAt: Instant,
  dueAt: Instant,
  status: ObjectionStatus,
  answer: Nullable(Type.String()),
  answeredBy: Nullable(Type.String()),
  answeredByName: Nullable(Type.String()),
  answeredAt: Nullable(Instant),
  rating: Nullable(Type.Integer()),
  closedAt: Nullable(Instant),
  overdue: Type.Boolean({ description: 'waiting for the provider past dueAt' }),
});
export type Objection = Static<typeof Objection>;

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const tags = ['catalog'];
/** The guard has already required a session on every route here. */
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;

export function objectionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/entries/:id/objections',
      {
        config: {
          access: 'catalog.objection.raise',
          audit: { category: 'maintain', action: 'catalog.objection.raise', targetType: 'catalog_objection' },
        },
        schema: {
          tags,
          summary: 'Raise an objection on a published entry (Art 9) / 提出目录疑义或纠错',
          params: IdParams,
          body: Obj({ kind: ObjectionKind, content: Text(2000) }),
          response: { 201: Objection },
        },
      },
      async (req, reply) => {
        const o = await objections.raiseObjection(ctx, actorOf(req), req.params.id, req.body);
        req.auditNote.targetId = o.id;
        req.auditNote.detail = { entryId: o.entryId, kind: o.kind, dueAt: o.dueAt };
        return reply.status(201).send(o);
      },
    );

    app.get(
      '/entries/:id/objections',
      {
        config: { access: 'catalog.read', audit: false },
        schema: {
          tags,
          summary: "An entry's objections that the reader may see / 目录的疑义",
          params: IdParams,
          querystring: Obj({ ...PageQuery }),
          response: { 200: Paged(Objection) },
        },
      },
      async (req) => {
        const p = pageBounds(req.query);
        const { items, total } = await objections.listObjections(
          ctx,
          actorOf(req),
          { entryId: req.params.id },
          p.limit,
          p.offset,
        );
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/objections',
      {
        config: { access: 'catalog.read', audit: { category: 'query', action: 'catalog.objection.search' } },
        schema: {
          tags,
          summary: 'Objections my department raised or received (all for platform_admin) / 疑义列表',
          querystring: Obj({
            role: Type.Optional(
              enumOf(
                ['raised', 'received'] as const,
                'raised: by my department; received: on my department’s entries; both when omitted',
              ),
            ),
            status: Type.Optional(ObjectionStatus),
            overdue: Type.Optional(Type.Boolean()),
            entryId: Type.Optional(Uuid),
            ...PageQuery,
          }),
          response: { 200: Paged(Objection) },
        },
      },
      async (req) => {
        const { page, pageSize, ...filter } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await objections.listObjections(ctx, actorOf(req), filter, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/objections/:id',
      {
        config: {
          access: 'catalog.read',
          audit: {
            category: 'access',
            action: 'catalog.objection.read',
            targetType: 'catalog_objection',
            targetParam: 'id',
          },
        },
        schema: { tags, summary: 'One objection / 疑义详情', params: IdParams, response: { 200: Objection } },
      },
      async (req) => objections.getObjection(ctx, actorOf(req), req.params.id),
    );

    app.post(
      '/objections/:id/answer',
      {
        config: {
          access: 'catalog.compile',
          audit: {
            category: 'maintain',
            action: 'catalog.objection.answer',
            targetType: 'catalog_objection',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Answer an objection (providing department) / 答复疑义',
          params: IdParams,
          body: Obj({ answer: Text(4000) }),
          response: { 200: Objection },
        },
      },
      async (req) => objections.answerObjection(ctx, actorOf(req), req.params.id, req.body.answer),
    );

    app.post(
      '/objections/:id/confirm',
      {
        config: {
          access: 'catalog.objection.raise',
          audit: {
            category: 'maintain',
            action: 'catalog.objection.confirm',
            targetType: 'catalog_objection',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Accept the answer and rate it (raising department) / 确认答复并评价',
          params: IdParams,
          body: Obj({ rating: Type.Integer({ minimum: 1, maximum: 5 }) }),
          response: { 200: Objection },
        },
      },
      async (req) => {
        req.auditNote.detail = { rating: req.body.rating };
        return objections.confirmObjection(ctx, actorOf(req), req.params.id, req.body.rating);
      },
    );

    app.post(
      '/objections/:id/reopen',
      {
        config: {
          access: 'catalog.objection.raise',
          audit: {
            category: 'maintain',
            action: 'catalog.objection.reopen',
            targetType: 'catalog_objection',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Reject the answer and raise the objection again (raising department) / 重新提出疑义',
          params: IdParams,
          body: Obj({ reason: Text(2000) }),
          response: { 200: Objection },
        },
      },
      async (req) => objections.reopenObjection(ctx, actorOf(req), req.params.id, req.body.reason),
    );
  };
}
