import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';
import { ALL, scopeFilter, type Scope } from '../../platform/rbac/scope';

/** Which department's specialists a caller may manage: all, or one department (a WHERE clause, never a post-filter). */

export interface SpecialistFilter {
  departmentId?: string;
  /** true: serving on `today`; false: retired or not started yet. */
  active?: boolean;
  today: string;
}

const COLUMNS = [
  's.id',
  's.department_id',
  'd.name as department_name',
  's.user_id',
  's.name',
  's.title',
  's.phone',
  's.mobile',
  's.email',
  's.active_from',
  's.active_to',
  's.created_at',
  's.updated_at',
] as const;

const base = (db: Db) => db.selectFrom('specialist as s').innerJoin('department as d', 'd.id', 's.department_id');

export type SpecialistRow = NonNullable<Awaited<ReturnType<typeof findSpecialist>>>;

/** Specialists in office on the day. */
const activeOn = (q: ReturnType<typeof base>, today: string) =>
  q
    .where('s.active_from', '<=', today)
    .where((eb) => eb.or([eb('s.active_to', 'is', null), eb('s.active_to', '>=', today)]));

/** The office phone and e-mail of each department's specialist in office, the latest appointed. */
export function currentContacts(db: Db, departmentIds: string[], today: string) {
  return activeOn(base(db), today)
    .where('s.department_id', 'in', departmentIds)
    .distinctOn('s.department_id')
    .select(['s.department_id', 's.phone', 's.email'])
    .orderBy('s.department_id')
    .orderBy('s.active_from', 'desc')
    .orderBy('s.id')
    .execute();
}

export async function listSpecialists(db: Db, f: SpecialistFilter, limit: number, offset: number) {
  let q = base(db);
  if (f.departmentId) q = q.where('s.department_id', '=', f.departmentId);
  const today = f.today;
  if (f.active === true) {
    q = activeOn(q, today);
  } else if (f.active === false) {
    q = q.where((eb) => eb.or([eb('s.active_from', '>', today), eb('s.active_to', '<', today)]));
  }
  const [rows, total] = await Promise.all([
    q
      .select(COLUMNS)
      .orderBy('d.name')
      .orderBy('s.active_from', 'desc')
      .orderBy('s.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** The specialist if it exists and lies inside the scope; `lock` holds the row until the transaction ends. */
export function findSpecialist(db: Db, id: string, scope: Scope = ALL, lock = false) {
  let q = base(db).select(COLUMNS).where('s.id', '=', id);
  q = q.where(scopeFilter(scope, 's.department_id'));
  if (lock) q = q.forUpdate('s');
  return q.executeTakeFirst();
}

export async function specialistExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('specialist').select('id').where('id', '=', id).executeTakeFirst());
}

export async function insertSpecialist(db: Db, row: NewRow<'specialist'>): Promise<string> {
  return (await db.insertInto('specialist').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateSpecialist(db: Db, id: string, patch: RowUpdate<'specialist'>): Promise<void> {
  await db.updateTable('specialist').set(patch).where('id', '=', id).execute();
}

export async function insertChange(db: Db, row: NewRow<'specialist_change'>): Promise<void> {
  await db.insertInto('specialist_change').values(row).execute();
}

export function listChanges(db: Db, specialistId: string) {
  return db
    .selectFrom('specialist_change as c')
    .leftJoin('app_user as u', 'u.id', 'c.changed_by')
    .select([
      'c.id',
      'c.specialist_id',
      'c.action',
      'c.changed_at',
      'c.changed_by',
      'u.real_name as changed_by_name',
      'c.before',
      'c.after',
    ])
    .where('c.specialist_id', '=', specialistId)
    .orderBy('c.id', 'desc')
    .execute();
}

export function findDepartmentName(db: Db, id: string) {
  return db.selectFrom('department').select(['id', 'name', 'status']).where('id', '=', id).executeTakeFirst();
}

export function findUserDepartment(db: Db, id: string) {
  return db.selectFrom('app_user').select(['id', 'department_id', 'status']).where('id', '=', id).executeTakeFirst();
}
