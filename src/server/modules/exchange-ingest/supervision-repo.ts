import { sql } from 'kysely';
import type { Db } from '../../app-context';

/**
 * The exchange's facts for supervision (Chapter 6): bound entries with their update cycle, loads and
 * quality snapshots, in the window [from, until) (`until` is the period's end, or now for a period
 * still running). Entries are named by their current catalog version.
 */

/** Published entries with a binding: when first bound, and the update cycle their catalog promises. */
export function boundEntries(db: Db) {
  return db
    .selectFrom('exchange_binding as b')
    .innerJoin('catalog_entry as e', 'e.id', 'b.entry_id')
    .innerJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select(['e.id as entry_id', 'e.code', 'e.provider_department_id', 'v.name', 'v.update_cycle'])
    .select((eb) => eb.fn.min('b.created_at').as('bound_at'))
    .where('e.status', '=', 'published')
    .groupBy(['e.id', 'e.code', 'e.provider_department_id', 'v.name', 'v.update_cycle'])
    .orderBy('e.code')
    .execute();
}

/** Finished loads per entry in the window: how many succeeded and how many failed. */
export function runCounts(db: Db, from: Date, until: Date) {
  return db
    .selectFrom('exchange_run as r')
    .innerJoin('catalog_entry as e', 'e.id', 'r.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select(['e.id as entry_id', 'e.code', 'e.provider_department_id', 'v.name'])
    .select([
      sql<string>`count(*) filter (where r.status = 'done')`.as('done'),
      sql<string>`count(*) filter (where r.status = 'failed')`.as('failed'),
    ])
    .where('r.status', 'in', ['done', 'failed'])
    .where('r.finished_at', '>=', from)
    .where('r.finished_at', '<', until)
    .groupBy(['e.id', 'e.code', 'e.provider_department_id', 'v.name'])
    .orderBy('e.code')
    .execute();
}

/** The failed loads of the window, newest first. */
export function failedRuns(db: Db, from: Date, until: Date) {
  return db
    .selectFrom('exchange_run as r')
    .innerJoin('catalog_entry as e', 'e.id', 'r.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select(['r.id', 'r.entry_id', 'r.finished_at', 'r.error', 'e.code', 'e.provider_department_id', 'v.name'])
    .where('r.status', '=', 'failed')
    .where('r.finished_at', '>=', from)
    .where('r.finished_at', '<', until)
    .orderBy('r.finished_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
}

/** Each entry's latest quality snapshot taken in the window. */
export function latestQuality(db: Db, from: Date, until: Date) {
  return db
    .selectFrom('exchange_quality as q')
    .innerJoin('catalog_entry as e', 'e.id', 'q.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select([
      'q.id',
      'q.entry_id',
      'q.at',
      'q.completeness',
      'q.accuracy',
      'q.availability',
      'e.code',
      'e.provider_department_id',
      'v.name',
    ])
    .where((eb) =>
      eb(
        'q.id',
        '=',
        eb
          .selectFrom('exchange_quality as l')
          .select((c) => c.fn.max('l.id').as('id'))
          .whereRef('l.entry_id', '=', 'q.entry_id')
          .where('l.at', '>=', from)
          .where('l.at', '<', until),
      ),
    )
    .orderBy('e.code')
    .execute();
}

/** Of these entries, those bound to a source table (库表 data mounted, Art 12). */
export async function entriesWithBinding(db: Db, entryIds: string[]): Promise<string[]> {
  if (!entryIds.length) return [];
  const rows = await db.selectFrom('exchange_binding').select('entry_id').where('entry_id', 'in', entryIds).execute();
  return rows.map((r) => r.entry_id);
}
