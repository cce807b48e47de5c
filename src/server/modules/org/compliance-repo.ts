import { sql } from 'kysely';
import type { Db } from '../../app-context';

/** Art 28: active departments, and how many have a 数据专员 active on `day`. */
export async function specialistCoverage(db: Db, day: string) {
  const r = await db
    .selectFrom('department as d')
    .where('d.status', '=', 'active')
    .select([
      sql<string>`count(*)`.as('departments'),
      sql<string>`count(*) filter (where exists (
        select 1 from specialist s where s.department_id = d.id and s.active_from <= ${day}::date
          and (s.active_to is null or s.active_to >= ${day}::date)))`.as('covered'),
    ])
    .executeTakeFirstOrThrow();
  return { departments: Number(r.departments), covered: Number(r.covered) };
}

/** Art 28: training sessions held in [from, to] (dates) and how many specialists attended them. */
export async function trainingHeld(db: Db, from: string, to: string) {
  const r = await db
    .selectFrom('training_session as t')
    .where('t.held_on', '>=', from)
    .where('t.held_on', '<=', to)
    .select([
      sql<string>`count(*)`.as('sessions'),
      sql<string>`(select count(distinct a.specialist_id) from training_attendance a
        join training_session s on s.id = a.session_id where s.held_on between ${from}::date and ${to}::date)`.as(
        'trained',
      ),
    ])
    .executeTakeFirstOrThrow();
  return { sessions: Number(r.sessions), trained: Number(r.trained) };
}

/** Art 31: public-service enterprises taking part as departments do. */
export async function publicEnterprises(db: Db) {
  const r = await db
    .selectFrom('department')
    .where('kind', '=', 'public_enterprise')
    .where('status', '=', 'active')
    .select(sql<string>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
