import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '../../app-context';
import type { DB, NewRow, Row, RowUpdate } from '../../db/types';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';

/** Whose objections a reader sees: platform_admin all; a department those it raised or received. */
export type ObjectionStatus = Row<'catalog_objection'>['status'];

export interface ObjectionFilter {
  role?: 'raised' | 'received';
  status?: ObjectionStatus;
  overdue?: boolean;
  entryId?: string;
}

/** Only open and reopened objections wait for the provider, so only they can be overdue. */
export const WAITING: ObjectionStatus[] = ['open', 'reopened'];

function base(db: Db) {
  return db
    .selectFrom('catalog_objection as o')
    .innerJoin('catalog_entry as e', 'e.id', 'o.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .innerJoin('department as pd', 'pd.id', 'e.provider_department_id')
    .leftJoin('department as rd', 'rd.id', 'o.raised_by_department_id')
    .innerJoin('app_user as ru', 'ru.id', 'o.raised_by')
    .leftJoin('app_user as au', 'au.id', 'o.answered_by');
}
type Q = ExpressionBuilder<DB & { o: DB['catalog_objection']; e: DB['catalog_entry'] }, 'o' | 'e'>;

const COLUMNS = [
  'o.id',
  'o.entry_id',
  'e.code as entry_code',
  'v.name as entry_name',
  'o.version_id',
  'e.provider_department_id',
  'pd.name as provider_department_name',
  'o.kind',
  'o.content',
  'o.raised_by',
  'ru.real_name as raised_by_name',
  'o.raised_by_department_id',
  'rd.name as raised_by_department_name',
  'o.raised_at',
  'o.due_at',
  'o.status',
  'o.answer',
  'o.answered_by',
  'au.real_name as answered_by_name',
  'o.answered_at',
  'o.rating',
  'o.closed_at',
] as const;

export type ObjectionRow = NonNullable<Awaited<ReturnType<typeof findObjection>>>;

/** A department sees the objections it raised or received (or one side, by role); the platform all. */
function visible(scope: Scope, role: ObjectionFilter['role']) {
  if (scope.kind !== 'department') return scopeFilter(scope);
  const columns = { raised: ['o.raised_by_department_id'], received: ['e.provider_department_id'] };
  return scopeFilter(scope, ...(role ? columns[role] : [...columns.raised, ...columns.received]));
}

const overdueExpr = (eb: Q, now: Date) => eb.and([eb('o.status', 'in', WAITING), eb('o.due_at', '<', now)]);

export async function listObjections(
  db: Db,
  scope: Scope,
  f: ObjectionFilter,
  now: Date,
  limit: number,
  offset: number,
) {
  let q = base(db).where(visible(scope, f.role));
  if (f.status) q = q.where('o.status', '=', f.status);
  if (f.entryId) q = q.where('o.entry_id', '=', f.entryId);
  if (f.overdue !== undefined) q = q.where((eb) => (f.overdue ? overdueExpr(eb, now) : eb.not(overdueExpr(eb, now))));
  const [rows, total] = await Promise.all([
    q.select(COLUMNS).orderBy('o.raised_at', 'desc').orderBy('o.id').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function findObjection(db: Db, id: string) {
  return base(db).select(COLUMNS).where('o.id', '=', id).executeTakeFirst();
}

export function findVisibleObjection(db: Db, scope: Scope, id: string) {
  return base(db).select(COLUMNS).where('o.id', '=', id).where(visible(scope, undefined)).executeTakeFirst();
}

/** The entry an objection is raised against, with its published name. */
export function findEntryForObjection(db: Db, entryId: string) {
  return db
    .selectFrom('catalog_entry as e')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select(['e.id', 'e.status', 'e.provider_department_id', 'e.current_version_id', 'v.name'])
    .where('e.id', '=', entryId)
    .executeTakeFirst();
}

export async function insertObjection(db: Db, row: NewRow<'catalog_objection'>): Promise<string> {
  return (await db.insertInto('catalog_objection').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Changes an objection only while it is in one of `from`; false when another request moved it first. */
export async function transition(
  db: Db,
  id: string,
  from: ObjectionStatus[],
  set: RowUpdate<'catalog_objection'>,
): Promise<boolean> {
  const r = await db
    .updateTable('catalog_objection')
    .set(set)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Overdue objections on a provider's entries (all providers when departmentId is omitted), for assessment. */
export async function countOverdue(db: Db, now: Date, departmentId?: string): Promise<number> {
  let q = db
    .selectFrom('catalog_objection as o')
    .innerJoin('catalog_entry as e', 'e.id', 'o.entry_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('o.status', 'in', WAITING)
    .where('o.due_at', '<', now);
  if (departmentId) q = q.where('e.provider_department_id', '=', departmentId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/**
 * Sends an answered objection back to the provider. The schema keeps one answer, so the answer being
 * disputed and the reason move into the objection's running text, where both sides still read them.
 */
export async function reopen(db: Db, id: string, appended: string, dueAt: Date): Promise<boolean> {
  const r = await db
    .updateTable('catalog_objection')
    .set({
      status: 'reopened',
      content: sql<string>`content || ${appended}`,
      due_at: dueAt,
      answer: null,
      answered_by: null,
      answered_at: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'answered')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
