import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';

/** Push configurations (a grant's delivery into the consumer's database) and their runs. */

const pushes = (db: Db) =>
  db
    .selectFrom('exchange_push as p')
    .innerJoin('share_grant as g', 'g.id', 'p.grant_id')
    .innerJoin('exchange_source as s', 's.id', 'p.target_id')
    .selectAll('p')
    .select([
      'g.no as grant_no',
      'g.status as grant_status',
      'g.provider_department_id',
      'g.entry_code',
      's.name as target_name',
      's.kind as target_kind',
    ]);

export const findPush = (db: Db, id: string) => pushes(db).where('p.id', '=', id).executeTakeFirst();
export const pushOfGrant = (db: Db, grantId: string) => pushes(db).where('p.grant_id', '=', grantId).executeTakeFirst();
export const pushOfGrantNo = (db: Db, no: string) => pushes(db).where('g.no', '=', no).executeTakeFirst();
export type PushRow = NonNullable<Awaited<ReturnType<typeof findPush>>>;

export async function savePush(db: Db, row: NewRow<'exchange_push'>): Promise<void> {
  await db
    .insertInto('exchange_push')
    .values(row)
    .onConflict((oc) =>
      oc.column('grant_id').doUpdateSet({
        target_id: row.target_id,
        target_table: row.target_table,
        scheduled: row.scheduled,
        // A new target starts with a full push.
        pushed_center_run: null,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function deletePush(db: Db, id: string): Promise<void> {
  await db.deleteFrom('exchange_push').where('id', '=', id).execute();
}

export async function updatePush(db: Db, id: string, patch: RowUpdate<'exchange_push'>): Promise<void> {
  await db.updateTable('exchange_push').set(patch).where('id', '=', id).execute();
}

/** Pushes of an entry whose grant is in force and which follow the center's loads. */
export function scheduledPushesOfEntry(db: Db, entryId: string) {
  return db
    .selectFrom('exchange_push as p')
    .innerJoin('share_grant as g', 'g.id', 'p.grant_id')
    .select('p.id')
    .where('p.entry_id', '=', entryId)
    .where('p.scheduled', '=', true)
    .where('g.status', '=', 'active')
    .execute();
}

/** Held by the connection running the push for the whole run; the server drops it when that connection ends. */
export async function tryLockPush(db: Db, pushId: string): Promise<boolean> {
  const r = await sql<{
    ok: boolean;
  }>`select pg_try_advisory_lock(hashtext(${`govshare.push.${pushId}`})) as ok`.execute(db);
  return r.rows[0]!.ok;
}

export async function unlockPush(db: Db, pushId: string): Promise<void> {
  await sql`select pg_advisory_unlock(hashtext(${`govshare.push.${pushId}`}))`.execute(db);
}

export const runningPushRun = (db: Db, pushId: string) =>
  db
    .selectFrom('exchange_push_run')
    .selectAll()
    .where('push_id', '=', pushId)
    .where('status', '=', 'running')
    .executeTakeFirst();
export type PushRunRow = NonNullable<Awaited<ReturnType<typeof runningPushRun>>>;

export function insertPushRun(db: Db, row: NewRow<'exchange_push_run'>) {
  return db.insertInto('exchange_push_run').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updatePushRun(db: Db, id: string, patch: RowUpdate<'exchange_push_run'>): Promise<void> {
  await db.updateTable('exchange_push_run').set(patch).where('id', '=', id).execute();
}

/** Adds one delivered batch and moves the checkpoint. */
export async function advancePushRun(db: Db, id: string, rows: number, checkpoint: unknown, at: Date): Promise<void> {
  await db
    .updateTable('exchange_push_run')
    .set((eb) => ({
      rows_written: sql`${eb.ref('rows_written')} + ${rows}`,
      checkpoint: JSON.stringify(checkpoint),
      heartbeat_at: at,
    }))
    .where('id', '=', id)
    .execute();
}

export const pushRuns = (db: Db, pushId: string, limit: number) =>
  db
    .selectFrom('exchange_push_run')
    .selectAll()
    .where('push_id', '=', pushId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();

/**
 * The center load (exchange_run id, or an upload's id from the same sequence) whose rows a push
 * starting now is sure to see in full: just before the entry's oldest unfinished pull, if one is
 * running (its rows may still come), else the last id handed out.
 */
export async function centerWatermark(db: Db, entryId: string): Promise<string> {
  const r = await sql<{ w: string }>`
    select coalesce(
      (select min(id) - 1 from exchange_run where entry_id = ${entryId} and status = 'running'),
      (select case when is_called then last_value else 0 end from exchange_run_id_seq)
    )::text as w`.execute(db);
  return r.rows[0]!.w;
}

/** Whether a full pull since that load removed rows (an incremental push cannot see removals). */
export async function rowsRemovedSince(db: Db, entryId: string, since: string): Promise<boolean> {
  const r = await db
    .selectFrom('exchange_run')
    .select('id')
    .where('entry_id', '=', entryId)
    .where('id', '>', since)
    .where('status', '=', 'done')
    .where('rows_deleted', '>', '0' as never)
    .executeTakeFirst();
  return !!r;
}
