import type { AppContext, Db } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { attachmentsByOwner, bindAttachments, type AttachmentPolicy } from '../../platform/attachments';
import { isValidDate, shanghaiDate } from '../../platform/calendar/dates';
import type { Actor } from '../../platform/context';
import { badRequest, notFound } from '../../platform/errors';
import { pageBounds } from '../../platform/http/schemas';
import { scopeOf } from '../../platform/rbac/scope';
import * as repo from './training-repo';
import {
  MAX_TRAINING_MATERIALS,
  type AttendeeInput,
  type Passed,
  type RecordSummary,
  type SessionDetail,
  type SessionInput,
  type SessionSummary,
  type SessionUpdate,
  type SpecialistRecord,
} from './training-schemas';

/**
 * 数据专员 training (Art 28): the platform keeps the sessions it holds or sends specialists to, who
 * attended and whether they passed, with the materials; each specialist's record is read by their
 * department and by the platform.
 */

export const SESSION_OWNER = 'training_session';
export const TRAINING_MATERIALS: AttachmentPolicy = {
  code: 'TRAINING_MATERIAL',
  maxMb: 50,
  maxCount: MAX_TRAINING_MATERIALS,
};

const toPassed = (p: boolean | null): Passed => (p === null ? 'unknown' : p ? 'yes' : 'no');
const today = (ctx: AppContext) => shanghaiDate(ctx.clock.now());
const hours = (v: string | number) => Math.round(Number(v) * 10) / 10;

const toSummary = (r: repo.SessionRow): SessionSummary => ({
  id: r.id,
  title: r.title,
  heldOn: r.held_on,
  organizer: r.organizer,
  hours: hours(r.hours),
  attendeeCount: Number(r.attendee_count ?? 0),
  createdByName: r.created_by_name,
});

function checkDay(ctx: AppContext, heldOn: string) {
  if (!isValidDate(heldOn) || heldOn > today(ctx))
    throw badRequest(
      'TRAINING_DATE_INVALID',
      'The day it was held must be a real day, not in the future',
      '培训日期无效或晚于今天',
      {
        field: 'heldOn',
      },
    );
}

/** Only specialists in office on the day attended as specialists; anyone else is refused by name of the field. */
async function setAttendance(db: Db, sessionId: string, heldOn: string, attendees: AttendeeInput[]) {
  const ids = attendees.map((a) => a.specialistId);
  if (new Set(ids).size !== ids.length)
    throw badRequest('TRAINING_ATTENDEE_DUPLICATE', 'A specialist is listed twice', '参训人员重复', {
      field: 'attendees',
    });
  const inOffice = await repo.specialistsInOffice(db, ids, heldOn);
  if (inOffice.size !== ids.length)
    throw badRequest(
      'TRAINING_ATTENDEE_INVALID',
      'Attendees must be data specialists in office on the day of the session',
      '参训人员须为培训当日在岗的数据专员',
      { field: 'attendees', specialistIds: ids.filter((id) => !inOffice.has(id)) },
    );
  await repo.replaceAttendance(
    db,
    sessionId,
    attendees.map((a) => ({
      specialistId: a.specialistId,
      passed: a.passed === 'unknown' ? null : a.passed === 'yes',
    })),
  );
}

export async function listSessions(
  ctx: AppContext,
  f: { q?: string; year?: number; page?: number; pageSize?: number },
) {
  const p = pageBounds(f);
  const { rows, total } = await repo.listSessions(
    ctx.db,
    { q: f.q?.trim() || undefined, year: f.year },
    p.limit,
    p.offset,
  );
  return { items: rows.map(toSummary), total, page: p.page, pageSize: p.pageSize };
}

export async function getSession(ctx: AppContext, id: string): Promise<SessionDetail> {
  const r = await repo.findSession(ctx.db, id);
  if (!r) throw notFound('Training session', '培训');
  const [attendees, files] = await Promise.all([
    repo.attendeesOf(ctx.db, id),
    attachmentsByOwner(ctx.db, SESSION_OWNER, [id]),
  ]);
  return {
    ...toSummary(r),
    content: r.content,
    attendees: attendees.map((a) => ({
      specialistId: a.specialist_id,
      name: a.name,
      departmentId: a.department_id,
      departmentName: a.department_name,
      passed: toPassed(a.passed),
    })),
    materials: files.get(id) ?? [],
  };
}

