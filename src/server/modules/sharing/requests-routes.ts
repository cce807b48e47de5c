import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams, Obj, PageQuery, Paged, Uuid, pageBounds } from '../../platform/http/schemas';
import * as requests from './requests-service';
import * as reviews from './reviews-service';
import {
  ApplyInfo,
  DecisionInput,
  PrereviewInput,
  RequestInput,
  RequestStatus,
  RequestSummary,
  ResubmitInput,
  ShareRequest,
} from './schemas';
import { attachmentDisposition } from '../../platform/http/file-names';

const tags = ['sharing'];
/** The guard has already required a session on every route here. */
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;

/** R-10 … R-15: applying for a resource and the two review steps, mounted under /api/sharing. */
export function requestRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/entries/:id/apply-info',
      {
        config: {
          access: 'sharing.read',
          audit: { category: 'access', action: 'sharing.apply-info', targetType: 'catalog_entry', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'What applying for an entry involves / 申请须知',
          params: IdParams,
          response: { 200: ApplyInfo },
        },
      },
      async (req) => requests.applyInfo(ctx, actorOf(req), req.params.id),
    );

    app.post(
      '/requests',
      {
        config: {
          access: 'sharing.request',
          audit: { category: 'share', action: 'sharing.request.create', targetType: 'share_request' },
        },
        schema: {
          tags,
          summary: 'Apply for a resource (R-12/R-13) / 提交共享申请',
          description:
            '无条件共享: granted at once (status approved, grant filled). 有条件共享: needs letterId and a period; goes to platform pre-review.',
          body: RequestInput,
          response: { 201: ShareRequest },
        },
      },
      async (req, reply) => {
        const r = await requests.createRequest(ctx, actorOf(req), req.body);
        req.auditNote.targetId = r.id;
        req.auditNote.detail = {
          no: r.no,
          entryId: r.entryId,
          kind: r.kind,
          status: r.status,
          grantId: r.grant?.id ?? null,
          // Searching the log by a grant's number finds the event that created it (platform/audit/repo.ts).
          grantNo: r.grant?.no ?? null,
        };
        return reply.status(201).send(r);
      },
    );

    app.get(
      '/requests',
      {
        config: { access: 'sharing.read', audit: { category: 'query', action: 'sharing.request.search' } },
        schema: {
          tags,
          summary: 'Requests I may see / 共享申请列表',
          querystring: Obj({
            box: Type.Optional(
              Type.Union([Type.Literal('mine'), Type.Literal('prereview'), Type.Literal('incoming')], {
                description: 'mine 我的申请 | prereview 待初审 | incoming 提交给本部门的',
              }),
            ),
            status: Type.Optional(RequestStatus),
            overdue: Type.Optional(Type.Boolean()),
            q: Type.Optional(Type.String({ maxLength: 100 })),
            entryId: Type.Optional(Uuid),
            ...PageQuery,
          }),
          response: { 200: Paged(RequestSummary) },
        },
      },
      async (req) => {
        const { page, pageSize, ...filter } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await requests.listRequests(ctx, actorOf(req), filter, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/requests/:id',
      {
        config: {
          access: 'sharing.read',
          audit: { category: 'access', action: 'sharing.request.read', targetType: 'share_request', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'One request with its steps and grant / 共享申请详情',
          params: IdParams,
          response: { 200: ShareRequest },
        },
      },
      async (req) => requests.getRequest(ctx, actorOf(req), req.params.id),
    );

    app.get(
      '/requests/:id/letter',
      {
        config: {
          access: 'sharing.read',
          audit: {
            category: 'download',
            action: 'sharing.letter.download',
            targetType: 'share_request',
            targetParam: 'id',
          },
        },
        schema: { tags, summary: 'The application letter / 下载申请函', params: IdParams },
      },
      async (req, reply) => {
        const letter = await requests.letterOf(ctx, actorOf(req), req.params.id);
        req.auditNote.detail = { sha256: letter.sha256, size: letter.size };
        return reply
          .header('content-type', letter.mime)
          .header('content-disposition', attachmentDisposition(letter.file_name))
          .header('x-content-sha256', letter.sha256)
          .send(letter.content);
      },
    );

    app.put(
      '/requests/:id',
      {
        config: {
          access: 'sharing.request',
          audit: {
            category: 'share',
            action: 'sharing.request.resubmit',
            targetType: 'share_request',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Resubmit a returned request / 补充后重新提交',
          params: IdParams,
          body: ResubmitInput,
          response: { 200: ShareRequest },
        },
      },
      async (req) => requests.resubmitRequest(ctx, actorOf(req), req.params.id, req.body),
    );

    app.post(
      '/requests/:id/withdraw',
      {
        config: {
          access: 'sharing.request',
          audit: {
            category: 'share',
            action: 'sharing.request.withdraw',
            targetType: 'share_request',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Withdraw a request in progress / 撤回申请',
          params: IdParams,
          response: { 200: ShareRequest },
        },
      },
      async (req) => requests.withdrawRequest(ctx, actorOf(req), req.params.id),
    );

    app.post(
      '/requests/:id/prereview',
      {
        config: {
          access: 'sharing.prereview',
          audit: {
            category: 'share',
            action: 'sharing.request.prereview',
            targetType: 'share_request',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Platform pre-review (R-13, 3 working days) / 平台初审',
          params: IdParams,
          body: PrereviewInput,
          response: { 200: ShareRequest },
        },
      },
      async (req) => {
        req.auditNote.detail = { decision: req.body.decision };
        return reviews.prereview(ctx, actorOf(req), req.params.id, req.body);
      },
    );

    app.post(
      '/requests/:id/decision',
      {
        config: {
          access: 'sharing.decide',
          audit: {
            category: 'share',
            action: 'sharing.request.decide',
            targetType: 'share_request',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Provider decision (R-13, 10 working days) / 提供方审核',
          description:
            'approve (may narrow items, method, period, add conditions) or reject (basis and reason both mandatory).',
          params: IdParams,
          body: DecisionInput,
          response: { 200: ShareRequest },
        },
      },
      async (req) => {
        req.auditNote.detail = { decision: req.body.decision };
        const r = await reviews.decide(ctx, actorOf(req), req.params.id, req.body);
        // Searching the log by a grant's number finds the decision that created it.
        if (r.grant) req.auditNote.detail.grantNo = r.grant.no;
        return r;
      },
    );
  };
}
