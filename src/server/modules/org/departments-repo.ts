import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { DepartmentKind, NewRow, RowUpdate } from '../../db/types';
import { escapeLike } from '../../db/like';

export interface DepartmentFilter {
  q?: string;
  regionCode?: string;
  kind?: DepartmentKind;
  status?: 'active' | 'inactive';
}

function base(db: Db) {
  return db
    .selectFrom('department as d')
    .innerJoin('region as r', 'r.code', 'd.region_code')
    .leftJoin('department as p', 'p.id', 'd.parent_id');
}

const COLUMNS = [
  'd.id',
  'd.credit_code',
  'd.name',
  'd.short_name',
  'd.kind',
  'd.region_code',
  'r.name as region_name',
  'd.parent_id',
  'p.name as parent_name',
  'd.status',
  'd.created_at',
  'd.updated_at',
] as const;

export type DepartmentRow = NonNullable<Awaited<ReturnType<typeof findDepartment>>>;

export async function listDepartments(db: Db, f: DepartmentFilter, limit: number, offset: number) {
  let q = base(db);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q = q.where((eb) =>
      eb.or([eb('d.name', 'ilike', like), eb('d.short_name', 'ilike', like), eb('d.credit_code', 'ilike', like)]),
    );
  }
  if (f.regionCode) q = q.where('d.region_code', '=', f.regionCode);
  if (f.kind) q = q.where('d.kind', '=', f.kind);
  if (f.status) q = q.where('d.status', '=', f.status);
  const [rows, total] = await Promise.all([
    q
      .select(COLUMNS)
      .orderBy('r.sort')
      .orderBy('d.region_code')
      .orderBy('d.name')
      .orderBy('d.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function findDepartment(db: Db, id: string) {
  return base(db).select(COLUMNS).where('d.id', '=', id).executeTakeFirst();
}

export function findByName(db: Db, name: string) {
  return db.selectFrom('department').select(['id', 'name']).where('name', '=', name).executeTakeFirst();
}

export function findByCreditCode(db: Db, creditCode: string) {
  return db.selectFrom('department').select(['id', 'name']).where('credit_code', '=', creditCode).executeTakeFirst();
}

export async function countDepartments(db: Db): Promise<number> {
  const r = await db
    .selectFrom('department')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The department and every department above it, walking parent_id upwards. */
export async function selfAndAncestorIds(db: Db, id: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from department where id = ${id}
      union all
      select d.id, d.parent_id, up.depth + 1 from department d join up on d.id = up.parent_id where up.depth < 100
    )
    select id from up`.execute(db);
  return r.rows.map((x) => x.id);
}

export async function insertDepartment(db: Db, row: NewRow<'department'>): Promise<string> {
  return (await db.insertInto('department').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateDepartment(db: Db, id: string, patch: RowUpdate<'department'>): Promise<void> {
  await db.updateTable('department').set(patch).where('id', '=', id).execute();
}