export async function createSession(ctx: AppContext, actor: Actor, input: SessionInput): Promise<SessionDetail> {
  checkDay(ctx, input.heldOn);
  const id = await inTransaction(ctx, async (trx) => {
    const sessionId = await repo.insertSession(trx, {
      title: input.title.trim(),
      held_on: input.heldOn,
      organizer: input.organizer.trim(),
      hours: input.hours,
      content: input.content.trim(),
      created_by: actor.userId,
    });
    await setAttendance(trx, sessionId, input.heldOn, input.attendees ?? []);
    await bindAttachments(trx, actor, TRAINING_MATERIALS, input.attachmentIds, { type: SESSION_OWNER, id: sessionId });
    return sessionId;
  });
  return getSession(ctx, id);
}

export async function updateSession(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: SessionUpdate,
): Promise<SessionDetail> {
  checkDay(ctx, input.heldOn);
  await inTransaction(ctx, async (trx) => {
    const n = await repo.updateSession(trx, id, {
      title: input.title.trim(),
      held_on: input.heldOn,
      organizer: input.organizer.trim(),
      hours: input.hours,
      content: input.content.trim(),
    });
    if (!n) throw notFound('Training session', '培训');
    await bindAttachments(trx, actor, TRAINING_MATERIALS, input.attachmentIds, { type: SESSION_OWNER, id });
  });
  return getSession(ctx, id);
}

export async function recordAttendance(
  ctx: AppContext,
  id: string,
  attendees: AttendeeInput[],
): Promise<SessionDetail> {
  await inTransaction(ctx, async (trx) => {
    const s = await repo.findSession(trx, id);
    if (!s) throw notFound('Training session', '培训');
    await setAttendance(trx, id, s.held_on, attendees);
  });
  return getSession(ctx, id);
}

function toRecord(r: repo.RecordRow, day: string): RecordSummary {
  return {
    specialistId: r.id,
    name: r.name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    active: r.active_from <= day && (r.active_to === null || r.active_to >= day),
    sessions: Number(r.sessions),
    sessionsThisYear: Number(r.sessions_year),
    hoursThisYear: hours(r.hours_year),
    lastHeldOn: r.last_held_on,
  };
}

/** The training records of the specialists the caller may read: their department's, or every one for the platform. */
export async function listRecords(
  ctx: AppContext,
  actor: Actor,
  f: { departmentId?: string; year?: number; page?: number; pageSize?: number },
) {
  const p = pageBounds(f);
  const day = today(ctx);
  const year = f.year ?? Number(day.slice(0, 4));
  const { rows, total } = await repo.listRecords(
    ctx.db,
    scopeOf(actor, 'training.record.read'),
    { departmentId: f.departmentId, year },
    p.limit,
    p.offset,
  );
  return { items: rows.map((r) => toRecord(r, day)), total, page: p.page, pageSize: p.pageSize };
}

export async function specialistRecord(
  ctx: AppContext,
  actor: Actor,
  specialistId: string,
  year?: number,
): Promise<SpecialistRecord> {
  const day = today(ctx);
  const y = year ?? Number(day.slice(0, 4));
  const r = await repo.findRecord(ctx.db, scopeOf(actor, 'training.record.read'), specialistId, y);
  if (!r) throw notFound('Specialist', '数据专员');
  const attended = await repo.attendedSessions(ctx.db, specialistId);
  return {
    ...toRecord(r, day),
    year: y,
    attended: attended.map((a) => ({
      sessionId: a.id,
      title: a.title,
      heldOn: a.held_on,
      organizer: a.organizer,
      hours: hours(a.hours),
      passed: toPassed(a.passed),
    })),
  };
}

/** Active departments without a specialist in office today: the red flags of the specialists page. */
export async function departmentsWithoutSpecialist(ctx: AppContext) {
  return (await repo.departmentsWithoutSpecialist(ctx.db, today(ctx), ctx.clock.now())).map((d) => ({
    departmentId: d.id,
    departmentName: d.name,
    lastActiveTo: d.last_active_to,
  }));
}
