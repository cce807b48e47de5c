import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';

/** training_session and training_attendance (Art 28), and the specialist registry as the records read it. */

export async function insertSession(db: Db, row: NewRow<'training_session'>): Promise<string> {
  return (await db.insertInto('training_session').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateSession(db: Db, id: string, patch: RowUpdate<'training_session'>): Promise<number> {
  const r = await db.updateTable('training_session').set(patch).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

const sessions = (db: Db) =>
  db
    .selectFrom('training_session as t')
    .innerJoin('app_user as u', 'u.id', 't.created_by')
    .select((eb) => [
      't.id',
      't.title',
      't.held_on',
      't.organizer',
      't.hours',
      't.content',
      'u.real_name as created_by_name',
      eb
        .selectFrom('training_attendance as a')
        .whereRef('a.session_id', '=', 't.id')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('attendee_count'),
    ]);

export const findSession = (db: Db, id: string) => sessions(db).where('t.id', '=', id).executeTakeFirst();
export type SessionRow = NonNullable<Awaited<ReturnType<typeof findSession>>>;

export async function listSessions(db: Db, f: { q?: string; year?: number }, limit: number, offset: number) {
  let q = db.selectFrom('training_session as t');
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) => eb.or([eb('t.title', 'ilike', like), eb('t.organizer', 'ilike', like)]));
  }
  if (f.year) q = q.where('t.held_on', '>=', `${f.year}-01-01`).where('t.held_on', '<=', `${f.year}-12-31`);
  const ids = q.select('t.id');
  const [rows, total] = await Promise.all([
    sessions(db)
      .where('t.id', 'in', ids)
      .orderBy('t.held_on', 'desc')
      .orderBy('t.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function attendeesOf(db: Db, sessionId: string) {
  return db
    .selectFrom('training_attendance as a')
    .innerJoin('specialist as s', 's.id', 'a.specialist_id')
    .innerJoin('department as d', 'd.id', 's.department_id')
    .select(['a.specialist_id', 'a.passed', 's.name', 's.department_id', 'd.name as department_name'])
    .where('a.session_id', '=', sessionId)
    .orderBy('d.name')
    .orderBy('s.name')
    .execute();
}

/** The attendance of a session replaced by this list (who attended is corrected, not appended). */
export async function replaceAttendance(
  db: Db,
  sessionId: string,
  rows: Array<{ specialistId: string; passed: boolean | null }>,
): Promise<void> {
  await db.deleteFrom('training_attendance').where('session_id', '=', sessionId).execute();
  if (!rows.length) return;
  await db
    .insertInto('training_attendance')
    .values(rows.map((r) => ({ session_id: sessionId, specialist_id: r.specialistId, passed: r.passed })))
    .execute();
}

/** Which of these specialists were in office on the day. */
export async function specialistsInOffice(db: Db, ids: string[], day: string): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('specialist')
    .select('id')
    .where('id', 'in', ids)
    .where('active_from', '<=', day)
    .where((eb) => eb.or([eb('active_to', 'is', null), eb('active_to', '>=', day)]))
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Each specialist's attendance in all and within a year, with the hours of that year. */
const records = (db: Db, year: number) => {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const inYear = sql<boolean>`t.held_on between ${from} and ${to}`;
  return db
    .selectFrom('specialist as s')
    .innerJoin('department as d', 'd.id', 's.department_id')
    .leftJoin('training_attendance as a', 'a.specialist_id', 's.id')
    .leftJoin('training_session as t', 't.id', 'a.session_id')
    .select([
      's.id',
      's.name',
      's.department_id',
      'd.name as department_name',
      's.active_from',
      's.active_to',
      sql<string>`count(t.id)`.as('sessions'),
      sql<string>`count(t.id) filter (where ${inYear})`.as('sessions_year'),
      sql<string>`coalesce(sum(t.hours) filter (where ${inYear}), 0)`.as('hours_year'),
      sql<string | null>`max(t.held_on)::text`.as('last_held_on'),
    ])
    .groupBy(['s.id', 'd.name']);
};

export async function listRecords(
  db: Db,
  scope: Scope,
  f: { departmentId?: string; year: number },
  limit: number,
  offset: number,
) {
  let q = records(db, f.year).where(scopeFilter(scope, 's.department_id'));
  if (f.departmentId) q = q.where('s.department_id', '=', f.departmentId);
  let count = db.selectFrom('specialist as s').where(scopeFilter(scope, 's.department_id'));
  if (f.departmentId) count = count.where('s.department_id', '=', f.departmentId);
  const [rows, total] = await Promise.all([
    q.orderBy('d.name').orderBy('s.active_from', 'desc').orderBy('s.id').limit(limit).offset(offset).execute(),
    count.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export const findRecord = (db: Db, scope: Scope, specialistId: string, year: number) =>
  records(db, year).where('s.id', '=', specialistId).where(scopeFilter(scope, 's.department_id')).executeTakeFirst();
export type RecordRow = NonNullable<Awaited<ReturnType<typeof findRecord>>>;

export function attendedSessions(db: Db, specialistId: string) {
  return db
    .selectFrom('training_attendance as a')
    .innerJoin('training_session as t', 't.id', 'a.session_id')
    .select(['t.id', 't.title', 't.held_on', 't.organizer', 't.hours', 'a.passed'])
    .where('a.specialist_id', '=', specialistId)
    .orderBy('t.held_on', 'desc')
    .orderBy('t.id')
    .execute();
}

/**
 * Active departments with no specialist in office on the day (Art 28), with the day the last one
 * left, if any. Departments that came into being after the day are not counted.
 */
export function departmentsWithoutSpecialist(db: Db, day: string, createdBefore: Date) {
  return db
    .selectFrom('department as d')
    .select((eb) => [
      'd.id',
      'd.name',
      eb
        .selectFrom('specialist as s')
        .whereRef('s.department_id', '=', 'd.id')
        .where('s.active_to', '<', day)
        .select(sql<string | null>`max(s.active_to)::text`.as('m'))
        .as('last_active_to'),
    ])
    .where('d.status', '=', 'active')
    .where('d.created_at', '<', createdBefore)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('specialist as s')
            .select('s.id')
            .whereRef('s.department_id', '=', 'd.id')
            .where('s.active_from', '<=', day)
            .where((e) => e.or([e('s.active_to', 'is', null), e('s.active_to', '>=', day)])),
        ),
      ),
    )
    .orderBy('d.name')
    .execute();
}
