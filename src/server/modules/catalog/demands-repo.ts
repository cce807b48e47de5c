import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../../app-context';
import type { DB, NewRow, Row } from '../../db/types';
import { scopeFilter, type Scope } from '../../platform/rbac/scope';

/** platform_admin sees every demand and responsibility item; a department its own. */
export type DemandStatus = Row<'catalog_demand'>['status'];
export type ResponsibilityStatus = Row<'responsibility_item'>['status'];
export type ResponsibilityKind = Row<'responsibility_item'>['kind'];

// ---- demands (共享需求) ----

function demandBase(db: Db) {
  return (
    db
      .selectFrom('catalog_demand as d')
      .innerJoin('department as rd', 'rd.id', 'd.requester_department_id')
      .innerJoin('app_user as ru', 'ru.id', 'd.requester_id')
      .leftJoin('department as wd', 'wd.id', 'd.wanted_provider_department_id')
      .leftJoin('catalog_entry as we', 'we.id', 'd.wanted_entry_id')
      .leftJoin('catalog_entry_version as wv', 'wv.id', 'we.current_version_id')
      // A demand is assigned to at most one item (it is marked 'assigned' when linked).
      .leftJoin('responsibility_item_demand as rid', 'rid.demand_id', 'd.id')
      .leftJoin('responsibility_item as ri', 'ri.id', 'rid.item_id')
      .leftJoin('department as rpd', 'rpd.id', 'ri.provider_department_id')
  );
}

const DEMAND_COLUMNS = [
  'd.id',
  'd.requester_department_id',
  'rd.name as requester_department_name',
  'd.requester_id',
  'ru.real_name as requester_name',
  'd.title',
  'd.description',
  'd.reason',
  'd.wanted_provider_department_id',
  'wd.name as wanted_provider_department_name',
  'd.wanted_entry_id',
  'wv.name as wanted_entry_name',
  'd.status',
  'd.admin_note',
  'd.created_at',
  'd.updated_at',
  'ri.id as item_id',
  'rpd.name as item_provider_department_name',
  'ri.due_at as item_due_at',
  'ri.status as item_status',
] as const;

export type DemandRow = NonNullable<Awaited<ReturnType<typeof findDemand>>>;

