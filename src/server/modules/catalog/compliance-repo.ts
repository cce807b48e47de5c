import { sql } from 'kysely';
import type { Db } from '../../app-context';

/** Art 7: published entries, the departments that publish, every active department, the responsibility list's state. */
export async function catalogCoverage(db: Db, now: Date) {
  const [entries, departments, items] = await Promise.all([
    db
      .selectFrom('catalog_entry')
      .where('status', '=', 'published')
      .select([sql<string>`count(*)`.as('n'), sql<string>`count(distinct provider_department_id)`.as('providers')])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('department')
      .where('status', '=', 'active')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('responsibility_item')
      .select([
        sql<string>`count(*) filter (where status = 'open')`.as('open'),
        sql<string>`count(*) filter (where status = 'open' and due_at < ${now})`.as('overdue'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    entries: Number(entries.n),
    providers: Number(entries.providers),
    departments: Number(departments.n),
    openItems: Number(items.open),
    overdueItems: Number(items.overdue),
  };
}

/** Art 9: change notices sent since `from`, and how many gave users at least a month (effective ≥ notified + 1 month). */
export async function noticeLeadTimes(db: Db, from: Date) {
  const r = await db
    .selectFrom('catalog_change_notice')
    .where('notified_at', '>=', from)
    .where('status', '!=', 'cancelled')
    .select([
      sql<string>`count(*)`.as('n'),
      sql<string>`count(*) filter (where effective_at >= notified_at + interval '1 month')`.as('month_ahead'),
    ])
    .executeTakeFirstOrThrow();
  return { notices: Number(r.n), monthAhead: Number(r.month_ahead) };
}

/** Art 9 ¶2: objections that fell due in [from, to), and how many were answered by their due time. */
export async function objectionsOnTime(db: Db, from: Date, to: Date) {
  const r = await db
    .selectFrom('catalog_objection')
    .where('due_at', '>=', from)
    .where('due_at', '<', to)
    .select([
      sql<string>`count(*)`.as('due'),
      sql<string>`count(*) filter (where answered_at is not null and answered_at <= due_at)`.as('on_time'),
    ])
    .executeTakeFirstOrThrow();
  return { due: Number(r.due), onTime: Number(r.on_time) };
}

/** Art 11: current versions that restrict sharing, and how many of them state no basis. */
export async function restrictedWithoutBasis(db: Db) {
  const r = await db
    .selectFrom('catalog_entry as e')
    .innerJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .where('e.status', '=', 'published')
    .where('v.share_type', '!=', 'unconditional')
    .select([
      sql<string>`count(*)`.as('n'),
      sql<string>`count(*) filter (where coalesce(btrim(v.share_condition), '') = '')`.as('no_basis'),
    ])
    .executeTakeFirstOrThrow();
  return { restricted: Number(r.n), withoutBasis: Number(r.no_basis) };
}
