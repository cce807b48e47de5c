import { sql } from 'kysely';
import type { Db } from '../../app-context';

/** Art 12: 库表 entries bound to a department's source database, and how many load on a schedule. */
export async function bindings(db: Db) {
  const r = await db
    .selectFrom('exchange_binding')
    .select([sql<string>`count(*)`.as('n'), sql<string>`count(*) filter (where scheduled)`.as('scheduled')])
    .executeTakeFirstOrThrow();
  return { bound: Number(r.n), scheduled: Number(r.scheduled) };
}

/** Art 27: loads finished since `from`, and how many succeeded. */
export async function loadsSince(db: Db, from: Date) {
  const r = await db
    .selectFrom('exchange_run')
    .where('finished_at', '>=', from)
    .select([sql<string>`count(*)`.as('n'), sql<string>`count(*) filter (where status = 'done')`.as('done')])
    .executeTakeFirstOrThrow();
  return { finished: Number(r.n), done: Number(r.done) };
}
