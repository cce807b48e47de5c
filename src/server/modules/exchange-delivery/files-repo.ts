import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

function fileQuery(db: Db) {
  return db
    .selectFrom('exchange_file as f')
    .innerJoin('app_user as u', 'u.id', 'f.uploaded_by')
    .leftJoin('app_user as w', 'w.id', 'f.withdrawn_by')
    .selectAll('f')
    .select(['u.real_name as uploader_name', 'w.real_name as withdrawer_name']);
}

export type FileRow = NonNullable<Awaited<ReturnType<typeof findFile>>>;

export function findFile(db: Db, id: string) {
  return fileQuery(db).where('f.id', '=', id).executeTakeFirst();
}

/** Newest version first. */
export function filesOf(db: Db, entryId: string) {
  return fileQuery(db).where('f.entry_id', '=', entryId).orderBy('f.version_no', 'desc').execute();
}

/**
 * Inserts the next version of the entry's file. The number comes from the rows already there; two
 * uploads racing for it collide on unique (entry_id, version_no) and the caller tries again.
 */
export async function insertNextVersion(db: Db, row: Omit<NewRow<'exchange_file'>, 'version_no'>): Promise<string> {
  const r = await db
    .insertInto('exchange_file')
    .values({
      ...row,
      version_no: (eb) =>
        eb
          .selectFrom('exchange_file')
          .select(sql<number>`coalesce(max(version_no), 0) + 1`.as('n'))
          .where('entry_id', '=', row.entry_id),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function markWithdrawn(db: Db, id: string, at: Date, by: string, reason: string): Promise<boolean> {
  const r = await db
    .updateTable('exchange_file')
    .set({ withdrawn_at: at, withdrawn_by: by, withdraw_reason: reason })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Rows naming the blob: a blob is removed only when none does (identical uploads share one). */
export async function countByStorageKey(db: Db, key: string): Promise<number> {
  const r = await db
    .selectFrom('exchange_file')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('storage_key', '=', key)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Of these entries, those with a resource file not withdrawn (文件 data mounted, Art 12). */
export async function entriesWithFiles(db: Db, entryIds: string[]): Promise<string[]> {
  if (!entryIds.length) return [];
  const rows = await db
    .selectFrom('exchange_file')
    .select('entry_id')
    .distinct()
    .where('entry_id', 'in', entryIds)
    .where('withdrawn_at', 'is', null)
    .execute();
  return rows.map((r) => r.entry_id);
}
