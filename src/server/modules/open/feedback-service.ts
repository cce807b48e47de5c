import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { conflict, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { scopeOf } from '../../platform/rbac/scope';
import { consoleLink } from '../../../shared/console';
import { required } from './data-requests-service';
import * as repo from './feedback-repo';
import type {
  Comment,
  DatasetFeedback,
  ErrorReport,
  ErrorReportInput,
  ModerateCommentInput,
  MyFeedback,
  RatingSummary,
} from './feedback-schemas';
import { portalEntry } from './portal-entry';

/**
 * R-36: what the public says about an open dataset. Ratings (one per person, changeable) count at once;
 * comments wait for the platform's moderation before anyone else reads them; 纠错 go to the provider,
 * who answers the reporter. Only datasets on the portal take feedback.
 */

const staffScope = (actor: Actor) => scopeOf(actor, 'open.feedback.answer');
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const excerpt = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);
/** How much of their own history a user's centre lists at once. */
const MINE_LIMIT = 100;
const MY_FEEDBACK = '/me/requests';

/** 吴刚 → 吴*: the public sees that a person wrote, not who. */
export const maskedName = (name: string) => `${[...name][0] ?? ''}*`;

function toComment(c: repo.CommentRow, userId: string | null, moderator = false): Comment {
  const mine = userId !== null && c.user_id === userId;
  return {
    id: c.id,
    entryCode: c.entry_code,
    entryName: c.entry_name,
    content: c.content,
    status: c.status,
    hiddenReason: mine || moderator ? c.hidden_reason : null,
    authorName: moderator ? c.author_name : maskedName(c.author_name),
    mine,
    createdAt: c.created_at.toISOString(),
  };
}

function toReport(r: repo.ReportRow, staff: boolean): ErrorReport {
  return {
    id: r.id,
    entryId: r.entry_id,
    entryCode: r.entry_code,
    entryName: r.entry_name,
    providerDepartmentName: r.provider_department_name,
    itemName: r.item_name,
    content: r.content,
    status: r.status,
    answer: r.answer,
    answeredAt: iso(r.answered_at),
    reporterName: staff ? r.reporter_name : null,
    createdAt: r.created_at.toISOString(),
  };
}

// ---- the public ----

export async function datasetFeedback(
  ctx: AppContext,
  actor: Actor | null,
  code: string,
  p: { page: number; pageSize: number; limit: number; offset: number },
): Promise<DatasetFeedback> {
  const { entryId } = await portalEntry(ctx, code);
  const userId = actor?.userId ?? null;
  const [rating, page, errorReports, mine] = await Promise.all([
    repo.ratingSummary(ctx.db, entryId, userId),
    repo.entryComments(ctx.db, entryId, userId, p.limit, p.offset),
    repo.reportCounts(ctx.db, entryId),
    userId ? repo.reportsOf(ctx.db, userId, MINE_LIMIT, entryId) : Promise.resolve([]),
  ]);
  return {
    rating,
    comments: {
      items: page.rows.map((c) => toComment(c, userId)),
      total: page.total,
      page: p.page,
      pageSize: p.pageSize,
    },
    errorReports,
    myErrorReports: mine.map((r) => toReport(r, false)),
  };
}

export async function rateDataset(ctx: AppContext, actor: Actor, code: string, stars: number): Promise<RatingSummary> {
  const { entryId } = await portalEntry(ctx, code);
  await repo.saveRating(ctx.db, entryId, actor.userId, stars, ctx.clock.now());
  return repo.ratingSummary(ctx.db, entryId, actor.userId);
}

export async function commentOnDataset(ctx: AppContext, actor: Actor, code: string, content: string): Promise<Comment> {
  const text = required(content, 'content', 'Write your comment', '请填写评论内容');
  const { entryId } = await portalEntry(ctx, code);
  const id = await repo.insertComment(ctx.db, {
    entry_id: entryId,
    user_id: actor.userId,
    content: text,
    hidden_reason: null,
    moderated_by: null,
    moderated_at: null,
    created_at: ctx.clock.now(),
  });
  return toComment((await repo.findComment(ctx.db, id))!, actor.userId);
}

