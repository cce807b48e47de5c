import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams, Obj, Paged, PageQuery, pageBounds } from '../../platform/http/schemas';
import * as requests from './data-requests-service';
import {
  AnswerRequestInput,
  ConsoleRequestQuery,
  DataRequest,
  DataRequestInput,
  ModerateRequestInput,
  PublicRequestQuery,
} from './data-requests-schemas';

const tags = ['open-feedback'];
/** The guard has required a session on every route that reads this. */
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const target = { targetType: 'open_data_request', targetParam: 'id' } as const;

/** R-36, the public's side under /api/portal: reading needs no login, filing and voting a public account. */
export function dataRequestPortalRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/requests',
      {
        config: { access: 'public', audit: false },
        schema: {
          tags,
          summary: 'Published and answered data requests / 公开的数据需求',
          querystring: PublicRequestQuery,
          response: { 200: Paged(DataRequest) },
        },
      },
      async (req) => {
        const { page, pageSize, ...f } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await requests.listPublicRequests(ctx, req.actor, f, p.limit, p.offset);
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/requests/mine',
      {
        config: { access: 'open.feedback.file', audit: false },
        schema: {
          tags,
          summary: 'The data requests I filed, in every state / 我的数据需求',
          querystring: Obj({ ...PageQuery }),
          response: { 200: Paged(DataRequest) },
        },
      },
      async (req) => {
        const p = pageBounds(req.query);
        const { items, total } = await requests.listMyRequests(ctx, actorOf(req), p.limit, p.offset);
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/requests/:id',
      {
        config: { access: 'public', audit: false },
        schema: {
          tags,
          summary: 'One published data request (or my own) / 数据需求详情',
          params: IdParams,
          response: { 200: DataRequest },
        },
      },
      async (req) => requests.getPublicRequest(ctx, req.actor, req.params.id),
    );

    app.post(
      '/requests',
      {
        config: {
          access: 'open.feedback.file',
          audit: { category: 'maintain', action: 'open.request.file', targetType: 'open_data_request' },
        },
        schema: {
          tags,
          summary: 'Ask for data that is not open yet / 提出数据需求',
          body: DataRequestInput,
          response: { 201: DataRequest },
        },
      },
      async (req, reply) => {
        const r = await requests.fileRequest(ctx, actorOf(req), req.body);
        req.auditNote.targetId = r.id;
        req.auditNote.targetName = r.title;
        return reply.status(201).send(r);
      },
    );

    app.post(
      '/requests/:id/vote',
      {
        config: {
          access: 'open.feedback.file',
          audit: { category: 'maintain', action: 'open.request.vote', ...target },
        },
        schema: {
          tags,
          summary: 'Say I need this data too (once per person) / 我也需要',
          params: IdParams,
          response: { 200: DataRequest },
        },
      },
      async (req) => requests.voteRequest(ctx, actorOf(req), req.params.id),
    );
  };
}

/** R-36, the console's side under /api/open: the platform moderates, the department routed to answers. */
export function dataRequestConsoleRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/requests',
      {
        config: { access: 'open.feedback.answer', audit: { category: 'query', action: 'open.request.search' } },
        schema: {
          tags,
          summary:
            'Data requests from the public: all for the platform, those routed to my department otherwise / 数据需求管理',
          querystring: ConsoleRequestQuery,
          response: { 200: Paged(DataRequest) },
        },
      },
      async (req) => {
        const { page, pageSize, ...f } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await requests.listStaffRequests(ctx, actorOf(req), f, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/requests/:id',
      {
        config: {
          access: 'open.feedback.answer',
          audit: { category: 'access', action: 'open.request.read', ...target },
        },
        schema: { tags, summary: 'One data request / 数据需求详情', params: IdParams, response: { 200: DataRequest } },
      },
      async (req) => requests.getStaffRequest(ctx, actorOf(req), req.params.id),
    );

    app.post(
      '/requests/:id/moderate',
      {
        config: {
          access: 'open.feedback.moderate',
          audit: { category: 'admin', action: 'open.request.moderate', ...target },
        },
        schema: {
          tags,
          summary: 'Publish a data request and route it to a department, or reject it with a reason / 审核数据需求',
          params: IdParams,
          body: ModerateRequestInput,
          response: { 200: DataRequest },
        },
      },
      async (req) => {
        req.auditNote.detail = { decision: req.body.decision };
        return requests.moderateRequest(ctx, actorOf(req), req.params.id, req.body);
      },
    );

    app.post(
      '/requests/:id/answer',
      {
        config: {
          access: 'open.feedback.answer',
          audit: { category: 'maintain', action: 'open.request.answer', ...target },
        },
        schema: {
          tags,
          summary: 'Answer a published data request (the department it was routed to, or the platform) / 答复数据需求',
          params: IdParams,
          body: AnswerRequestInput,
          response: { 200: DataRequest },
        },
      },
      async (req) => requests.answerRequest(ctx, actorOf(req), req.params.id, req.body),
    );
  };
}
