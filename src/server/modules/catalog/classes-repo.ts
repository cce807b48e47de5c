import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';

const COLUMNS = [
  'c.code',
  'c.name',
  'c.level',
  'c.parent_code',
  'c.department_id',
  'd.name as department_name',
  'c.sort',
  'c.status',
] as const;

const base = (db: Db) => db.selectFrom('catalog_class as c').leftJoin('department as d', 'd.id', 'c.department_id');

export type ClassRow = NonNullable<Awaited<ReturnType<typeof findClass>>>;

export function listClasses(db: Db, status?: 'active' | 'inactive') {
  let q = base(db).select(COLUMNS);
  if (status) q = q.where('c.status', '=', status);
  return q.orderBy('c.code').execute();
}

export function findClass(db: Db, code: string) {
  return base(db).select(COLUMNS).where('c.code', '=', code).executeTakeFirst();
}

export async function insertClass(db: Db, row: NewRow<'catalog_class'>): Promise<void> {
  await db.insertInto('catalog_class').values(row).execute();
}

export async function updateClass(db: Db, code: string, patch: RowUpdate<'catalog_class'>): Promise<void> {
  await db.updateTable('catalog_class').set(patch).where('code', '=', code).execute();
}

/** The 项 codes already taken under a class (e.g. '3' → ['301', '302']). */
export async function itemCodesUnder(db: Db, classCode: string): Promise<string[]> {
  const rows = await db.selectFrom('catalog_class').select('code').where('parent_code', '=', classCode).execute();
  return rows.map((r) => r.code);
}

export function departmentItem(db: Db, departmentId: string) {
  return base(db)
    .select(COLUMNS)
    .where('c.parent_code', '=', '3')
    .where('c.department_id', '=', departmentId)
    .executeTakeFirst();
}

export function listOpenDomains(db: Db) {
  return db.selectFrom('open_domain').select(['code', 'name_zh', 'name_en']).orderBy('sort').orderBy('code').execute();
}
