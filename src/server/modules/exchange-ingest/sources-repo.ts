import type { Expression, SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';

/** Whose sources a caller sees: scopeOf(actor, 'exchange.source.read'). */
export type SourceViewer = Scope;

export function visibleSources(v: SourceViewer): Expression<SqlBool> {
  return scopeFilter(v, 's.department_id');
}

function sourceQuery(db: Db, viewer: SourceViewer) {
  return db
    .selectFrom('exchange_source as s')
    .innerJoin('department as d', 'd.id', 's.department_id')
    .selectAll('s')
    .select('d.name as department_name')
    .where(visibleSources(viewer));
}

export type SourceRow = NonNullable<Awaited<ReturnType<typeof findSource>>>;

export function findSource(db: Db, id: string, viewer: SourceViewer) {
  return sourceQuery(db, viewer).where('s.id', '=', id).executeTakeFirst();
}

export function listSources(db: Db, viewer: SourceViewer, departmentId?: string) {
  return sourceQuery(db, viewer)
    .$if(departmentId !== undefined, (q) => q.where('s.department_id', '=', departmentId!))
    .orderBy('d.name')
    .orderBy('s.name')
    .execute();
}

export async function insertSource(db: Db, row: NewRow<'exchange_source'>): Promise<void> {
  await db.insertInto('exchange_source').values(row).execute();
}

export async function updateSource(db: Db, id: string, patch: RowUpdate<'exchange_source'>): Promise<void> {
  await db.updateTable('exchange_source').set(patch).where('id', '=', id).execute();
}

export async function recordTest(db: Db, id: string, at: Date, ok: boolean, message: string): Promise<void> {
  await db
    .updateTable('exchange_source')
    .set({ last_test_at: at, last_test_ok: ok, last_test_message: message })
    .where('id', '=', id)
    .execute();
}

/**
 * Deletes the source unless something still refers to it. Later tables (jobs, mappings) reference
 * it by foreign key, so the database itself answers "in use" and no list of referrers goes stale.
 */
export async function deleteSource(db: Db, id: string): Promise<'deleted' | 'in_use'> {
  try {
    await db.deleteFrom('exchange_source').where('id', '=', id).execute();
    return 'deleted';
  } catch (e) {
    if ((e as { code?: string }).code === '23503') return 'in_use';
    throw e;
  }
}

export async function departmentExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('department').select('id').where('id', '=', id).executeTakeFirst());
}
