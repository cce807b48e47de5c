import { sql } from 'kysely';
import type { Db } from '../../app-context';

/**
 * An entry's code and the name readers know it by: its published version's, or before publication
 * its newest version's.
 */
function entryNames(db: Db) {
  return db.selectFrom('catalog_entry as e').select((eb) => [
    'e.code',
    'e.provider_department_id',
    eb
      .selectFrom('catalog_entry_version as v')
      .select('v.name')
      .whereRef('v.entry_id', '=', 'e.id')
      .orderBy(sql`v.id = e.current_version_id is true`, 'desc')
      .orderBy('v.version_no', 'desc')
      .limit(1)
      .as('name'),
  ]);
}

export function entryNameById(db: Db, id: string) {
  return entryNames(db).where('e.id', '=', id).executeTakeFirst();
}

export function entryNameByCode(db: Db, code: string) {
  return entryNames(db).where('e.code', '=', code).executeTakeFirst();
}

export function versionName(db: Db, id: string) {
  return db
    .selectFrom('catalog_entry_version as v')
    .innerJoin('catalog_entry as e', 'e.id', 'v.entry_id')
    .select(['v.name', 'v.version_no', 'e.code', 'e.provider_department_id'])
    .where('v.id', '=', id)
    .executeTakeFirst();
}
