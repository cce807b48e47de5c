import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams, Paged, pageBounds } from '../../platform/http/schemas';
import * as applications from './applications-service';
import {
  Application,
  ApplicationQuery,
  ApplyInput,
  DecideInput,
  MyApplicationQuery,
  UseReportInput,
} from './applications-schemas';
import { CodeParams, codeOf } from './portal-schemas';

const tags = ['open-applications'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const target = { targetType: 'open_application', targetParam: 'id' } as const;

/** R-32 on the portal (/api/portal): the applicant's side. */
export function applicationPortalRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/datasets/:prefix/:seq/applications',
      {
        config: {
          access: 'open.application.apply',
          audit: { category: 'share', action: 'open.application.apply', targetType: 'open_application' },
        },
        schema: {
          tags,
          summary: 'Apply for a conditionally open dataset / 提交有条件开放申请',
          params: CodeParams,
          body: ApplyInput,
          response: { 200: Application },
        },
      },
      async (req) => {
        const a = await applications.apply(ctx, actorOf(req), codeOf(req.params), req.body);
        req.auditNote.targetId = a.id;
        return a;
      },
    );

    app.get(
      '/applications',
      {
        config: { access: 'open.application.apply', audit: false },
        schema: {
          tags,
          summary: 'My applications / 我的开放申请',
          querystring: MyApplicationQuery,
          response: { 200: Paged(Application) },
        },
      },
      async (req) => {
        const p = pageBounds(req.query);
        const { items, total } = await applications.listMine(ctx, actorOf(req), req.query.dataset, p.limit, p.offset);
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.post(
      '/applications/:id/withdraw',
      {
        config: {
          access: 'open.application.apply',
          audit: { category: 'share', action: 'open.application.withdraw', ...target },
        },
        schema: {
          tags,
          summary: 'Withdraw a waiting application / 撤回申请',
          params: IdParams,
          response: { 200: Application },
        },
      },
      async (req) => applications.withdraw(ctx, actorOf(req), req.params.id),
    );

    app.post(
      '/applications/:id/use-report',
      {
        config: {
          access: 'open.application.apply',
          audit: { category: 'share', action: 'open.application.report', ...target },
        },
        schema: {
          tags,
          summary: 'Report how the data was used / 反馈数据使用成效',
          params: IdParams,
          body: UseReportInput,
          response: { 200: Application },
        },
      },
      async (req) => applications.reportUse(ctx, actorOf(req), req.params.id, req.body.report),
    );
  };
}

/** R-32 in the console (/api/open): the provider answers, the platform oversees. */
export function applicationConsoleRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/applications',
      {
        config: { access: 'open.application.read', audit: { category: 'query', action: 'open.application.search' } },
        schema: {
          tags,
          summary: 'Applications to answer or oversee / 开放申请',
          querystring: ApplicationQuery,
          response: { 200: Paged(Application) },
        },
      },
      async (req) => {
        const { page, pageSize, ...f } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await applications.listForConsole(ctx, actorOf(req), f, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/applications/:id',
      {
        config: {
          access: 'open.application.read',
          audit: { category: 'access', action: 'open.application.read', ...target },
        },
        schema: { tags, summary: 'One application / 开放申请详情', params: IdParams, response: { 200: Application } },
      },
      async (req) => applications.getApplication(ctx, actorOf(req), req.params.id),
    );

    app.post(
      '/applications/:id/decision',
      {
        config: {
          access: 'open.application.decide',
          audit: { category: 'share', action: 'open.application.decide', ...target },
        },
        schema: {
          tags,
          summary: 'Approve or refuse (with basis and reason) / 答复开放申请',
          params: IdParams,
          body: DecideInput,
          response: { 200: Application },
        },
      },
      async (req) => applications.decide(ctx, actorOf(req), req.params.id, req.body),
    );
  };
}
