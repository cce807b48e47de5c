import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { workingDaysDeadline } from '../../platform/calendar/service';
import { shanghaiDate } from '../../platform/calendar/dates';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { getSetting } from '../../platform/settings/repo';
import { scheduleJob } from '../../platform/jobs/service';
import { OBJECTION_KINDS, type ObjectionKind } from '../../../shared/catalog/enums';
import * as repo from './objections-repo';
import type { Objection } from './objections-routes';
import { scopeOf } from '../../platform/rbac/scope';
import { consoleLink } from '../../../shared/console';

/** R-08 (Art 9 para 2): a consumer's 疑义/纠错 on a published entry, answered by the provider within a working-day deadline. */

export const DUE_SETTING = 'catalog.objection_due_working_days';
const DEFAULT_DUE_WORKING_DAYS = 5;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const excerpt = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);
const link = (id: string) => consoleLink(`/catalog/objections/${id}`);

export function isOverdue(status: repo.ObjectionStatus, dueAt: Date, now: Date): boolean {
  return repo.WAITING.includes(status) && dueAt.getTime() < now.getTime();
}

const toObjection = (r: repo.ObjectionRow, now: Date): Objection => ({
  id: r.id,
  entryId: r.entry_id,
  entryCode: r.entry_code,
  entryName: r.entry_name,
  versionId: r.version_id,
  providerDepartmentId: r.provider_department_id,
  providerDepartmentName: r.provider_department_name,
  kind: r.kind,
  content: r.content,
  raisedBy: r.raised_by,
  raisedByName: r.raised_by_name,
  raisedByDepartmentId: r.raised_by_department_id,
  raisedByDepartmentName: r.raised_by_department_name,
  raisedAt: r.raised_at.toISOString(),
  dueAt: r.due_at.toISOString(),
  status: r.status,
  answer: r.answer,
  answeredBy: r.answered_by,
  answeredByName: r.answered_by_name,
  answeredAt: iso(r.answered_at),
  rating: r.rating,
  closedAt: iso(r.closed_at),
  overdue: isOverdue(r.status, r.due_at, now),
});

export const OVERDUE_JOB = 'catalog.objection.overdue';
/** A reminder job for the moment the deadline passes; one per deadline, so a reopened objection gets its own. */
const armOverdue = (ctx: AppContext, id: string, dueAt: Date) =>
  scheduleJob(ctx, {
    kind: OVERDUE_JOB,
    runAt: new Date(dueAt.getTime() + 1),
    payload: { objectionId: id },
    dedupeKey: `${OVERDUE_JOB}:${id}:${dueAt.getTime()}`,
  });

/** Job handler: tells the provider (specialists and reviewers, R-15 escalation) and the raiser that the answer is late. */
export async function remindOverdueObjection(ctx: AppContext, payload: { objectionId: string }): Promise<void> {
  const o = await repo.findObjection(ctx.db, payload.objectionId);
  // Answered in time, or reopened with a later deadline that has its own reminder.
  if (!o || !isOverdue(o.status, o.due_at, ctx.clock.now())) return;
  const notice = {
    kind: 'catalog.objection.overdue',
    title: `目录疑义逾期未答复：${o.entry_name ?? ''}`,
    body: `${o.raised_by_department_name ?? ''}提出的疑义已超过答复期限（${shanghaiDate(o.due_at)}）。`,
    link: link(o.id),
    payload: { objectionId: o.id, entryId: o.entry_id },
  };
  await notify(ctx, { role: 'dept_specialist', departmentId: o.provider_department_id }, notice);
  await notify(ctx, { role: 'dept_leader', departmentId: o.provider_department_id }, notice);
  await notify(ctx, { userIds: [o.raised_by] }, notice);
}

const readScope = (actor: Actor) => scopeOf(actor, 'catalog.objection.read');

/** Working days the provider has to answer; admins set it, a missing or nonsensical value falls back to 5. */
export async function dueWorkingDays(ctx: AppContext): Promise<number> {
  const v = Number(await getSetting<unknown>(ctx.db, DUE_SETTING));
  return Number.isInteger(v) && v >= 1 && v <= 60 ? v : DEFAULT_DUE_WORKING_DAYS;
}

