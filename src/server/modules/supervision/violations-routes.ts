import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams } from '../../platform/http/schemas';
import type { Sources } from './sources-registry';
import {
  DetectInput,
  DetectResult,
  DismissInput,
  ReportInput,
  ViolationDetail,
  ViolationList,
  ViolationQuery,
} from './violations-schemas';
import * as violations from './violations-service';

const tags = ['supervision'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const target = { targetType: 'supervision_violation', targetParam: 'id' } as const;

/** Violations (Art 30) under /api/supervision/violations: list, detail, dismiss, report, detect now. */
export function violationRoutes(sources: Sources) {
  return (ctx: AppContext): FastifyPluginAsyncTypebox =>
    async (app) => {
      app.get(
        '/violations',
        {
          config: { access: 'supervision.read', audit: { category: 'query', action: 'supervision.violation.list' } },
          schema: {
            tags,
            summary: 'Violation leads / 违规线索',
            querystring: ViolationQuery,
            response: { 200: ViolationList },
          },
        },
        async (req) => {
          const r = await violations.listViolations(ctx, violations.violationScope(actorOf(req)), req.query);
          req.auditNote.rowCount = r.items.length;
          return r;
        },
      );

      app.post(
        '/violations/report',
        {
          config: {
            access: 'supervision.violation.report',
            audit: {
              category: 'maintain',
              action: 'supervision.violation.report',
              targetType: 'supervision_violation',
            },
          },
          schema: {
            tags,
            summary: "Report a consumer's use of shared data beyond its duties / 报告超出履职需要使用共享数据",
            body: ReportInput,
            response: { 201: ViolationDetail },
          },
        },
        async (req, reply) => {
          const v = await violations.reportMisuse(ctx, actorOf(req), req.body);
          req.auditNote.targetId = v.id;
          req.auditNote.detail = { consumer: v.departmentName, grantId: req.body.grantId ?? null };
          return reply.status(201).send(v);
        },
      );

      app.post(
        '/violations/detect',
        {
          config: {
            access: 'supervision.manage',
            audit: { category: 'maintain', action: 'supervision.violation.detect' },
          },
          schema: {
            tags,
            summary: 'Run every violation detector now / 立即检测违规线索',
            body: DetectInput,
            response: { 200: DetectResult },
          },
        },
        async (req) => {
          const r = await violations.detectViolations(ctx, sources, req.body.period);
          req.auditNote.detail = r;
          return r;
        },
      );

      app.get(
        '/violations/:id',
        {
          config: {
            access: 'supervision.read',
            audit: { category: 'query', action: 'supervision.violation.read', ...target },
          },
          schema: {
            tags,
            summary: 'A violation with its evidence / 违规线索详情',
            params: IdParams,
            response: { 200: ViolationDetail },
          },
        },
        async (req) => violations.getViolation(ctx, violations.violationScope(actorOf(req)), req.params.id),
      );

      app.post(
        '/violations/:id/dismiss',
        {
          config: {
            access: 'supervision.manage',
            audit: { category: 'maintain', action: 'supervision.violation.dismiss', ...target },
          },
          schema: {
            tags,
            summary: 'Dismiss a violation with a reason / 排除违规线索',
            params: IdParams,
            body: DismissInput,
            response: { 200: ViolationDetail },
          },
        },
        async (req) => {
          const v = await violations.dismissViolation(ctx, actorOf(req), req.params.id, req.body.reason);
          req.auditNote.detail = { reason: req.body.reason };
          return v;
        },
      );
    };
}
