import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** Non-null count per column of a managed table, in one pass. */
export async function filledCounts(
  db: Db,
  table: string,
  columns: string[],
): Promise<{ rows: number; filled: number[] }> {
  const counts = columns.map((c, i) => sql`count(${sql.id(c)}) as ${sql.id(`f${i}`)}`);
  const r = await sql<
    Record<string, string>
  >`select count(*) as n${columns.length ? sql`, ${sql.join(counts)}` : sql``} from rc.${sql.id(table)}`.execute(db);
  const row = r.rows[0]!;
  return { rows: Number(row.n), filled: columns.map((_, i) => Number(row[`f${i}`])) };
}

/** Up to `limit` non-null values of a column, spread over the table (a block sample when it is big). */
export async function sampleValues(
  db: Db,
  table: string,
  column: string,
  limit: number,
  percent: number,
): Promise<string[]> {
  const from =
    percent < 100
      ? sql`rc.${sql.id(table)} tablesample system (${sql.lit(percent)}) repeatable (11)`
      : sql`rc.${sql.id(table)}`;
  const r = await sql<{
    v: string;
  }>`select ${sql.id(column)}::text as v from ${from} where ${sql.id(column)} is not null limit ${limit}`.execute(db);
  return r.rows.map((x) => x.v);
}

/** Share of the entry's last runs that finished (availability). */
export async function recentRunOutcomes(
  db: Db,
  entryId: string,
  last: number,
): Promise<{ done: number; total: number }> {
  const r = await sql<{ done: string; total: string }>`
    select count(*) filter (where status = 'done') as done, count(*) as total
    from (select status from exchange_run where entry_id = ${entryId} and status <> 'running' order by id desc limit ${last}) x`.execute(
    db,
  );
  return { done: Number(r.rows[0]!.done), total: Number(r.rows[0]!.total) };
}

export async function insertSnapshot(db: Db, row: NewRow<'exchange_quality'>): Promise<void> {
  await db.insertInto('exchange_quality').values(row).execute();
}

export function snapshots(db: Db, entryId: string, limit: number) {
  return db
    .selectFrom('exchange_quality')
    .selectAll()
    .where('entry_id', '=', entryId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Each entry's latest snapshot's time and row count (entries never measured are missing). */
export async function latestSnapshots(db: Db, entryIds: string[]) {
  if (!entryIds.length) return [];
  return db
    .selectFrom('exchange_quality as q')
    .select(['q.entry_id', 'q.at', 'q.row_count'])
    .where('q.entry_id', 'in', entryIds)
    .where((eb) =>
      eb(
        'q.id',
        '=',
        eb
          .selectFrom('exchange_quality as l')
          .select((e) => e.fn.max('l.id').as('id'))
          .whereRef('l.entry_id', '=', 'q.entry_id'),
      ),
    )
    .execute();
}

export async function lastLoad(db: Db, entryId: string): Promise<Date | null> {
  const r = await db
    .selectFrom('exchange_run')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('entry_id', '=', entryId)
    .where('status', '=', 'done')
    .executeTakeFirst();
  return r?.at ? new Date(r.at) : null;
}

/** Per entry with a managed table: its latest measured row count and last successful load. */
export function dataStatus(db: Db, entryIds: string[]) {
  if (!entryIds.length) return Promise.resolve([]);
  return db
    .selectFrom('exchange_managed_table as m')
    .select(['m.entry_id'])
    .select((eb) => [
      eb
        .selectFrom('exchange_quality as q')
        .select('q.row_count')
        .whereRef('q.entry_id', '=', 'm.entry_id')
        .orderBy('q.id', 'desc')
        .limit(1)
        .as('rows'),
      eb
        .selectFrom('exchange_run as r')
        .select((e) => e.fn.max('r.finished_at').as('at'))
        .whereRef('r.entry_id', '=', 'm.entry_id')
        .where('r.status', '=', 'done')
        .as('last_load'),
    ])
    .where('m.entry_id', 'in', entryIds)
    .execute();
}
