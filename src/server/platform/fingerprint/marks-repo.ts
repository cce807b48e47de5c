import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** download_mark: what each marked download was, by its mark. */

export async function insertMark(db: Db, row: NewRow<'download_mark'>): Promise<void> {
  await db.insertInto('download_mark').values(row).execute();
}

export async function finishMark(db: Db, mark: string, rows: number, complete: boolean): Promise<void> {
  await db.updateTable('download_mark').set({ row_count: rows, complete }).where('mark', '=', mark).execute();
}

/** Marks that differ from `known` in at most `mismatches` of the bits in `mask` (all bigint text, signed). */
export const marksNear = (db: Db, known: string, mask: string, mismatches: number) =>
  db
    .selectFrom('download_mark')
    .selectAll()
    .where(sql<boolean>`bit_count(((mark # ${known}::bigint) & ${mask}::bigint)::bit(64)) <= ${mismatches}`)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();

export const marksIn = (db: Db, marks: string[]) =>
  marks.length ? db.selectFrom('download_mark').selectAll().where('mark', 'in', marks).execute() : Promise.resolve([]);