const required = (s: string, field: string, en: string, zh: string) => {
  const t = s.trim();
  if (!t)
    throw badRequest('FIELD_REQUIRED', en, zh, { problems: [{ field, code: 'required', message: en, messageZh: zh }] });
  return t;
};

async function load(ctx: AppContext, actor: Actor, id: string): Promise<repo.ObjectionRow> {
  const row = await repo.findVisibleObjection(ctx.db, readScope(actor), id);
  if (!row) throw notFound('Objection', '疑义');
  return row;
}

export async function getObjection(ctx: AppContext, actor: Actor, id: string): Promise<Objection> {
  return toObjection(await load(ctx, actor, id), ctx.clock.now());
}

export async function listObjections(
  ctx: AppContext,
  actor: Actor,
  filter: repo.ObjectionFilter,
  limit: number,
  offset: number,
) {
  const now = ctx.clock.now();
  const { rows, total } = await repo.listObjections(ctx.db, readScope(actor), filter, now, limit, offset);
  return { items: rows.map((r) => toObjection(r, now)), total };
}

export async function raiseObjection(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  input: { kind: ObjectionKind; content: string },
): Promise<Objection> {
  const content = required(input.content, 'content', 'Describe the problem', '请填写疑义内容');
  if (!actor.departmentId) throw forbidden('Only a department can raise an objection', '只有政务部门可以提出疑义');
  const entry = await repo.findEntryForObjection(ctx.db, entryId);
  // A draft of another department is not visible to the raiser, so it does not exist for them.
  if (!entry || (entry.status !== 'published' && entry.provider_department_id !== actor.departmentId))
    throw notFound('Catalog entry', '目录');
  if (entry.status !== 'published')
    throw conflict(
      'ENTRY_NOT_PUBLISHED',
      'Objections can be raised on published entries only',
      '只能对已发布的目录提出疑义',
    );
  if (entry.provider_department_id === actor.departmentId) {
    throw badRequest(
      'OBJECTION_OWN_ENTRY',
      'A department cannot raise an objection on its own entry; correct it with a change instead',
      '不能对本部门的目录提出疑义，请直接变更目录',
    );
  }
  const now = ctx.clock.now();
  const days = await dueWorkingDays(ctx);
  const dueAt = await workingDaysDeadline(ctx, now, days);
  const id = await inTransaction(ctx, async (trx) => {
    const newId = await repo.insertObjection(trx, {
      entry_id: entryId,
      version_id: entry.current_version_id,
      kind: input.kind,
      content,
      raised_by: actor.userId,
      raised_by_department_id: actor.departmentId,
      raised_at: now,
      due_at: dueAt,
    });
    await armOverdue({ ...ctx, db: trx }, newId, dueAt);
    await notify(
      { ...ctx, db: trx },
      { role: 'dept_specialist', departmentId: entry.provider_department_id },
      {
        kind: 'catalog.objection.raised',
        title: `收到目录疑义：${entry.name ?? ''}`,
        body: `${actor.departmentName ?? ''}提出“${OBJECTION_KINDS[input.kind].zh}”：${excerpt(content)}。请于${shanghaiDate(dueAt)}前核实答复（${days}个工作日）。`,
        link: link(newId),
        payload: { objectionId: newId, entryId, dueAt: dueAt.toISOString() },
      },
    );
    return newId;
  });
  return getObjection(ctx, actor, id);
}

