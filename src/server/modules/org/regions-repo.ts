import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';

const LEVEL_RANK = sql<number>`array_position(array['province','city','county','zone']::text[], level)`;

export function listRegions(db: Db) {
  return db.selectFrom('region').selectAll().orderBy(LEVEL_RANK).orderBy('sort').orderBy('code').execute();
}

export function findRegion(db: Db, code: string) {
  return db.selectFrom('region').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function hasChildRegions(db: Db, code: string): Promise<boolean> {
  return !!(await db.selectFrom('region').select('code').where('parent_code', '=', code).limit(1).executeTakeFirst());
}

export async function insertRegion(db: Db, row: NewRow<'region'>) {
  return db.insertInto('region').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateRegion(db: Db, code: string, patch: RowUpdate<'region'>) {
  return db.updateTable('region').set(patch).where('code', '=', code).returningAll().executeTakeFirstOrThrow();
}
