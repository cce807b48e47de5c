import { sql } from 'kysely';
import type { Db } from '../../app-context';

/**
 * The open portal's own facts: which entry is on it (the catalog's portal version is current and its
 * dataset row says open — both written in the review's transaction) and how much it is used.
 */
function onPortal(db: Db) {
  return db
    .selectFrom('open_dataset as od')
    .innerJoin('catalog_entry as e', 'e.id', 'od.entry_id')
    .where('od.status', '=', 'open')
    .whereRef('od.version_id', '=', 'e.portal_version_id')
    .whereRef('e.portal_version_id', '=', 'e.current_version_id')
    .where('e.status', '=', 'published');
}

export function openDataset(db: Db, entryId: string) {
  return onPortal(db)
    .where('od.entry_id', '=', entryId)
    .select(['od.entry_id', 'od.opened_at', 'od.view_count', 'od.download_count', 'od.api_call_count'])
    .executeTakeFirst();
}

export type Counter = 'view_count' | 'download_count' | 'api_call_count';

export async function bump(db: Db, entryId: string, counter: Counter): Promise<void> {
  await db
    .updateTable('open_dataset')
    .set({ [counter]: sql`${sql.ref(counter)} + 1` })
    .where('entry_id', '=', entryId)
    .execute();
}

/** The most used datasets on the portal: downloads count double a page view. */
/** Datasets on the portal with what a card shows of them. */
function cards(db: Db) {
  return onPortal(db)
    .innerJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .innerJoin('department as d', 'd.id', 'e.provider_department_id')
    .select([
      'e.code',
      'v.name',
      'v.summary',
      'd.name as provider_name',
      'v.open_type',
      'v.update_cycle',
      'v.published_at',
      'od.view_count',
      'od.download_count',
    ]);
}
export type CardRow = Awaited<ReturnType<ReturnType<typeof cards>['execute']>>[number];

export function popular(db: Db, limit: number) {
  return cards(db)
    .orderBy(sql`od.download_count * 2 + od.view_count`, 'desc')
    .orderBy('e.code')
    .limit(limit)
    .execute();
}

/** A user's favourites still on the portal, newest first (a withdrawn one comes back when it is reopened). */
export async function favourites(db: Db, userId: string, limit: number, offset: number) {
  const q = cards(db).innerJoin('open_favourite as f', 'f.entry_id', 'e.id').where('f.user_id', '=', userId);
  const [rows, count] = await Promise.all([
    q.select('f.created_at as favoured_at').orderBy('f.created_at', 'desc').limit(limit).offset(offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function setFavourite(db: Db, userId: string, entryId: string, on: boolean): Promise<void> {
  if (on) {
    await db
      .insertInto('open_favourite')
      .values({ user_id: userId, entry_id: entryId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  } else {
    await db.deleteFrom('open_favourite').where('user_id', '=', userId).where('entry_id', '=', entryId).execute();
  }
}

export async function isFavourite(db: Db, userId: string, entryId: string): Promise<boolean> {
  const r = await db
    .selectFrom('open_favourite')
    .select('entry_id')
    .where('user_id', '=', userId)
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  return !!r;
}

/** Usage of these entries (for cards the catalog search found), and downloads city-wide. */
export function usageOf(db: Db, entryIds: string[]) {
  if (!entryIds.length) return Promise.resolve([]);
  return db
    .selectFrom('open_dataset')
    .select(['entry_id', 'view_count', 'download_count'])
    .where('entry_id', 'in', entryIds)
    .execute();
}

export async function totalDownloads(db: Db): Promise<number> {
  const r = await onPortal(db)
    .select(sql<string>`coalesce(sum(od.download_count), 0)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Every dataset on the portal by code, for the sitemap, a page at a time in code order. */
export function portalCodes(db: Db, limit: number, offset: number) {
  return onPortal(db).select(['e.code', 'od.updated_at']).orderBy('e.code').limit(limit).offset(offset).execute();
}

export async function portalCount(db: Db): Promise<number> {
  const r = await onPortal(db)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