export async function listDemands(db: Db, scope: Scope, f: { status?: DemandStatus }, limit: number, offset: number) {
  let q = demandBase(db).where(scopeFilter(scope, 'd.requester_department_id'));
  if (f.status) q = q.where('d.status', '=', f.status);
  const [rows, total] = await Promise.all([
    q.select(DEMAND_COLUMNS).orderBy('d.created_at', 'desc').orderBy('d.id').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function findDemand(db: Db, id: string) {
  return demandBase(db).select(DEMAND_COLUMNS).where('d.id', '=', id).executeTakeFirst();
}

export async function insertDemand(db: Db, row: NewRow<'catalog_demand'>): Promise<string> {
  return (await db.insertInto('catalog_demand').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** Demands among `ids` and their status, locked so two aggregations cannot take the same demand. */
export function lockDemands(db: Db, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom('catalog_demand')
    .select(['id', 'status', 'requester_id', 'title'])
    .where('id', 'in', ids)
    .forUpdate()
    .execute();
}

export async function setDemandStatus(
  db: Db,
  ids: string[],
  from: DemandStatus[],
  to: DemandStatus,
  at: Date,
  adminNote?: string,
): Promise<number> {
  if (!ids.length) return 0;
  const r = await db
    .updateTable('catalog_demand')
    .set({ status: to, updated_at: at, ...(adminNote !== undefined ? { admin_note: adminNote } : {}) })
    .where('id', 'in', ids)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---- responsibility items (责任清单) ----

function itemBase(db: Db) {
  return db
    .selectFrom('responsibility_item as i')
    .innerJoin('department as pd', 'pd.id', 'i.provider_department_id')
    .innerJoin('app_user as cu', 'cu.id', 'i.created_by')
    .leftJoin('catalog_entry as e', 'e.id', 'i.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id');
}

/** The published name, or for an entry not yet published the name in its latest draft. */
const entryName = (eb: ExpressionBuilder<DB & { e: DB['catalog_entry']; v: DB['catalog_entry_version'] }, 'e' | 'v'>) =>
  eb.fn
    .coalesce(
      'v.name',
      eb
        .selectFrom('catalog_entry_version as lv')
        .select('lv.name')
        .whereRef('lv.entry_id', '=', 'e.id')
        .orderBy('lv.version_no', 'desc')
        .limit(1),
    )
    .as('entry_name');

const ITEM_COLUMNS = [
  'i.id',
  'i.provider_department_id',
  'pd.name as provider_department_name',
  'i.kind',
  'i.description',
  'i.due_at',
  'i.entry_id',
  'e.code as entry_code',
  'i.status',
  'i.created_by',
  'cu.real_name as created_by_name',
  'i.created_at',
  'i.fulfilled_at',
] as const;

export type ItemRow = NonNullable<Awaited<ReturnType<typeof findItem>>>;

export interface ItemFilter {
  providerDepartmentId?: string;
  status?: ResponsibilityStatus;
  overdue?: boolean;
}

export async function listItems(db: Db, scope: Scope, f: ItemFilter, now: Date, limit: number, offset: number) {
  let q = itemBase(db).where(scopeFilter(scope, 'i.provider_department_id'));
  if (f.providerDepartmentId) q = q.where('i.provider_department_id', '=', f.providerDepartmentId);
  if (f.status) q = q.where('i.status', '=', f.status);
  if (f.overdue !== undefined) {
    q = q.where((eb) => {
      const overdue = eb.and([eb('i.status', '=', 'open'), eb('i.due_at', '<', now)]);
      return f.overdue ? overdue : eb.not(overdue);
    });
  }
  const [rows, total] = await Promise.all([
    q.select(ITEM_COLUMNS).select(entryName).orderBy('i.due_at').orderBy('i.id').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function findItem(db: Db, id: string) {
  return itemBase(db).select(ITEM_COLUMNS).select(entryName).where('i.id', '=', id).executeTakeFirst();
}

/** The demands behind items, with who filed them (for display and for telling them). */
export function demandsOfItems(db: Db, itemIds: string[]) {
  if (!itemIds.length) return Promise.resolve([]);
  return db
    .selectFrom('responsibility_item_demand as rid')
    .innerJoin('catalog_demand as d', 'd.id', 'rid.demand_id')
    .innerJoin('department as rd', 'rd.id', 'd.requester_department_id')
    .select([
      'rid.item_id',
      'd.id',
      'd.title',
      'd.status',
      'd.requester_id',
      'd.requester_department_id',
      'rd.name as requester_department_name',
    ])
    .where('rid.item_id', 'in', itemIds)
    .orderBy('d.created_at')
    .execute();
}

export async function insertItem(db: Db, row: NewRow<'responsibility_item'>, demandIds: string[]): Promise<string> {
  const id = (await db.insertInto('responsibility_item').values(row).returning('id').executeTakeFirstOrThrow()).id;
  if (demandIds.length)
    await db
      .insertInto('responsibility_item_demand')
      .values(demandIds.map((demand_id) => ({ item_id: id, demand_id })))
      .execute();
  return id;
}

export async function linkEntry(db: Db, itemId: string, entryId: string): Promise<boolean> {
  const r = await db
    .updateTable('responsibility_item')
    .set({ entry_id: entryId })
    .where('id', '=', itemId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An entry as fulfilment sees it: its provider and what its published version shares and opens. */
export function findEntryState(db: Db, entryId: string) {
  return db
    .selectFrom('catalog_entry as e')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select(['e.id', 'e.status', 'e.provider_department_id', 'v.share_type', 'v.open_type'])
    .select(entryName)
    .where('e.id', '=', entryId)
    .executeTakeFirst();
}

/**
 * Marks the entry's open items fulfilled, among `kinds`, and returns them. Rows are locked by the
 * update, so a publication and a link arriving together fulfil an item once.
 */
export async function fulfilItems(db: Db, entryId: string, kinds: ResponsibilityKind[], at: Date, onlyItemId?: string) {
  if (!kinds.length) return [];
  let q = db
    .updateTable('responsibility_item')
    .set({ status: 'fulfilled', fulfilled_at: at })
    .where('entry_id', '=', entryId)
    .where('status', '=', 'open')
    .where('kind', 'in', kinds);
  if (onlyItemId) q = q.where('id', '=', onlyItemId);
  return q.returning(['id', 'provider_department_id', 'created_by', 'description']).execute();
}

export async function fulfilDemandsOfItems(db: Db, itemIds: string[], at: Date): Promise<void> {
  if (!itemIds.length) return;
  await db
    .updateTable('catalog_demand')
    .set({ status: 'fulfilled', updated_at: at })
    .where('status', '=', 'assigned')
    .where('id', 'in', (eb) =>
      eb.selectFrom('responsibility_item_demand').select('demand_id').where('item_id', 'in', itemIds),
    )
    .execute();
}

export function departmentExists(db: Db, id: string) {
  return db.selectFrom('department').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}
