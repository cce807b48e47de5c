import type { AppContext, Db } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { addDays, isValidDate, oneYearAfter, shanghaiDate } from '../../platform/calendar/dates';
import type { Actor } from '../../platform/context';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { pageBounds } from '../../platform/http/schemas';
import { YEARLY_KINDS } from '../../../shared/security/register';
import { attachmentsByRecord, bindAttachments } from './attachments-service';
import * as repo from './register-repo';
import type { Action, ActionInput, RecordDetail, RecordInput, RecordUpdate, RegisterStatus } from './register-schemas';

/**
 * The security operations register: assessments, drills, risk assessments, security reviews and
 * inspections the platform's managing unit holds or undergoes (Art 23, 25, 26), each with its findings,
 * evidence and follow-up actions (owner, deadline, closed with a note). Kept, not deleted: a register
 * an inspector reads must not lose what it once said (the audit log keeps every edit).
 */

/** A yearly kind is "due soon" this many days before a year has passed since the last one. */
export const DUE_SOON_DAYS = 30;

const today = (ctx: AppContext) => shanghaiDate(ctx.clock.now());

function toAction(a: repo.ActionRow, day: string): Action {
  return {
    id: a.id,
    recordId: a.record_id,
    description: a.description,
    owner: a.owner,
    dueOn: a.due_on,
    doneAt: a.done_at?.toISOString() ?? null,
    doneByName: a.done_by_name ?? null,
    doneNote: a.done_note,
    overdue: a.done_at === null && a.due_on < day,
  };
}

/** Records with their actions and files, in the order given. */
async function withDetails(ctx: AppContext, rows: repo.RecordRow[]): Promise<RecordDetail[]> {
  const ids = rows.map((r) => r.id);
  const [actions, files] = await Promise.all([repo.actionsOf(ctx.db, ids), attachmentsByRecord(ctx, ids)]);
  const day = today(ctx);
  return rows.map((r) => {
    const own = actions.filter((a) => a.record_id === r.id).map((a) => toAction(a, day));
    return {
      id: r.id,
      kind: r.kind,
      heldOn: r.held_on,
      title: r.title,
      scope: r.scope,
      conductedBy: r.conducted_by,
      findings: r.findings,
      conclusion: r.conclusion,
      createdByName: r.created_by_name,
      createdAt: r.created_at.toISOString(),
      updatedByName: r.updated_by_name,
      updatedAt: new Date(r.updated_at).toISOString(),
      openActions: own.filter((a) => a.doneAt === null).length,
      overdueActions: own.filter((a) => a.overdue).length,
      actions: own,
      attachments: files.get(r.id) ?? [],
    };
  });
}

export async function listRecords(
  ctx: AppContext,
  f: repo.RecordFilter & { page?: number; pageSize?: number },
): Promise<{ items: RecordDetail[]; total: number; page: number; pageSize: number }> {
  const p = pageBounds(f);
  const { rows, total } = await repo.listRecords(
    ctx.db,
    { kind: f.kind, q: f.q?.trim() || undefined, openActions: f.openActions },
    p.limit,
    p.offset,
  );
  return { items: await withDetails(ctx, rows), total, page: p.page, pageSize: p.pageSize };
}

export async function getRecord(ctx: AppContext, id: string): Promise<RecordDetail> {
  const r = await repo.findRecord(ctx.db, id);
  if (!r) throw notFound('Security register record', '安全工作记录');
  return (await withDetails(ctx, [r]))[0]!;
}

function assertHeldOn(ctx: AppContext, heldOn: string): void {
  if (!isValidDate(heldOn)) {
    throw badRequest('SECURITY_DATE_INVALID', `${heldOn} is not a date`, `${heldOn} 不是有效日期`, { field: 'heldOn' });
  }
  if (heldOn > today(ctx)) {
    throw badRequest(
      'SECURITY_HELD_IN_FUTURE',
      'Register what has been held: the day cannot be in the future',
      '登记已开展的工作：开展日期不能晚于今天',
      { field: 'heldOn' },
    );
  }
}

function assertDueOn(dueOn: string, heldOn: string, field: string): void {
  if (!isValidDate(dueOn)) {
    throw badRequest('SECURITY_DATE_INVALID', `${dueOn} is not a date`, `${dueOn} 不是有效日期`, { field });
  }
  if (dueOn < heldOn) {
    throw badRequest(
      'SECURITY_ACTION_DUE_BEFORE_HELD',
      `A follow-up action cannot be due before the record's day (${heldOn})`,
      `整改期限不能早于开展日期（${heldOn}）`,
      { field },
    );
  }
}

