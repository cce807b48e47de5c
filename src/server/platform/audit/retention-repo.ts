import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';
import type { SealedAuditRow } from './repo';

/** The audit log's monthly partitions (migration 0034), by name `audit_event_yYYYYmMM`, oldest first. */
export async function monthlyPartitions(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
    where p.relname = 'audit_event' and c.relname ~ '^audit_event_y[0-9]{4}m[0-9]{2}$'
    order by c.relname`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Makes the partition of the month `day` is in (Beijing calendar); null when the default partition holds rows of it. */
export async function ensurePartition(db: Db, day: string): Promise<string | null> {
  const r = await sql<{ name: string | null }>`select audit_event_ensure_partition(${day}::date) as name`.execute(db);
  return r.rows[0]?.name ?? null;
}

/** A partition's rows in seq order, a batch at a time (after `afterSeq`); unsealed rows too, so the caller sees them. */
export async function partitionRows(db: Db, partition: string, afterSeq: string, limit: number) {
  const r = await sql<SealedAuditRow>`
    select * from ${sql.table(partition)}
    where seq is null or seq > ${afterSeq}::bigint
    order by seq nulls first, id limit ${limit}`.execute(db);
  return r.rows;
}

/** Takes the month out of the log and removes it, in the caller's transaction (with its checkpoint). */
export async function dropPartition(db: Db, partition: string): Promise<void> {
  await sql`alter table audit_event detach partition ${sql.table(partition)}`.execute(db);
  await sql`drop table ${sql.table(partition)}`.execute(db);
}

export async function insertCheckpoint(db: Db, row: NewRow<'audit_checkpoint'>): Promise<void> {
  await db
    .insertInto('audit_checkpoint')
    .values({ ...row, runs: JSON.stringify(row.runs) as never })
    .execute();
}

export function checkpoints(db: Db) {
  return db.selectFrom('audit_checkpoint').selectAll().orderBy('id').execute();
}

/** When the oldest event still held happened (null: an empty log). */
export async function oldestEventAt(db: Db): Promise<Date | null> {
  const r = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.min('at').as('at'))
    .executeTakeFirst();
  return r?.at ? new Date(r.at as unknown as string) : null;
}
