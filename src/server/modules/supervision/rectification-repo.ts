import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';
import type { NoticeStatus } from './rectification-schemas';

/** rectification_notice (整改通知), and what it reads of the violations it names (violations-service moves their status). */

/**
 * The next number of a yearly series of documents ('ZG-2026-0007'): one more than the highest issued.
 * Taken inside the issuing transaction; two issued at the same instant collide on the unique number
 * and the second fails rather than share it.
 */
export async function nextNumber(db: Db, table: 'rectification_notice' | 'circular', prefix: string): Promise<number> {
  const r = await db
    .selectFrom(table)
    .select(sql<string | null>`max(split_part(no, '-', 3)::int)`.as('n'))
    .where('no', 'like', `${prefix}-%`)
    .executeTakeFirst();
  return Number(r?.n ?? 0) + 1;
}

export function violationsByIds(db: Db, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom('supervision_violation')
    .select(['id', 'department_id', 'kind', 'period_key', 'summary', 'status', 'evidence', 'detected_at'])
    .where('id', 'in', ids)
    .orderBy('detected_at')
    .orderBy('id')
    .execute();
}

/** A department's violations no notice is about yet, for the issuing form. */
export function openViolations(db: Db, departmentId: string) {
  return db
    .selectFrom('supervision_violation')
    .select(['id', 'department_id', 'kind', 'period_key', 'summary', 'status', 'detected_at'])
    .where('department_id', '=', departmentId)
    .where('status', '=', 'open')
    .orderBy('detected_at', 'desc')
    .limit(200)
    .execute();
}

export async function insertNotice(db: Db, row: NewRow<'rectification_notice'>): Promise<string> {
  return (await db.insertInto('rectification_notice').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateNotice(db: Db, id: string, patch: RowUpdate<'rectification_notice'>): Promise<void> {
  await db.updateTable('rectification_notice').set(patch).where('id', '=', id).execute();
}

const base = (db: Db) =>
  db
    .selectFrom('rectification_notice as n')
    .innerJoin('department as d', 'd.id', 'n.department_id')
    .innerJoin('app_user as ib', 'ib.id', 'n.issued_by')
    .leftJoin('app_user as ab', 'ab.id', 'n.answered_by')
    .leftJoin('app_user as vb', 'vb.id', 'n.verified_by')
    .leftJoin('circular as c', 'c.notice_id', 'n.id');

const COLUMNS = [
  'n.id',
  'n.no',
  'n.department_id',
  'd.name as department_name',
  'n.violation_ids',
  'n.title',
  'n.requirement',
  'n.working_days',
  'n.issued_at',
  'n.due_at',
  'n.status',
  'n.measures',
  'n.answered_at',
  'n.verified_at',
  'n.verify_note',
  'n.closed_at',
  'n.circulated_at',
  'ib.real_name as issued_by_name',
  'ab.real_name as answered_by_name',
  'vb.real_name as verified_by_name',
  'c.id as circular_id',
] as const;

export type NoticeRow = NonNullable<Awaited<ReturnType<typeof findNotice>>>;

/** The notice if it lies inside the scope; `lock` holds it until the transaction ends. */
export function findNotice(db: Db, id: string, scope: Scope, lock = false) {
  let q = base(db).select(COLUMNS).where('n.id', '=', id).where(scopeFilter(scope, 'n.department_id'));
  if (lock) q = q.forUpdate('n');
  return q.executeTakeFirst();
}

export interface NoticeFilter {
  status?: NoticeStatus;
  departmentId?: string;
  q?: string;
}

export async function listNotices(db: Db, f: NoticeFilter, scope: Scope, limit: number, offset: number) {
  let q = base(db).where(scopeFilter(scope, 'n.department_id'));
  if (f.status) q = q.where('n.status', '=', f.status);
  if (f.departmentId) q = q.where('n.department_id', '=', f.departmentId);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) => eb.or([eb('n.title', 'ilike', like), eb('n.no', 'ilike', like), eb('d.name', 'ilike', like)]));
  }
  const [rows, total] = await Promise.all([
    q.select(COLUMNS).orderBy('n.issued_at', 'desc').orderBy('n.id').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Notices left unanswered or rejected past their deadline, oldest first: the circular task's work. */
export function overdueNoticeIds(db: Db, now: Date, limit = 100) {
  return db
    .selectFrom('rectification_notice')
    .select('id')
    .where('status', 'in', ['issued', 'rejected'])
    .where('due_at', '<', now)
    .orderBy('due_at')
    .limit(limit)
    .execute();
}

/** Notices falling due in [from, to), for the closure indicator. */
export function noticesDueIn(db: Db, from: Date, to: Date) {
  return db
    .selectFrom('rectification_notice')
    .select(['id', 'no', 'title', 'department_id', 'status', 'due_at', 'answered_at', 'closed_at'])
    .where('due_at', '>=', from)
    .where('due_at', '<', to)
    .orderBy('due_at')
    .orderBy('id')
    .execute();
}

/** Notices issued, falling due, closed or circulated in [from, to): the leading group report's rows. */
export function noticesOfPeriod(db: Db, from: Date, to: Date) {
  const within = (col: 'n.issued_at' | 'n.due_at' | 'n.closed_at' | 'n.circulated_at') =>
    sql<boolean>`(${sql.ref(col)} >= ${from} and ${sql.ref(col)} < ${to})`;
  return base(db)
    .select(COLUMNS)
    .where((eb) => eb.or([within('n.issued_at'), within('n.due_at'), within('n.closed_at'), within('n.circulated_at')]))
    .orderBy('d.name')
    .orderBy('n.issued_at')
    .execute();
}

/** Notices waiting for someone, most urgent first: a department's to answer, or the office's to verify. */
export async function waitingNotices(
  db: Db,
  waitingFor: { departmentId: string } | 'office',
  now: Date,
  limit: number,
) {
  let q = base(db);
  q =
    waitingFor === 'office'
      ? q.where('n.status', '=', 'answered')
      : q.where('n.department_id', '=', waitingFor.departmentId).where('n.status', 'in', ['issued', 'rejected']);
  const [rows, counts] = await Promise.all([
    q.select(COLUMNS).orderBy('n.due_at').orderBy('n.id').limit(limit).execute(),
    q
      .select((eb) => [
        eb.fn.countAll<string>().as('total'),
        eb.fn.count<string>(sql`case when n.due_at < ${now} then 1 end`).as('overdue'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(counts.total), overdue: Number(counts.overdue) };
}
