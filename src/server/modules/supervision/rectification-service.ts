import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { attachmentsByOwner, bindAttachments, type AttachmentPolicy } from '../../platform/attachments';
import { shanghaiDate } from '../../platform/calendar/dates';
import { workingDaysDeadline } from '../../platform/calendar/service';
import type { Actor } from '../../platform/context';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { pageBounds } from '../../platform/http/schemas';
import { notify } from '../../platform/notify/service';
import { can } from '../../platform/rbac/permissions';
import { ALL, scopeOf } from '../../platform/rbac/scope';
import { consoleLink } from '../../../shared/console';
import * as repo from './rectification-repo';
import { markViolations } from './violations-service';
import {
  MAX_RECTIFICATION_ATTACHMENTS,
  type AnswerInput,
  type NoticeDetail,
  type NoticeInput,
  type NoticeQuery,
  type NoticeSummary,
  type VerifyInput,
} from './rectification-schemas';

/**
 * 整改通知 (Art 30): the leading group's office tells a department to rectify violations within a
 * number of working days; the department answers with its measures and evidence; the office closes
 * the notice (its violations rectified) or sends it back, the same deadline standing. A notice left
 * unanswered or sent back past its deadline is circulated (circular-service.ts).
 */

export const NOTICE_OWNER = 'rectification_notice';
export const RECTIFICATION_ATTACHMENTS: AttachmentPolicy = {
  code: 'RECTIFICATION_ATTACHMENT',
  maxMb: 50,
  maxCount: MAX_RECTIFICATION_ATTACHMENTS,
};

export const noticeLink = (id: string) => consoleLink(`/supervision/rectifications/${id}`);
const ANSWERABLE = ['issued', 'rejected', 'circulated'] as const;
const isOpen = (status: string) => status === 'issued' || status === 'rejected';

function toSummary(r: repo.NoticeRow, now: Date): NoticeSummary {
  return {
    id: r.id,
    no: r.no,
    departmentId: r.department_id,
    departmentName: r.department_name,
    title: r.title,
    status: r.status,
    workingDays: r.working_days,
    issuedAt: new Date(r.issued_at).toISOString(),
    dueAt: new Date(r.due_at).toISOString(),
    overdue: isOpen(r.status) && new Date(r.due_at) < now,
    answeredAt: r.answered_at?.toISOString() ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
    circulatedAt: r.circulated_at?.toISOString() ?? null,
    violationCount: r.violation_ids.length,
  };
}

export async function listNotices(ctx: AppContext, actor: Actor, f: NoticeQuery) {
  const p = pageBounds(f);
  const scope = scopeOf(actor, 'supervision.department.read');
  const { rows, total } = await repo.listNotices(
    ctx.db,
    { status: f.status, departmentId: f.departmentId, q: f.q?.trim() || undefined },
    scope,
    p.limit,
    p.offset,
  );
  const now = ctx.clock.now();
  return { items: rows.map((r) => toSummary(r, now)), total, page: p.page, pageSize: p.pageSize };
}

const mayAnswer = (actor: Actor, r: repo.NoticeRow) =>
  can(actor.roles, 'supervision.rectification.answer') &&
  actor.departmentId === r.department_id &&
  (ANSWERABLE as readonly string[]).includes(r.status);

export async function getNotice(ctx: AppContext, actor: Actor, id: string): Promise<NoticeDetail> {
  const r = await repo.findNotice(ctx.db, id, scopeOf(actor, 'supervision.department.read'));
  if (!r) throw notFound('Rectification notice', '整改通知');
  const [violations, files] = await Promise.all([
    repo.violationsByIds(ctx.db, r.violation_ids),
    attachmentsByOwner(ctx.db, NOTICE_OWNER, [r.id]),
  ]);
  return {
    ...toSummary(r, ctx.clock.now()),
    requirement: r.requirement,
    issuedByName: r.issued_by_name,
    measures: r.measures,
    answeredByName: r.answered_by_name,
    verifiedByName: r.verified_by_name,
    verifiedAt: r.verified_at?.toISOString() ?? null,
    verifyNote: r.verify_note,
    violations: violations.map((v) => ({
      id: v.id,
      kind: v.kind,
      periodKey: v.period_key,
      summary: v.summary,
      status: v.status,
    })),
    attachments: files.get(r.id) ?? [],
    circularId: r.circular_id,
    canAnswer: mayAnswer(actor, r),
    canVerify: can(actor.roles, 'supervision.manage') && r.status === 'answered',
  };
}

/** A department's violations not yet in a notice, for the issuing form. */
export async function noticeCandidates(ctx: AppContext, departmentId: string) {
  return (await repo.openViolations(ctx.db, departmentId)).map((v) => ({
    id: v.id,
    kind: v.kind,
    periodKey: v.period_key,
    summary: v.summary,
    status: v.status,
  }));
}