export async function answerObjection(ctx: AppContext, actor: Actor, id: string, answer: string): Promise<Objection> {
  const text = required(answer, 'answer', 'Write the answer', '请填写答复内容');
  const o = await load(ctx, actor, id);
  if (o.provider_department_id !== actor.departmentId)
    throw forbidden('Only the providing department can answer', '只有信息资源提供部门可以答复');
  const now = ctx.clock.now();
  await inTransaction(ctx, async (trx) => {
    const moved = await repo.transition(trx, id, repo.WAITING, {
      status: 'answered',
      answer: text,
      answered_by: actor.userId,
      answered_at: now,
    });
    if (!moved)
      throw conflict('OBJECTION_NOT_OPEN', 'The objection is not waiting for an answer', '该疑义当前无需答复');
    await notify(
      { ...ctx, db: trx },
      { userIds: [o.raised_by] },
      {
        kind: 'catalog.objection.answered',
        title: `目录疑义已答复：${o.entry_name ?? ''}`,
        body: `${o.provider_department_name}答复：${excerpt(text)}。请确认并评价，或重新提出。`,
        link: link(id),
        payload: { objectionId: id, entryId: o.entry_id },
      },
    );
  });
  return getObjection(ctx, actor, id);
}

function checkRaiserSide(o: repo.ObjectionRow, actor: Actor) {
  if (!o.raised_by_department_id || o.raised_by_department_id !== actor.departmentId) {
    throw forbidden('Only the department that raised the objection can do this', '只有提出疑义的部门可以执行此操作');
  }
}

export async function confirmObjection(ctx: AppContext, actor: Actor, id: string, rating: number): Promise<Objection> {
  const o = await load(ctx, actor, id);
  checkRaiserSide(o, actor);
  const now = ctx.clock.now();
  await inTransaction(ctx, async (trx) => {
    if (!(await repo.transition(trx, id, ['answered'], { status: 'confirmed', rating, closed_at: now }))) {
      throw conflict('OBJECTION_NOT_ANSWERED', 'Only an answered objection can be confirmed', '只能确认已答复的疑义');
    }
    await notify(
      { ...ctx, db: trx },
      { role: 'dept_specialist', departmentId: o.provider_department_id },
      {
        kind: 'catalog.objection.confirmed',
        title: `目录疑义已确认办结：${o.entry_name ?? ''}`,
        body: `${o.raised_by_department_name ?? ''}确认了答复，评分${rating}/5。`,
        link: link(id),
        payload: { objectionId: id, entryId: o.entry_id, rating },
      },
    );
  });
  return getObjection(ctx, actor, id);
}

export async function reopenObjection(ctx: AppContext, actor: Actor, id: string, reason: string): Promise<Objection> {
  const text = required(reason, 'reason', 'Say why the answer does not settle it', '请填写重新提出的理由');
  const o = await load(ctx, actor, id);
  checkRaiserSide(o, actor);
  const now = ctx.clock.now();
  const days = await dueWorkingDays(ctx);
  const dueAt = await workingDaysDeadline(ctx, now, days);
  const answeredOn = o.answered_at ? shanghaiDate(o.answered_at) : '';
  const appended = `\n\n【${o.provider_department_name}答复 ${answeredOn}】${o.answer ?? ''}\n\n【重新提出 ${shanghaiDate(now)}】${text}`;
  await inTransaction(ctx, async (trx) => {
    if (!(await repo.reopen(trx, id, appended, dueAt))) {
      throw conflict(
        'OBJECTION_NOT_ANSWERED',
        'Only an answered objection can be reopened',
        '只能对已答复的疑义重新提出',
      );
    }
    await armOverdue({ ...ctx, db: trx }, id, dueAt);
    await notify(
      { ...ctx, db: trx },
      { role: 'dept_specialist', departmentId: o.provider_department_id },
      {
        kind: 'catalog.objection.reopened',
        title: `目录疑义被重新提出：${o.entry_name ?? ''}`,
        body: `${o.raised_by_department_name ?? ''}认为答复未解决问题：${excerpt(text)}。请于${shanghaiDate(dueAt)}前重新答复。`,
        link: link(id),
        payload: { objectionId: id, entryId: o.entry_id, dueAt: dueAt.toISOString() },
      },
    );
  });
  return getObjection(ctx, actor, id);
}

/** Objections past their deadline without an answer, on one provider's entries or on all (assessment, R-52). */
export function countOverdueObjections(ctx: AppContext, departmentId?: string): Promise<number> {
  return repo.countOverdue(ctx.db, ctx.clock.now(), departmentId);
}
