import { sql } from 'kysely';
import type { Db } from '../../app-context';

/** Art 20: datasets open on the portal, and how many of them lack a passed review at both stages for the version shown. */
export async function openWithoutReview(db: Db) {
  const r = await db
    .selectFrom('open_dataset as d')
    .where('d.status', '=', 'open')
    .select([
      sql<string>`count(*)`.as('open'),
      sql<string>`count(*) filter (where not (
        exists (select 1 from open_review r where r.version_id = d.version_id and r.stage = 'provider' and r.conclusion = 'pass')
        and exists (select 1 from open_review r where r.version_id = d.version_id and r.stage = 'platform' and r.conclusion = 'pass')))`.as(
        'unreviewed',
      ),
    ])
    .executeTakeFirstOrThrow();
  return { open: Number(r.open), unreviewed: Number(r.unreviewed) };
}

/** Art 22: 有条件开放 applications that fell due in [from, to), and how many were answered by then. */
export async function applicationsOnTime(db: Db, from: Date, to: Date) {
  const r = await db
    .selectFrom('open_application')
    .where('due_at', '>=', from)
    .where('due_at', '<', to)
    .where('status', '!=', 'withdrawn')
    .select([
      sql<string>`count(*)`.as('due'),
      sql<string>`count(*) filter (where decided_at is not null and decided_at <= due_at)`.as('on_time'),
    ])
    .executeTakeFirstOrThrow();
  return { due: Number(r.due), onTime: Number(r.on_time) };
}