const toDepartment = async (
  ctx: AppContext,
  departmentId: string,
  title: string,
  body: string,
  id: string,
  kind: string,
) => {
  for (const role of ['dept_leader', 'dept_specialist'] as const)
    await notify(ctx, { role, departmentId }, { kind, title, body, link: noticeLink(id), payload: { noticeId: id } });
};

export async function issueNotice(ctx: AppContext, actor: Actor, input: NoticeInput): Promise<NoticeDetail> {
  const id = await inTransaction(ctx, async (trx) => {
    const t = { ...ctx, db: trx };
    const now = ctx.clock.now();
    const ids = [...new Set(input.violationIds)];
    const found = await repo.violationsByIds(trx, ids);
    if (
      found.length !== ids.length ||
      found.some((v) => v.department_id !== input.departmentId || v.status !== 'open')
    ) {
      throw badRequest(
        'RECTIFICATION_VIOLATIONS_INVALID',
        "Name open violations of the notified department only (one already in a notice can't be named again)",
        '只能选择该部门尚未下发整改通知的违规问题',
        { field: 'violationIds' },
      );
    }
    const year = shanghaiDate(now).slice(0, 4);
    const no = `ZG-${year}-${String(await repo.nextNumber(trx, 'rectification_notice', `ZG-${year}`)).padStart(4, '0')}`;
    const dueAt = await workingDaysDeadline(t, now, input.workingDays);
    const noticeId = await repo.insertNotice(trx, {
      no,
      department_id: input.departmentId,
      violation_ids: ids,
      title: input.title.trim(),
      requirement: input.requirement.trim(),
      working_days: input.workingDays,
      issued_by: actor.userId,
      issued_at: now,
      due_at: dueAt,
      updated_at: now,
    });
    await markViolations(trx, ids, 'noticed', now);
    await toDepartment(
      t,
      input.departmentId,
      `整改通知 ${no}：${input.title.trim()}`,
      `请于 ${shanghaiDate(dueAt)} 前完成整改并反馈整改措施（${input.workingDays} 个工作日）。`,
      noticeId,
      'supervision.rectification.issued',
    );
    return noticeId;
  });
  return getNotice(ctx, actor, id);
}

export async function answerNotice(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: AnswerInput,
): Promise<NoticeDetail> {
  await inTransaction(ctx, async (trx) => {
    const t = { ...ctx, db: trx };
    const r = await repo.findNotice(trx, id, scopeOf(actor, 'supervision.department.read'), true);
    if (!r || r.department_id !== actor.departmentId) throw notFound('Rectification notice', '整改通知');
    if (!mayAnswer(actor, r))
      throw conflict(
        'RECTIFICATION_NOT_ANSWERABLE',
        'The notice is not waiting for an answer',
        '该整改通知当前无需反馈',
      );
    const now = ctx.clock.now();
    await bindAttachments(trx, actor, RECTIFICATION_ATTACHMENTS, input.attachmentIds, { type: NOTICE_OWNER, id });
    await repo.updateNotice(trx, id, {
      status: 'answered',
      measures: input.measures.trim(),
      answered_by: actor.userId,
      answered_at: now,
      updated_at: now,
    });
    await notify(
      t,
      { role: 'platform_admin' },
      {
        kind: 'supervision.rectification.answered',
        title: `${r.department_name} 已反馈整改通知 ${r.no}`,
        body: r.title,
        link: noticeLink(id),
        payload: { noticeId: id },
      },
    );
  });
  return getNotice(ctx, actor, id);
}

export async function verifyNotice(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: VerifyInput,
): Promise<NoticeDetail> {
  const note = input.note?.trim() || null;
  if (input.outcome === 'reject' && !note)
    throw badRequest('RECTIFICATION_NOTE_REQUIRED', 'Say what is still missing', '退回时请说明未通过的原因', {
      field: 'note',
    });
  await inTransaction(ctx, async (trx) => {
    const t = { ...ctx, db: trx };
    const r = await repo.findNotice(trx, id, ALL, true);
    if (!r) throw notFound('Rectification notice', '整改通知');
    if (r.status !== 'answered')
      throw conflict(
        'RECTIFICATION_NOT_ANSWERED',
        'Only an answered notice can be verified',
        '只有已反馈的整改通知才能验收',
      );
    const now = ctx.clock.now();
    const closing = input.outcome === 'close';
    await repo.updateNotice(trx, id, {
      status: closing ? 'closed' : 'rejected',
      verified_by: actor.userId,
      verified_at: now,
      verify_note: note,
      closed_at: closing ? now : null,
      updated_at: now,
    });
    if (closing) await markViolations(trx, r.violation_ids, 'rectified', now);
    await toDepartment(
      t,
      r.department_id,
      closing ? `整改通知 ${r.no} 已验收销号` : `整改通知 ${r.no} 被退回，请继续整改`,
      closing ? r.title : `退回意见：${note}。整改期限仍为 ${shanghaiDate(new Date(r.due_at))}。`,
      id,
      closing ? 'supervision.rectification.closed' : 'supervision.rectification.rejected',
    );
  });
  return getNotice(ctx, actor, id);
}
