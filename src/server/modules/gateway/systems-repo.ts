import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';

/** Consuming systems (gw_system) and their bearer tokens (gw_token). */

function systemQuery(db: Db, viewer: Scope) {
  return db
    .selectFrom('gw_system as s')
    .innerJoin('department as d', 'd.id', 's.department_id')
    .selectAll('s')
    .select('d.name as department_name')
    .where(scopeFilter(viewer, 's.department_id'));
}

export type SystemRow = NonNullable<Awaited<ReturnType<typeof findSystem>>>;

export function findSystem(db: Db, id: string, viewer: Scope) {
  return systemQuery(db, viewer).where('s.id', '=', id).executeTakeFirst();
}

export function listSystems(db: Db, viewer: Scope, departmentId?: string) {
  return systemQuery(db, viewer)
    .$if(departmentId !== undefined, (q) => q.where('s.department_id', '=', departmentId!))
    .orderBy('s.created_at', 'desc')
    .execute();
}

/** The system presenting an app key, whoever it belongs to (the gateway's lookup). */
export function systemByKey(db: Db, appKey: string) {
  return db
    .selectFrom('gw_system as s')
    .innerJoin('department as d', 'd.id', 's.department_id')
    .selectAll('s')
    .select('d.name as department_name')
    .where('s.app_key', '=', appKey)
    .executeTakeFirst();
}

export async function insertSystem(db: Db, row: NewRow<'gw_system'>): Promise<string> {
  const { id } = await db.insertInto('gw_system').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateSystem(db: Db, id: string, patch: RowUpdate<'gw_system'>): Promise<void> {
  await db.updateTable('gw_system').set(patch).where('id', '=', id).execute();
}

export async function insertToken(db: Db, row: NewRow<'gw_token'>): Promise<void> {
  await db.insertInto('gw_token').values(row).execute();
}

export function tokenSystem(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('gw_token as t')
    .innerJoin('gw_system as s', 's.id', 't.system_id')
    .select(['s.app_key', 't.expires_at'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteTokensOf(db: Db, systemId: string): Promise<void> {
  await db.deleteFrom('gw_token').where('system_id', '=', systemId).execute();
}

export async function deleteExpiredTokens(db: Db, now: Date): Promise<number> {
  const r = await db.deleteFrom('gw_token').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
