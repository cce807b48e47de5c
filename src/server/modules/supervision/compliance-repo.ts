import { sql } from 'kysely';
import type { Db } from '../../app-context';

/** Art 29: the newest assessment snapshot. */
export function latestSnapshot(db: Db) {
  return db
    .selectFrom('supervision_snapshot')
    .select(['period_key', 'computed_at', 'final'])
    .orderBy('computed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Art 30: violations still open, notices past their deadline unanswered, circulars published since `from`. */
export async function enforcement(db: Db, now: Date, from: Date) {
  const [violations, notices, circulars] = await Promise.all([
    db
      .selectFrom('supervision_violation')
      .where('status', '=', 'open')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('rectification_notice')
      .select([
        sql<string>`count(*) filter (where status in ('issued', 'answered', 'rejected'))`.as('pending'),
        sql<string>`count(*) filter (where status in ('issued', 'rejected') and due_at < ${now})`.as('overdue'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('circular')
      .where('published_at', '>=', from)
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    openViolations: Number(violations.n),
    pendingNotices: Number(notices.pending),
    overdueNotices: Number(notices.overdue),
    circulars: Number(circulars.n),
  };
}
