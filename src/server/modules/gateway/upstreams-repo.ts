import type { Db } from '../../app-context';
import type { GwRevisionStatus, NewRow, RowUpdate } from '../../db/types';

/** Registered upstreams (gw_upstream) and their saved revisions. */

export type UpstreamRow = NonNullable<Awaited<ReturnType<typeof findUpstream>>>;

export function findUpstream(db: Db, entryId: string) {
  return db.selectFrom('gw_upstream').selectAll().where('entry_id', '=', entryId).executeTakeFirst();
}

/** For a change: the row locked until the caller's transaction ends, so two saves number revisions in turn. */
export function lockUpstream(db: Db, entryId: string) {
  return db.selectFrom('gw_upstream').selectAll().where('entry_id', '=', entryId).forUpdate().executeTakeFirst();
}

export async function insertUpstream(db: Db, row: NewRow<'gw_upstream'>): Promise<void> {
  await db.insertInto('gw_upstream').values(row).execute();
}

export async function updateUpstream(db: Db, entryId: string, patch: RowUpdate<'gw_upstream'>): Promise<void> {
  await db.updateTable('gw_upstream').set(patch).where('entry_id', '=', entryId).execute();
}

export async function insertRevision(db: Db, row: NewRow<'gw_upstream_revision'>): Promise<void> {
  await db.insertInto('gw_upstream_revision').values(row).execute();
}

/** The next revision's number: after every one saved, rejected and withdrawn ones included. */
export async function nextRevision(db: Db, entryId: string): Promise<number> {
  const r = await db
    .selectFrom('gw_upstream_revision')
    .select((eb) => eb.fn.max('revision').as('n'))
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  return (r?.n ?? 0) + 1;
}

export function revisionsOf(db: Db, entryId: string) {
  return db
    .selectFrom('gw_upstream_revision as r')
    .leftJoin('app_user as u', 'u.id', 'r.saved_by')
    .leftJoin('app_user as rv', 'rv.id', 'r.reviewed_by')
    .select([
      'r.revision',
      'r.base_url',
      'r.operations',
      'r.removed',
      'r.saved_at',
      'r.status',
      'r.entry_version_no',
      'r.reviewed_at',
      'r.review_note',
      'u.real_name as saved_by_name',
      'rv.real_name as reviewed_by_name',
    ])
    .where('r.entry_id', '=', entryId)
    .orderBy('r.revision', 'desc')
    .execute();
}

const pendingColumns = [
  'r.entry_id',
  'r.revision',
  'r.operations',
  'r.removed',
  'r.proposed',
  'r.saved_at',
  'u.real_name as saved_by_name',
] as const;

/** The change of an entry waiting for platform review, if any. */
export function pendingRevision(db: Db, entryId: string) {
  return db
    .selectFrom('gw_upstream_revision as r')
    .leftJoin('app_user as u', 'u.id', 'r.saved_by')
    .select(pendingColumns)
    .where('r.entry_id', '=', entryId)
    .where('r.status', '=', 'pending')
    .executeTakeFirst();
}

/** Every change waiting for platform review, oldest first. */
export function pendingRevisions(db: Db, limit: number, offset: number) {
  return db
    .selectFrom('gw_upstream_revision as r')
    .leftJoin('app_user as u', 'u.id', 'r.saved_by')
    .select(pendingColumns)
    .where('r.status', '=', 'pending')
    .orderBy('r.saved_at')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countPending(db: Db): Promise<number> {
  const r = await db
    .selectFrom('gw_upstream_revision')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Settles a pending revision: applied (with what it took away then), rejected or withdrawn. */
export async function settleRevision(
  db: Db,
  entryId: string,
  revision: number,
  patch: { status: Exclude<GwRevisionStatus, 'pending'> } & RowUpdate<'gw_upstream_revision'>,
): Promise<void> {
  await db
    .updateTable('gw_upstream_revision')
    .set({ ...patch, proposed: null })
    .where('entry_id', '=', entryId)
    .where('revision', '=', revision)
    .where('status', '=', 'pending')
    .execute();
}