const actionRow = (recordId: string, a: ActionInput) => ({
  record_id: recordId,
  description: a.description.trim(),
  owner: a.owner.trim(),
  due_on: a.dueOn,
});

const recordFields = (input: RecordUpdate) => ({
  kind: input.kind,
  held_on: input.heldOn,
  title: input.title.trim(),
  scope: input.scope.trim(),
  conducted_by: input.conductedBy.trim(),
  findings: input.findings.trim(),
  conclusion: input.conclusion?.trim() || null,
});

export async function createRecord(ctx: AppContext, actor: Actor, input: RecordInput): Promise<RecordDetail> {
  assertHeldOn(ctx, input.heldOn);
  (input.actions ?? []).forEach((a, i) => assertDueOn(a.dueOn, input.heldOn, `actions.${i}.dueOn`));
  const id = await inTransaction(ctx, async (trx) => {
    const recordId = await repo.insertRecord(trx, {
      ...recordFields(input),
      created_by: actor.userId,
      updated_by: actor.userId,
      updated_at: ctx.clock.now(),
    });
    await repo.insertActions(
      trx,
      (input.actions ?? []).map((a) => actionRow(recordId, a)),
    );
    await bindAttachments(trx, actor, input.attachmentIds, recordId);
    return recordId;
  });
  return getRecord(ctx, id);
}

/** Corrects a record or adds files to it; an action's deadline may not fall before a changed day. */
export async function updateRecord(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: RecordUpdate,
): Promise<RecordDetail> {
  const before = await getRecord(ctx, id);
  assertHeldOn(ctx, input.heldOn);
  const early = before.actions.find((a) => a.dueOn < input.heldOn);
  if (early) assertDueOn(early.dueOn, input.heldOn, 'heldOn');
  await inTransaction(ctx, async (trx: Db) => {
    await repo.updateRecord(trx, id, { ...recordFields(input), updated_by: actor.userId, updated_at: ctx.clock.now() });
    await bindAttachments(trx, actor, input.attachmentIds, id, before.attachments.length);
  });
  return getRecord(ctx, id);
}

export async function addAction(ctx: AppContext, recordId: string, input: ActionInput): Promise<Action> {
  const record = await getRecord(ctx, recordId);
  assertDueOn(input.dueOn, record.heldOn, 'dueOn');
  const id = await repo.insertAction(ctx.db, actionRow(recordId, input));
  return toAction((await repo.findAction(ctx.db, id))!, today(ctx));
}

/** Closes a follow-up action with what was done; closing it twice is refused, not repeated. */
export async function completeAction(ctx: AppContext, actor: Actor, id: string, note: string | null | undefined) {
  const a = await repo.findAction(ctx.db, id);
  if (!a) throw notFound('Follow-up action', '整改措施');
  const done = await repo.completeAction(ctx.db, id, actor.userId, note?.trim() || null, ctx.clock.now());
  if (!done) throw conflict('SECURITY_ACTION_DONE', 'This action is closed already', '该整改措施已完成');
  return toAction((await repo.findAction(ctx.db, id))!, today(ctx));
}

/**
 * Where the platform stands on Art 25's yearly duties and on open follow-up actions: the register's
 * banner, the to-do home's reminder, and what supervision reads (R-53).
 */
export async function registerStatus(ctx: AppContext): Promise<RegisterStatus> {
  const day = today(ctx);
  const [last, counts] = await Promise.all([repo.lastHeld(ctx.db), repo.actionCounts(ctx.db, day)]);
  const yearly = YEARLY_KINDS.map((kind) => {
    const lastHeldOn = last.find((l) => l.kind === kind)?.held_on ?? null;
    const dueBy = lastHeldOn ? oneYearAfter(lastHeldOn) : null;
    const status: RegisterStatus['yearly'][number]['status'] =
      dueBy === null || dueBy <= day ? 'overdue' : addDays(day, DUE_SOON_DAYS) >= dueBy ? 'due_soon' : 'ok';
    return { kind, lastHeldOn, dueBy, status };
  });
  return { yearly, openActions: counts.open, overdueActions: counts.overdue };
}
