import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow, RowUpdate } from '../../db/types';

/** Bindings (where an entry's rows come from) and runs (pulls with their checkpoints). */

export function findBinding(db: Db, id: string) {
  return db.selectFrom('exchange_binding').selectAll().where('id', '=', id).executeTakeFirst();
}

export function bindingOfEntry(db: Db, entryId: string) {
  return db.selectFrom('exchange_binding').selectAll().where('entry_id', '=', entryId).executeTakeFirst();
}

export type BindingRow = NonNullable<Awaited<ReturnType<typeof findBinding>>>;

export async function saveBinding(db: Db, row: NewRow<'exchange_binding'>): Promise<string> {
  const r = await db
    .insertInto('exchange_binding')
    .values(row)
    .onConflict((oc) =>
      oc.column('entry_id').doUpdateSet({
        source_id: row.source_id,
        source_schema: row.source_schema,
        source_table: row.source_table,
        key_columns: row.key_columns,
        watermark_column: row.watermark_column,
        column_map: row.column_map,
        scheduled: row.scheduled,
        last_checkpoint: null,
        updated_at: row.updated_at,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateBinding(db: Db, id: string, patch: RowUpdate<'exchange_binding'>): Promise<void> {
  await db.updateTable('exchange_binding').set(patch).where('id', '=', id).execute();
}

/**
 * A session-level advisory lock per binding: held by the connection running the pull, released by
 * the server when that connection ends — also when its process is killed, so a resume never waits.
 */
export async function tryLockBinding(db: Db, bindingId: string): Promise<boolean> {
  const r = await sql<{
    ok: boolean;
  }>`select pg_try_advisory_lock(hashtext(${`govshare.exchange.${bindingId}`})) as ok`.execute(db);
  return r.rows[0]!.ok;
}

export async function unlockBinding(db: Db, bindingId: string): Promise<void> {
  await sql`select pg_advisory_unlock(hashtext(${`govshare.exchange.${bindingId}`}))`.execute(db);
}

export function runningRun(db: Db, bindingId: string) {
  return db
    .selectFrom('exchange_run')
    .selectAll()
    .where('binding_id', '=', bindingId)
    .where('status', '=', 'running')
    .executeTakeFirst();
}

export type RunRow = NonNullable<Awaited<ReturnType<typeof runningRun>>>;

export async function insertRun(db: Db, row: NewRow<'exchange_run'>) {
  return db.insertInto('exchange_run').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateRun(db: Db, id: string, patch: RowUpdate<'exchange_run'>): Promise<void> {
  await db.updateTable('exchange_run').set(patch).where('id', '=', id).execute();
}

/** Adds one committed batch's counts and moves the checkpoint (in the batch's transaction). */
export async function advanceRun(
  db: Db,
  id: string,
  read: number,
  written: number,
  checkpoint: unknown,
  at: Date,
): Promise<void> {
  await db
    .updateTable('exchange_run')
    .set((eb) => ({
      rows_read: sql`${eb.ref('rows_read')} + ${read}`,
      rows_written: sql`${eb.ref('rows_written')} + ${written}`,
      checkpoint: JSON.stringify(checkpoint),
      heartbeat_at: at,
    }))
    .where('id', '=', id)
    .execute();
}

export function runsOfEntry(db: Db, entryId: string, limit: number) {
  return db
    .selectFrom('exchange_run')
    .selectAll()
    .where('entry_id', '=', entryId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Scheduled bindings with when their last pull finished and whether one is under way. */
export function scheduledBindings(db: Db) {
  return db
    .selectFrom('exchange_binding as b')
    .leftJoin('exchange_run as r', 'r.binding_id', 'b.id')
    .select(['b.id', 'b.entry_id'])
    .select((eb) => [
      eb.fn.max('r.finished_at').filterWhere('r.status', '=', 'done').as('last_done'),
      eb.fn.count('r.id').filterWhere('r.status', '=', 'running').as('running'),
    ])
    .where('b.scheduled', '=', true)
    .groupBy(['b.id', 'b.entry_id'])
    .execute();
}
