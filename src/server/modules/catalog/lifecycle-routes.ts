import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams, Nullable, Obj, PageQuery, Paged, pageBounds } from '../../platform/http/schemas';
import { EntryVersion, VersionRow } from './entries-schemas';
import * as lifecycle from './lifecycle-service';

const Decision = Obj({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  reason: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'required when returning (reject)' }))),
});

export function lifecycleRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/versions/:id/dept-review',
      {
        config: {
          access: 'catalog.dept_review',
          audit: {
            category: 'maintain',
            action: 'catalog.review.dept',
            targetType: 'catalog_version',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Department review decision / 部门审核',
          params: IdParams,
          body: Decision,
          response: { 200: EntryVersion },
        },
      },
      async (req) => {
        req.auditNote.detail = { decision: req.body.decision, reason: req.body.reason ?? null };
        return lifecycle.deptReview(ctx, req.actor!, req.params.id, req.body);
      },
    );

    app.post(
      '/versions/:id/platform-review',
      {
        config: {
          access: 'catalog.platform_review',
          audit: {
            category: 'maintain',
            action: 'catalog.review.platform',
            targetType: 'catalog_version',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Platform review decision; approval publishes or schedules / 平台审核',
          params: IdParams,
          body: Decision,
          response: { 200: EntryVersion },
        },
      },
      async (req) => {
        const v = await lifecycle.platformReview(ctx, req.actor!, req.params.id, req.body);
        req.auditNote.detail = {
          decision: req.body.decision,
          reason: req.body.reason ?? null,
          status: v.status,
          impact: v.impact,
        };
        return v;
      },
    );

    app.get(
      '/review-queue',
      {
        // One route for both steps; the service requires the permission of the step asked for.
        config: { access: 'catalog.read', audit: { category: 'query', action: 'catalog.review.queue' } },
        schema: {
          tags: ['catalog'],
          summary: 'Versions waiting for my decision / 待审核目录',
          querystring: Obj({ step: Type.Union([Type.Literal('dept'), Type.Literal('platform')]), ...PageQuery }),
          response: { 200: Paged(VersionRow) },
        },
      },
      async (req) => {
        const p = pageBounds(req.query);
        const { items, total } = await lifecycle.reviewQueue(ctx, req.actor!, req.query.step, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );
  };
}
