import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app-context';
import { attachmentRoutes } from '../../platform/attachments';
import type { Actor } from '../../platform/context';
import { IdParams, Obj, Uuid } from '../../platform/http/schemas';
import { scopeOf } from '../../platform/rbac/scope';
import { findNotice } from './rectification-repo';
import {
  AnswerInput,
  NoticeDetail,
  NoticeInput,
  NoticeList,
  NoticeQuery,
  NoticeViolation,
  VerifyInput,
} from './rectification-schemas';
import * as service from './rectification-service';

const tags = ['supervision'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const noticeTarget = { targetType: 'rectification_notice', targetParam: 'id' } as const;

/** 整改通知 under /api/supervision: the office issues and verifies, the department answers. */
export function rectificationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(
      attachmentRoutes(ctx, {
        tags,
        path: '/rectifications/attachments',
        fullPath: '/api/supervision/rectifications/attachments',
        uploadAccess: 'supervision.rectification.answer',
        readAccess: 'supervision.read',
        policy: service.RECTIFICATION_ATTACHMENTS,
        uploadAction: 'supervision.rectification.attachment.upload',
        downloadAction: 'supervision.rectification.attachment.download',
        what: 'evidence of a rectification / 上传整改佐证材料',
        // A notice's files: whoever may read the notice (the department and the office).
        readers: (c, actor) => ({
          [service.NOTICE_OWNER]: async (id) =>
            !!(await findNotice(c.db, id, scopeOf(actor, 'supervision.department.read'))),
        }),
      }),
    );

    app.get(
      '/rectifications',
      {
        config: { access: 'supervision.read', audit: { category: 'query', action: 'supervision.rectification.list' } },
        schema: {
          tags,
          summary: 'Rectification notices (own department, or all for the office) / 整改通知列表',
          querystring: NoticeQuery,
          response: { 200: NoticeList },
        },
      },
      async (req) => service.listNotices(ctx, actorOf(req), req.query),
    );

    app.get(
      '/rectifications/candidates',
      {
        config: { access: 'supervision.manage', audit: false },
        schema: {
          tags,
          summary: "A department's open violations, for a new notice / 可下发整改的违规问题",
          querystring: Obj({ departmentId: Uuid }),
          response: { 200: Type.Array(NoticeViolation) },
        },
      },
      async (req) => service.noticeCandidates(ctx, req.query.departmentId),
    );

    app.post(
      '/rectifications',
      {
        config: {
          access: 'supervision.manage',
          audit: {
            category: 'maintain',
            action: 'supervision.rectification.issue',
            targetType: 'rectification_notice',
          },
        },
        schema: {
          tags,
          summary: 'Issue a rectification notice about violations / 下发整改通知',
          body: NoticeInput,
          response: { 201: NoticeDetail },
        },
      },
      async (req, reply) => {
        const n = await service.issueNotice(ctx, actorOf(req), req.body);
        req.auditNote.targetId = n.id;
        req.auditNote.targetName = `${n.no} ${n.title}`;
        req.auditNote.detail = { departmentId: n.departmentId, violations: n.violationCount, dueAt: n.dueAt };
        return reply.status(201).send(n);
      },
    );

    app.get(
      '/rectifications/:id',
      {
        config: {
          access: 'supervision.read',
          audit: { category: 'query', action: 'supervision.rectification.read', ...noticeTarget },
        },
        schema: {
          tags,
          summary: 'One rectification notice / 整改通知详情',
          params: IdParams,
          response: { 200: NoticeDetail },
        },
      },
      async (req) => service.getNotice(ctx, actorOf(req), req.params.id),
    );

    app.post(
      '/rectifications/:id/answer',
      {
        config: {
          access: 'supervision.rectification.answer',
          audit: { category: 'maintain', action: 'supervision.rectification.answer', ...noticeTarget },
        },
        schema: {
          tags,
          summary: "The department's measures and evidence / 反馈整改情况",
          params: IdParams,
          body: AnswerInput,
          response: { 200: NoticeDetail },
        },
      },
      async (req) => {
        const n = await service.answerNotice(ctx, actorOf(req), req.params.id, req.body);
        req.auditNote.detail = { attachments: req.body.attachmentIds?.length ?? 0 };
        return n;
      },
    );

    app.post(
      '/rectifications/:id/verify',
      {
        config: {
          access: 'supervision.manage',
          audit: { category: 'maintain', action: 'supervision.rectification.verify', ...noticeTarget },
        },
        schema: {
          tags,
          summary: 'Close the notice or send it back / 验收销号或退回',
          params: IdParams,
          body: VerifyInput,
          response: { 200: NoticeDetail },
        },
      },
      async (req) => {
        const n = await service.verifyNotice(ctx, actorOf(req), req.params.id, req.body);
        req.auditNote.detail = { outcome: req.body.outcome, note: req.body.note ?? null };
        return n;
      },
    );
  };
}
