import { sql } from 'kysely';
import type { Db } from '../../app-context';
import { inTransactionOf } from '../../db/tx';

export function overridesBetween(db: Db, from: string, to: string) {
  return db
    .selectFrom('calendar_day')
    .select(['day', 'is_off_day', 'name', 'source'])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .execute();
}

export async function importedYears(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('calendar_day')
    .select(sql<number>`distinct extract(year from day)::int`.as('year'))
    .where('source', '=', 'import')
    .execute();
  return rows.map((r) => r.year);
}

/** Replaces a year's imported days in one transaction; manual overrides of that year stay. */
export async function replaceImportedYear(
  db: Db,
  year: number,
  days: Array<{ date: string; isOffDay: boolean; name: string | null }>,
  userId: string | null,
) {
  await inTransactionOf(db, async (trx) => {
    await trx
      .deleteFrom('calendar_day')
      .where('source', '=', 'import')
      .where('day', '>=', `${year}-01-01`)
      .where('day', '<=', `${year}-12-31`)
      .execute();
    const manual = new Set(
      (
        await trx
          .selectFrom('calendar_day')
          .select('day')
          .where('day', '>=', `${year}-01-01`)
          .where('day', '<=', `${year}-12-31`)
          .execute()
      ).map((r) => r.day),
    );
    const rows = days
      .filter((d) => !manual.has(d.date))
      .map((d) => ({
        day: d.date,
        is_off_day: d.isOffDay,
        name: d.name,
        source: 'import' as const,
        updated_by: userId,
      }));
    if (rows.length) await trx.insertInto('calendar_day').values(rows).execute();
  });
}

export async function upsertManualDay(db: Db, date: string, isOffDay: boolean, name: string | null, userId: string) {
  const values = { is_off_day: isOffDay, name, source: 'manual' as const, updated_by: userId, updated_at: new Date() };
  await db
    .insertInto('calendar_day')
    .values({ day: date, ...values })
    .onConflict((oc) => oc.column('day').doUpdateSet(values))
    .execute();
}

export async function deleteDay(db: Db, date: string): Promise<boolean> {
  const r = await db.deleteFrom('calendar_day').where('day', '=', date).executeTakeFirst();
  return r.numDeletedRows > 0n;
}
