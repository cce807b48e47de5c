import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams, Obj, Paged, PageQuery, pageBounds } from '../../platform/http/schemas';
import * as feedback from './feedback-service';
import {
  AnswerErrorReportInput,
  Comment,
  CommentInput,
  CommentQuery,
  DatasetFeedback,
  ErrorReport,
  ErrorReportInput,
  ErrorReportQuery,
  ModerateCommentInput,
  MyFeedback,
  RatingInput,
  RatingSummary,
} from './feedback-schemas';
import { CodeParams, codeOf } from './portal-schemas';

const tags = ['open-feedback'];
/** The guard has required a session on every route that reads this. */
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const onDataset = { targetType: 'catalog_entry_code' } as const;

/** R-36 on a dataset page (under /api/portal): anyone reads, a signed-in member of the public writes. */
export function feedbackPortalRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/datasets/:prefix/:seq/feedback',
      {
        config: { access: 'public', audit: false },
        schema: {
          tags,
          summary: 'Ratings, published comments and 纠错 counts of an open dataset / 评分、评论与纠错',
          params: CodeParams,
          querystring: Obj({ ...PageQuery }),
          response: { 200: DatasetFeedback },
        },
      },
      async (req) => feedback.datasetFeedback(ctx, req.actor, codeOf(req.params), pageBounds(req.query)),
    );

    app.put(
      '/datasets/:prefix/:seq/rating',
      {
        config: {
          access: 'open.feedback.file',
          audit: { category: 'maintain', action: 'open.dataset.rate', ...onDataset },
        },
        schema: {
          tags,
          summary: 'Rate an open dataset 1–5 (one rating per person, changeable) / 评分',
          params: CodeParams,
          body: RatingInput,
          response: { 200: RatingSummary },
        },
      },
      async (req) => {
        req.auditNote.targetId = codeOf(req.params);
        req.auditNote.detail = { stars: req.body.stars };
        return feedback.rateDataset(ctx, actorOf(req), codeOf(req.params), req.body.stars);
      },
    );

    app.post(
      '/datasets/:prefix/:seq/comments',
      {
        config: {
          access: 'open.feedback.file',
          audit: { category: 'maintain', action: 'open.comment.post', targetType: 'open_comment' },
        },
        schema: {
          tags,
          summary: 'Comment on an open dataset (shown once moderated) / 发表评论',
          params: CodeParams,
          body: CommentInput,
          response: { 201: Comment },
        },
      },
      async (req, reply) => {
        const c = await feedback.commentOnDataset(ctx, actorOf(req), codeOf(req.params), req.body.content);
        req.auditNote.targetId = c.id;
        req.auditNote.detail = { entryCode: c.entryCode };
        return reply.status(201).send(c);
      },
    );

    app.post(
      '/datasets/:prefix/:seq/error-reports',
      {
        config: {
          access: 'open.feedback.file',
          audit: { category: 'maintain', action: 'open.error.report', targetType: 'open_error_report' },
        },
        schema: {
          tags,
          summary: 'Report an error in an open dataset to its provider / 数据纠错',
          params: CodeParams,
          body: ErrorReportInput,
          response: { 201: ErrorReport },
        },
      },
      async (req, reply) => {
        const r = await feedback.reportError(ctx, actorOf(req), codeOf(req.params), req.body);
        req.auditNote.targetId = r.id;
        req.auditNote.detail = { entryCode: r.entryCode };
        return reply.status(201).send(r);
      },
    );

    app.get(
      '/feedback/mine',
      {
        config: { access: 'open.feedback.file', audit: false },
        schema: {
          tags,
          summary: 'My ratings, comments and 纠错 with their answers / 我的评价与纠错',
          response: { 200: MyFeedback },
        },
      },
      async (req) => feedback.myFeedback(ctx, actorOf(req)),
    );
  };
}

/** R-36 in the console (under /api/open): the platform moderates comments, providers answer 纠错. */
export function feedbackConsoleRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/comments',
      {
        config: { access: 'open.feedback.moderate', audit: { category: 'query', action: 'open.comment.search' } },
        schema: {
          tags,
          summary: 'Comments to moderate (oldest pending first) / 评论审核',
          querystring: CommentQuery,
          response: { 200: Paged(Comment) },
        },
      },
      async (req) => {
        const { page, pageSize, status } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await feedback.listCommentsForModeration(ctx, actorOf(req), status, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.post(
      '/comments/:id/moderate',
      {
        config: {
          access: 'open.feedback.moderate',
          audit: { category: 'admin', action: 'open.comment.moderate', targetType: 'open_comment', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'Publish a comment, or hide it with a reason / 审核评论',
          params: IdParams,
          body: ModerateCommentInput,
          response: { 200: Comment },
        },
      },
      async (req) => {
        req.auditNote.detail = { decision: req.body.decision };
        return feedback.moderateComment(ctx, actorOf(req), req.params.id, req.body);
      },
    );

    app.get(
      '/error-reports',
      {
        config: { access: 'open.feedback.answer', audit: { category: 'query', action: 'open.error.search' } },
        schema: {
          tags,
          summary: '纠错 on my department’s open datasets (all for the platform) / 开放数据纠错',
          querystring: ErrorReportQuery,
          response: { 200: Paged(ErrorReport) },
        },
      },
      async (req) => {
        const { page, pageSize, status } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await feedback.listReportsForStaff(ctx, actorOf(req), status, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.post(
      '/error-reports/:id/answer',
      {
        config: {
          access: 'open.feedback.answer',
          audit: {
            category: 'maintain',
            action: 'open.error.answer',
            targetType: 'open_error_report',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Answer a 纠错 (the provider, or the platform) / 答复纠错',
          params: IdParams,
          body: AnswerErrorReportInput,
          response: { 200: ErrorReport },
        },
      },
      async (req) => feedback.answerErrorReport(ctx, actorOf(req), req.params.id, req.body.answer),
    );
  };
}
