import type { Db } from '../../app-context';
import type { GwOperation, NewRow, RowUpdate } from '../../db/types';

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

export async function insertRevision(
  db: Db,
  r: {
    entryId: string;
    revision: number;
    baseUrl: string;
    operations: GwOperation[];
    removed: string[];
    at: Date;
    by: string;
  },
): Promise<void> {
  await db
    .insertInto('gw_upstream_revision')
    .values({
      entry_id: r.entryId,
      revision: r.revision,
      base_url: r.baseUrl,
      operations: JSON.stringify(r.operations),
      removed: r.removed,
      saved_at: r.at,
      saved_by: r.by,
    })
    .execute();
}

export function revisionsOf(db: Db, entryId: string) {
  return db
    .selectFrom('gw_upstream_revision as r')
    .leftJoin('app_user as u', 'u.id', 'r.saved_by')
    .select(['r.revision', 'r.base_url', 'r.operations', 'r.removed', 'r.saved_at', 'u.real_name as saved_by_name'])
    .where('r.entry_id', '=', entryId)
    .orderBy('r.revision', 'desc')
    .execute();
}