export async function reportError(
  ctx: AppContext,
  actor: Actor,
  code: string,
  input: ErrorReportInput,
): Promise<ErrorReport> {
  const content = required(input.content, 'content', 'Describe the error', '请描述数据中的错误');
  const entry = await portalEntry(ctx, code);
  const id = await repo.insertReport(ctx.db, {
    entry_id: entry.entryId,
    user_id: actor.userId,
    item_name: input.itemName?.trim() || null,
    content,
    answer: null,
    answered_by: null,
    answered_at: null,
    created_at: ctx.clock.now(),
  });
  const notice = {
    kind: 'open.error.reported',
    title: `收到开放数据纠错：${entry.name}`,
    body: `社会公众反映${input.itemName?.trim() ? `“${input.itemName.trim()}”` : ''}数据有误：${excerpt(content, 120)}。请核实并答复。`,
    link: consoleLink('/open/feedback'),
    payload: { reportId: id, entryId: entry.entryId },
  };
  await notify(ctx, { role: 'dept_specialist', departmentId: entry.providerDepartmentId }, notice);
  await notify(ctx, { role: 'dept_leader', departmentId: entry.providerDepartmentId }, notice);
  return toReport((await repo.findReport(ctx.db, id))!, false);
}

export async function myFeedback(ctx: AppContext, actor: Actor): Promise<MyFeedback> {
  const [ratings, comments, reports] = await Promise.all([
    repo.ratingsOf(ctx.db, actor.userId, MINE_LIMIT),
    repo.commentsOf(ctx.db, actor.userId, MINE_LIMIT),
    repo.reportsOf(ctx.db, actor.userId, MINE_LIMIT),
  ]);
  return {
    ratings: ratings.map((r) => ({
      entryCode: r.code,
      entryName: r.name,
      stars: r.stars,
      updatedAt: r.updated_at.toISOString(),
    })),
    comments: comments.map((c) => toComment(c, actor.userId)),
    errorReports: reports.map((r) => toReport(r, false)),
  };
}

// ---- the console ----

export async function listCommentsForModeration(
  ctx: AppContext,
  actor: Actor,
  status: repo.CommentRow['status'] | undefined,
  limit: number,
  offset: number,
) {
  const { rows, total } = await repo.commentsForModeration(ctx.db, status, limit, offset);
  return { items: rows.map((c) => toComment(c, actor.userId, true)), total };
}

/** Publishing shows a comment to everyone; hiding (also a published one later) needs a reason its author reads. */
export async function moderateComment(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: ModerateCommentInput,
): Promise<Comment> {
  const c = await repo.findComment(ctx.db, id);
  if (!c) throw notFound('Comment', '评论');
  const now = ctx.clock.now();
  const by = { moderated_by: actor.userId, moderated_at: now };
  const moved =
    input.decision === 'hide'
      ? await repo.updateComment(ctx.db, id, ['pending', 'published'], {
          status: 'hidden',
          hidden_reason: required(input.reason ?? '', 'reason', 'Say why the comment is hidden', '请填写屏蔽理由'),
          ...by,
        })
      : await repo.updateComment(ctx.db, id, ['pending', 'hidden'], {
          status: 'published',
          hidden_reason: null,
          ...by,
        });
  if (!moved)
    throw conflict(
      'OPEN_COMMENT_ALREADY_MODERATED',
      `The comment is already ${c.status}`,
      c.status === 'published' ? '该评论已发布' : '该评论已屏蔽',
    );
  if (input.decision === 'hide')
    await notify(
      ctx,
      { userIds: [c.user_id] },
      {
        kind: 'open.comment.hidden',
        title: `您对“${c.entry_name}”的评论未予展示`,
        body: `理由：${input.reason?.trim() ?? ''}`,
        link: MY_FEEDBACK,
        payload: { commentId: id },
      },
    );
  return toComment((await repo.findComment(ctx.db, id))!, actor.userId, true);
}

export async function listReportsForStaff(
  ctx: AppContext,
  actor: Actor,
  status: repo.ReportRow['status'] | undefined,
  limit: number,
  offset: number,
) {
  const { rows, total } = await repo.reportsForStaff(ctx.db, staffScope(actor), status, limit, offset);
  return { items: rows.map((r) => toReport(r, true)), total };
}

/** The provider (or the platform) answers a 纠错; a later answer replaces the earlier one. */
export async function answerErrorReport(
  ctx: AppContext,
  actor: Actor,
  id: string,
  answer: string,
): Promise<ErrorReport> {
  const text = required(answer, 'answer', 'Write the answer', '请填写答复内容');
  const r = await repo.findReport(ctx.db, id, staffScope(actor));
  if (!r) throw notFound('Error report', '纠错');
  await repo.answerReport(ctx.db, id, {
    status: 'answered',
    answer: text,
    answered_by: actor.userId,
    answered_at: ctx.clock.now(),
  });
  await notify(
    ctx,
    { userIds: [r.user_id] },
    {
      kind: 'open.error.answered',
      title: `您对“${r.entry_name}”的纠错已答复`,
      body: `${r.provider_department_name}：${excerpt(text, 120)}`,
      link: MY_FEEDBACK,
      payload: { reportId: id },
    },
  );
  return toReport((await repo.findReport(ctx.db, id))!, true);
}
