import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** Change notices and the scheduled versions behind them. */

export async function insertNotice(db: Db, row: NewRow<'catalog_change_notice'>): Promise<string> {
  return (await db.insertInto('catalog_change_notice').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function setNoticeRecipients(db: Db, id: string, recipients: number): Promise<void> {
  await db.updateTable('catalog_change_notice').set({ recipients }).where('id', '=', id).execute();
}

export type NoticeRow = NonNullable<Awaited<ReturnType<typeof pendingNotice>>>;

/** The announced change of an entry that has not taken effect yet. */
export function pendingNotice(db: Db, entryId: string) {
  return db
    .selectFrom('catalog_change_notice')
    .selectAll()
    .where('entry_id', '=', entryId)
    .where('status', '=', 'pending')
    .orderBy('notified_at', 'desc')
    .executeTakeFirst();
}

export async function markNoticesEffective(db: Db, versionId: string): Promise<void> {
  await db
    .updateTable('catalog_change_notice')
    .set({ status: 'effective' })
    .where('version_id', '=', versionId)
    .where('status', '=', 'pending')
    .execute();
}

/** Scheduled versions whose effective date has come, oldest first. */
export async function dueVersionIds(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('catalog_entry_version')
    .select('id')
    .where('status', '=', 'scheduled')
    .where('effective_at', '<=', now)
    .orderBy('effective_at')
    .execute();
  return rows.map((r) => r.id);
}

/** Every announced change not in effect yet, with its entry's name (few: each waits a month at most). */
export function pendingNotices(db: Db) {
  return db
    .selectFrom('catalog_change_notice as n')
    .innerJoin('catalog_entry_version as v', 'v.id', 'n.version_id')
    .innerJoin('catalog_entry as e', 'e.id', 'n.entry_id')
    .innerJoin('department as d', 'd.id', 'e.provider_department_id')
    .select(['n.entry_id', 'n.effective_at', 'v.name', 'e.code', 'd.name as provider_name'])
    .where('n.status', '=', 'pending')
    .orderBy('n.effective_at')
    .execute();
}
