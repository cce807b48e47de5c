import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';
import { escapeLike } from '../../db/like';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';

/** open_application, with the dataset's code and name and the provider's name. */

const base = (db: Db) =>
  db
    .selectFrom('open_application as a')
    .innerJoin('catalog_entry as e', 'e.id', 'a.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .innerJoin('department as d', 'd.id', 'a.provider_department_id')
    .selectAll('a')
    .select(['e.code as dataset_code', 'v.name as dataset_name', 'd.name as provider_name']);

export type ApplicationRow = NonNullable<Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirst']>>>;

export const findApplication = (db: Db, id: string) => base(db).where('a.id', '=', id).executeTakeFirst();

/** Whose applications: one applicant's own, or those a department (or the platform) answers or oversees. */
export type ApplicationViewer = { applicantId: string } | { scope: Scope };

export interface ApplicationFilter {
  status?: string;
  overdueAt?: Date;
  q?: string;
  datasetCode?: string;
}

export async function listApplications(
  db: Db,
  viewer: ApplicationViewer,
  f: ApplicationFilter,
  limit: number,
  offset: number,
) {
  const like = f.q ? `%${escapeLike(f.q)}%` : null;
  const q = base(db)
    .where(
      'applicantId' in viewer
        ? sql<SqlBool>`a.applicant_id = ${viewer.applicantId}`
        : scopeFilter(viewer.scope, 'a.provider_department_id'),
    )
    .$if(!!f.datasetCode, (q) => q.where('e.code', '=', f.datasetCode!))
    .$if(!!f.status, (q) => q.where('a.status', '=', f.status as 'submitted'))
    .$if(!!f.overdueAt, (q) => q.where('a.status', '=', 'submitted').where('a.due_at', '<', f.overdueAt!))
    .$if(!!like, (q) =>
      q.where((eb) =>
        eb.or([eb('a.no', 'ilike', like!), eb('v.name', 'ilike', like!), eb('a.applicant_name', 'ilike', like!)]),
      ),
    );
  const [rows, count] = await Promise.all([
    q
      .orderBy(sql`a.status = 'submitted'`, 'desc')
      .orderBy('a.due_at', 'asc')
      .limit(limit)
      .offset(offset)
      .execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function nextNumber(db: Db): Promise<number> {
  const r = await sql<{ n: string }>`select nextval('open_application_no') as n`.execute(db);
  return Number(r.rows[0]!.n);
}

export async function insertApplication(db: Db, row: NewRow<'open_application'>): Promise<string> {
  const r = await db.insertInto('open_application').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** Moves an application on only from the status expected, so two answers cannot both land. */
export async function transition(
  db: Db,
  id: string,
  from: 'submitted' | 'approved',
  patch: RowUpdate<'open_application'>,
): Promise<boolean> {
  const r = await db
    .updateTable('open_application')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const waitingApplication = (db: Db, entryId: string, applicantId: string) =>
  db
    .selectFrom('open_application')
    .select(['id', 'no'])
    .where('entry_id', '=', entryId)
    .where('applicant_id', '=', applicantId)
    .where('status', '=', 'submitted')
    .executeTakeFirst();

/** The items an applicant may fetch of an entry today: the union of their approved, unexpired applications. */
export async function approvedFields(db: Db, entryId: string, applicantId: string, today: string): Promise<string[]> {
  const rows = await db
    .selectFrom('open_application')
    .select('approved_fields')
    .where('entry_id', '=', entryId)
    .where('applicant_id', '=', applicantId)
    .where('status', '=', 'approved')
    .where('access_until', '>=', today)
    .execute();
  return [...new Set(rows.flatMap((r) => r.approved_fields ?? []))];
}

/** Waiting applications a department answers, for its to-do list and the overview. */
export function waitingFor(db: Db, scope: Scope, limit: number) {
  return base(db)
    .where('a.status', '=', 'submitted')
    .where(scopeFilter(scope, 'a.provider_department_id'))
    .orderBy('a.due_at', 'asc')
    .limit(limit)
    .execute();
}

export async function countWaiting(db: Db, scope: Scope, now: Date) {
  const r = await db
    .selectFrom('open_application as a')
    .where('a.status', '=', 'submitted')
    .where(scopeFilter(scope, 'a.provider_department_id'))
    .select((eb) => [
      eb.fn.countAll<string>().as('total'),
      eb.fn.count<string>(sql`case when a.due_at < ${now} then 1 end`).as('overdue'),
    ])
    .executeTakeFirstOrThrow();
  return { total: Number(r.total), overdue: Number(r.overdue) };
}

/** City-wide: applications by status, the waiting ones split into in time and overdue (R-32 supervision). */
export function countsByStatus(db: Db, now: Date) {
  return db
    .selectFrom('open_application')
    .select((eb) => [
      sql<string>`case when status = 'submitted' and due_at < ${now} then 'overdue' else status end`.as('status'),
      eb.fn.countAll<string>().as('n'),
    ])
    .groupBy(sql`1`)
    .execute();
}
