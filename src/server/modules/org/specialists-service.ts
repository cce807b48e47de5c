import type { AppContext, Db } from '../../app-context';
import type { RowUpdate } from '../../db/types';
import { isValidDate, shanghaiDate } from '../../platform/calendar/dates';
import type { Actor } from '../../platform/context';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import * as repo from './specialists-repo';
import { inTransaction } from '../../db/tx';
import type { Specialist, SpecialistChange } from './schemas';
import { ALL, inScope, scopeOf, type Scope } from '../../platform/rbac/scope';
import { consoleLink } from '../../../shared/console';

const MOBILE = /^1[3-9]\d{9}$/;

function toSpecialist(r: repo.SpecialistRow, today: string): Specialist {
  return {
    id: r.id,
    departmentId: r.department_id,
    departmentName: r.department_name,
    userId: r.user_id,
    name: r.name,
    title: r.title,
    phone: r.phone,
    mobile: r.mobile,
    email: r.email,
    activeFrom: r.active_from,
    activeTo: r.active_to,
    active: r.active_from <= today && (r.active_to === null || r.active_to >= today),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** What a change row keeps: the registry fields, not bookkeeping or joined names. */
const snapshot = (r: repo.SpecialistRow) => ({
  departmentId: r.department_id,
  userId: r.user_id,
  name: r.name,
  title: r.title,
  phone: r.phone,
  mobile: r.mobile,
  email: r.email,
  activeFrom: r.active_from,
  activeTo: r.active_to,
});

const today = (ctx: AppContext) => shanghaiDate(ctx.clock.now());

/**
 * Art 28: each department reports its own specialists. The platform administrator manages every
 * department's; a department's specialist or reviewer only their own department's.
 */
function manageScope(actor: Actor | null): Scope {
  // The platform's own work (the demo seed) has no actor; the route permission already limits the roles.
  const scope = actor ? scopeOf(actor, 'org.specialist.manage') : ALL;
  if (scope.kind === 'none') throw forbidden();
  return scope;
}

function checkInScope(scope: Scope, departmentId: string) {
  if (!inScope(scope, departmentId)) {
    throw forbidden("You can only manage your own department's data specialists", '只能管理本部门的数据专员');
  }
}

export async function listSpecialists(
  ctx: AppContext,
  f: { departmentId?: string; active?: boolean },
  limit: number,
  offset: number,
) {
  const t = today(ctx);
  const { rows, total } = await repo.listSpecialists(ctx.db, { ...f, today: t }, limit, offset);
  return { items: rows.map((r) => toSpecialist(r, t)), total };
}

/**
 * How the public reaches a department about its open data: its current data specialist's
 * office phone and e-mail, never the name or mobile (the person's own). null: no specialist, or
 * neither given.
 */
export async function departmentContact(ctx: AppContext, departmentId: string): Promise<Contact | null> {
  return (await departmentContacts(ctx, [departmentId])).get(departmentId) ?? null;
}

export type Contact = { phone: string | null; email: string | null };

/** departmentContact of many departments in one query, by department id (those without are missing). */
export async function departmentContacts(ctx: AppContext, departmentIds: string[]): Promise<Map<string, Contact>> {
  if (!departmentIds.length) return new Map();
  const rows = await repo.currentContacts(ctx.db, departmentIds, today(ctx));
  return new Map(
    rows.filter((s) => s.phone || s.email).map((s) => [s.department_id, { phone: s.phone, email: s.email }]),
  );
}

export async function history(ctx: AppContext, id: string): Promise<SpecialistChange[]> {
  if (!(await repo.specialistExists(ctx.db, id))) throw notFound('Specialist', '数据专员');
  return (await repo.listChanges(ctx.db, id)).map((c) => ({
    id: c.id,
    specialistId: c.specialist_id,
    action: c.action,
    changedAt: c.changed_at.toISOString(),
    changedBy: c.changed_by,
    changedByName: c.changed_by_name,
    before: c.before ?? null,
    after: c.after,
  }));
}

function checkDate(value: string, field: string) {
  if (!isValidDate(value)) throw badRequest('DATE_INVALID', `Invalid date ${value}`, `日期无效：${value}`, { field });
}

function checkMobile(mobile: string) {
  if (!MOBILE.test(mobile))
    throw badRequest('MOBILE_INVALID', 'Mobile must be an 11-digit mainland number', '手机号码应为11位中国大陆手机号', {
      field: 'mobile',
    });
}

async function checkDepartment(db: Db, departmentId: string) {
  const d = await repo.findDepartmentName(db, departmentId);
  if (!d)
    throw badRequest('DEPARTMENT_NOT_FOUND', 'The department does not exist', '部门不存在', { field: 'departmentId' });
  if (d.status !== 'active')
    throw badRequest('DEPARTMENT_INACTIVE', `${d.name} is inactive`, `部门“${d.name}”已停用`, {
      field: 'departmentId',
    });
}

/** A linked account must be a working account of the same department. */
async function checkLinkedUser(db: Db, userId: string, departmentId: string) {
  const u = await repo.findUserDepartment(db, userId);
  if (!u || u.status !== 'active')
    throw badRequest('USER_NOT_FOUND', 'The linked account does not exist or is disabled', '关联的账号不存在或已停用', {
      field: 'userId',
    });
  if (u.department_id !== departmentId) {
    throw badRequest(
      'SPECIALIST_USER_DEPARTMENT',
      'The linked account belongs to another department',
      '关联的账号不属于该部门',
      { field: 'userId' },
    );
  }
}

const blankToNull = (s: string | null | undefined) => (s === undefined ? undefined : s?.trim() || null);

export interface SpecialistInput {
  departmentId: string;
  userId?: string | null;
  name: string;
  title?: string | null;
  phone?: string | null;
  mobile: string;
  email?: string | null;
  activeFrom: string;
}

/** Records the change and, for arrivals and departures, tells the platform administrators — all in one transaction. */
async function record(
  trx: Db,
  ctx: AppContext,
  actor: Actor | null,
  action: 'create' | 'update' | 'retire',
  before: repo.SpecialistRow | null,
  after: repo.SpecialistRow,
) {
  await repo.insertChange(trx, {
    specialist_id: after.id,
    changed_at: ctx.clock.now(),
    changed_by: actor?.userId ?? null,
    action,
    before: before ? JSON.stringify(snapshot(before)) : null,
    after: JSON.stringify(snapshot(after)),
  });
  if (action === 'update') return;
  const verb = action === 'create' ? ['registered', '新增'] : ['retired', '卸任'];
  await notify(
    { ...ctx, db: trx },
    { role: 'platform_admin' },
    {
      kind: 'org.specialist.changed',
      title: `${after.department_name}${verb[1]}数据专员：${after.name}`,
      body: action === 'create' ? `自${after.active_from}起任职，手机${after.mobile}` : `任职至${after.active_to}`,
      link: consoleLink(`/org/specialists?departmentId=${after.department_id}`),
      payload: { specialistId: after.id, departmentId: after.department_id, action },
    },
  );
}

export async function createSpecialist(
  ctx: AppContext,
  actor: Actor | null,
  input: SpecialistInput,
): Promise<Specialist> {
  const scope = manageScope(actor);
  checkInScope(scope, input.departmentId);
  const name = input.name.trim();
  if (!name) throw badRequest('SPECIALIST_NAME_REQUIRED', 'Name is required', '请填写数据专员姓名', { field: 'name' });
  checkMobile(input.mobile);
  checkDate(input.activeFrom, 'activeFrom');
  return inTransaction(ctx, async (trx) => {
    await checkDepartment(trx, input.departmentId);
    if (input.userId) await checkLinkedUser(trx, input.userId, input.departmentId);
    const now = ctx.clock.now();
    const id = await repo.insertSpecialist(trx, {
      department_id: input.departmentId,
      user_id: input.userId ?? null,
      name,
      title: blankToNull(input.title) ?? null,
      phone: blankToNull(input.phone) ?? null,
      mobile: input.mobile,
      email: blankToNull(input.email) ?? null,
      active_from: input.activeFrom,
      active_to: null,
      created_at: now,
      updated_at: now,
    });
    const row = (await repo.findSpecialist(trx, id))!;
    await record(trx, ctx, actor, 'create', null, row);
    return toSpecialist(row, today(ctx));
  });
}

/** Loads the row inside the caller's scope and locked; 403 when it exists but belongs to another department. */
async function loadForChange(trx: Db, id: string, scope: Scope) {
  const row = await repo.findSpecialist(trx, id, scope, true);
  if (row) return row;
  if (await repo.specialistExists(trx, id))
    throw forbidden("You can only manage your own department's data specialists", '只能管理本部门的数据专员');
  throw notFound('Specialist', '数据专员');
}

export type SpecialistPatch = Partial<Omit<SpecialistInput, 'departmentId' | 'activeFrom'>> & {
  departmentId?: string;
  activeFrom?: string;
};

export async function updateSpecialist(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  patch: SpecialistPatch,
): Promise<Specialist> {
  const scope = manageScope(actor);
  if (patch.departmentId !== undefined) checkInScope(scope, patch.departmentId);
  if (patch.mobile !== undefined) checkMobile(patch.mobile);
  if (patch.activeFrom !== undefined) checkDate(patch.activeFrom, 'activeFrom');
  const name = patch.name?.trim();
  if (patch.name !== undefined && !name)
    throw badRequest('SPECIALIST_NAME_REQUIRED', 'Name is required', '请填写数据专员姓名', { field: 'name' });
  return inTransaction(ctx, async (trx) => {
    const before = await loadForChange(trx, id, scope);
    const departmentId = patch.departmentId ?? before.department_id;
    if (departmentId !== before.department_id) await checkDepartment(trx, departmentId);
    const userId = patch.userId !== undefined ? patch.userId : before.user_id;
    if (userId && (userId !== before.user_id || departmentId !== before.department_id))
      await checkLinkedUser(trx, userId, departmentId);
    const activeFrom = patch.activeFrom ?? before.active_from;
    if (before.active_to && activeFrom > before.active_to) {
      throw badRequest('DATE_RANGE_INVALID', 'The start date is after the end date', '任职开始日期晚于结束日期', {
        field: 'activeFrom',
      });
    }
    const set: RowUpdate<'specialist'> = {
      updated_at: ctx.clock.now(),
      department_id: departmentId,
      user_id: userId,
      active_from: activeFrom,
    };
    if (name !== undefined) set.name = name;
    if (patch.title !== undefined) set.title = blankToNull(patch.title);
    if (patch.phone !== undefined) set.phone = blankToNull(patch.phone);
    if (patch.mobile !== undefined) set.mobile = patch.mobile;
    if (patch.email !== undefined) set.email = blankToNull(patch.email);
    await repo.updateSpecialist(trx, id, set);
    const after = (await repo.findSpecialist(trx, id))!;
    await record(trx, ctx, actor, 'update', before, after);
    return toSpecialist(after, today(ctx));
  });
}

export async function retireSpecialist(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  activeTo: string,
): Promise<Specialist> {
  const scope = manageScope(actor);
  checkDate(activeTo, 'activeTo');
  return inTransaction(ctx, async (trx) => {
    const before = await loadForChange(trx, id, scope);
    if (before.active_to)
      throw conflict('SPECIALIST_RETIRED', 'This specialist has already been retired', '该数据专员已卸任');
    if (activeTo < before.active_from) {
      throw badRequest('DATE_RANGE_INVALID', 'The end date is before the start date', '卸任日期早于任职开始日期', {
        field: 'activeTo',
      });
    }
    await repo.updateSpecialist(trx, id, { active_to: activeTo, updated_at: ctx.clock.now() });
    const after = (await repo.findSpecialist(trx, id))!;
    await record(trx, ctx, actor, 'retire', before, after);
    return toSpecialist(after, today(ctx));
  });
}
