import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { ManagedColumn, NewRow } from '../../db/types';

/**
 * SQL of the managed tables in schema rc. Table and column names are made by center-service from
 * entry codes and field names (checked against /^[a-z][a-z0-9_]*$/) and are quoted here as well.
 */

export const KEY_COLUMN = '_gs_key';
export const RUN_COLUMN = '_gs_run';
export const LOADED_COLUMN = '_gs_loaded_at';

const table = (name: string) => sql`rc.${sql.id(name)}`;

export function findManaged(db: Db, entryId: string) {
  return db.selectFrom('exchange_managed_table').selectAll().where('entry_id', '=', entryId).executeTakeFirst();
}

export async function createTable(db: Db, name: string, columns: ManagedColumn[]): Promise<void> {
  const defs = columns.map((c) => sql`${sql.id(c.column)} ${sql.raw(c.pgType)}`);
  await sql`create table ${table(name)} (
    ${sql.id(KEY_COLUMN)} text primary key,
    ${sql.join(defs)}${defs.length ? sql`,` : sql``}
    ${sql.id(RUN_COLUMN)} bigint not null,
    ${sql.id(LOADED_COLUMN)} timestamptz not null
  )`.execute(db);
}

export async function addColumn(db: Db, name: string, c: ManagedColumn): Promise<void> {
  await sql`alter table ${table(name)} add column ${sql.id(c.column)} ${sql.raw(c.pgType)}`.execute(db);
}

export async function dropColumn(db: Db, name: string, column: string): Promise<void> {
  await sql`alter table ${table(name)} drop column ${sql.id(column)}`.execute(db);
}

/**
 * A retyped column keeps its values when they convert, and starts empty (refilled by the next pull)
 * when they do not. Runs inside the caller's transaction (the savepoint needs one).
 */
export async function retypeColumn(db: Db, name: string, c: ManagedColumn): Promise<void> {
  try {
    await sql`savepoint retype`.execute(db);
    await sql`alter table ${table(name)} alter column ${sql.id(c.column)} type ${sql.raw(c.pgType)} using ${sql.id(c.column)}::${sql.raw(c.pgType)}`.execute(
      db,
    );
    await sql`release savepoint retype`.execute(db);
  } catch {
    await sql`rollback to savepoint retype`.execute(db);
    await dropColumn(db, name, c.column);
    await addColumn(db, name, c);
  }
}

export async function saveManaged(db: Db, row: NewRow<'exchange_managed_table'>): Promise<void> {
  await db
    .insertInto('exchange_managed_table')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('entry_id')
        .doUpdateSet({ version_id: row.version_id, columns: row.columns, updated_at: row.updated_at }),
    )
    .execute();
}

/**
 * Upserts one batch: a row already there (a resumed batch, or a changed source row) is overwritten,
 * so running a batch twice leaves one copy. Values travel as one text array per column and are cast
 * to the column types by PostgreSQL: one short statement per batch, whatever its size.
 */
export async function upsertRows(
  db: Db,
  name: string,
  columns: ReadonlyArray<{ column: string; pgType: string }>,
  rows: unknown[][],
  runId: string,
  at: Date,
): Promise<number> {
  if (!rows.length) return 0;
  const arrays = [0, ...columns.map((_, i) => i + 1)].map((i) => rows.map((r) => textOf(r[i])));
  const unnested = sql.join(arrays.map((a) => sql`${a}::text[]`));
  const aliases = arrays.map((_, i) => sql.id(`c${i}`));
  const casts = columns.map((c, i) => sql`${sql.id(`c${i + 1}`)}::${sql.raw(c.pgType)}`);
  const updates = [...columns.map((c) => c.column), RUN_COLUMN, LOADED_COLUMN].map(
    (c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`,
  );
  const r =
    await sql`insert into ${table(name)} (${sql.join([KEY_COLUMN, ...columns.map((c) => c.column), RUN_COLUMN, LOADED_COLUMN].map((c) => sql.id(c)))})
    select ${sql.join([sql.id('c0'), ...casts, sql`${runId}::bigint`, sql`${at}::timestamptz`])}
    from unnest(${unnested}) as u(${sql.join(aliases)})
    on conflict (${sql.id(KEY_COLUMN)}) do update set ${sql.join(updates)}`.execute(db);
  return Number(r.numAffectedRows ?? rows.length);
}

/** The text PostgreSQL parses back into the column type (bytea as \x hex). */
export function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** After a complete load that replaces the table (an upload in replace mode): rows it did not write go. */
export async function deleteNotInRun(db: Db, name: string, runId: string): Promise<number> {
  const r = await sql`delete from ${table(name)} where ${sql.id(RUN_COLUMN)} <> ${runId}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** A full pull loads a stage beside the managed table and puts it in place at the end. */
export const stageOf = (name: string) => `${name}__load`;

/**
 * The stage of a full pull: the managed table's columns without its key (built once at the end,
 * faster than kept up row by row). On resume an existing stage is kept when its columns still
 * match the managed table's (returns true); otherwise it is made anew (false).
 */
export async function openStage(db: Db, name: string, resume: boolean): Promise<boolean> {
  const stage = stageOf(name);
  if (resume) {
    const r = await sql<{ same: boolean }>`
      select (select string_agg(attname || ':' || format_type(atttypid, atttypmod), ',' order by attnum) from pg_attribute
              where attrelid = to_regclass(${`rc.${stage}`}) and attnum > 0 and not attisdropped)
           = (select string_agg(attname || ':' || format_type(atttypid, atttypmod), ',' order by attnum) from pg_attribute
              where attrelid = to_regclass(${`rc.${name}`}) and attnum > 0 and not attisdropped) as same`.execute(db);
    if (r.rows[0]?.same) return true;
  }
  await sql`drop table if exists ${table(stage)}`.execute(db);
  await sql`create table ${table(stage)} (like ${table(name)} including defaults)`.execute(db);
  return false;
}

/**
 * Keys the stage and swaps it in for the managed table in one transaction (the caller's); returns
 * how many rows the old table had that the new one has not. Readers see the old rows or the new.
 */
export async function swapStage(db: Db, name: string): Promise<number> {
  const stage = stageOf(name);
  await sql`alter table ${table(stage)} add constraint ${sql.id(`${stage}_pkey`)} primary key (${sql.id(KEY_COLUMN)})`.execute(
    db,
  );
  const gone = await sql<{
    n: string;
  }>`select count(*) as n from ${table(name)} o where not exists (select 1 from ${table(stage)} s where s.${sql.id(KEY_COLUMN)} = o.${sql.id(KEY_COLUMN)})`.execute(
    db,
  );
  await sql`drop table ${table(name)}`.execute(db);
  await sql`alter table ${table(stage)} rename to ${sql.id(name)}`.execute(db);
  await sql`alter index rc.${sql.id(`${stage}_pkey`)} rename to ${sql.id(`${name}_pkey`)}`.execute(db);
  return Number(gone.rows[0]!.n);
}

export async function countRows(db: Db, name: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from ${table(name)}`.execute(db);
  return Number(r.rows[0]!.n);
}

/**
 * One page of the managed table in row-key order for a push: rows after `afterKey`, and for an
 * incremental push only those loaded after run `sinceRun`.
 */
export async function readForPush(
  db: Db,
  name: string,
  columns: readonly string[],
  afterKey: string | null,
  sinceRun: string | null,
  limit: number,
): Promise<Array<Record<string, unknown>>> {
  const conds = [
    ...(afterKey !== null ? [sql`${sql.id(KEY_COLUMN)} > ${afterKey}`] : []),
    ...(sinceRun !== null ? [sql`${sql.id(RUN_COLUMN)} > ${sinceRun}::bigint`] : []),
  ];
  const r = await sql<Record<string, unknown>>`
    select ${sql.join([KEY_COLUMN, ...columns].map((c) => sql.id(c)))} from ${table(name)}
    ${conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``}
    order by ${sql.id(KEY_COLUMN)} limit ${limit}`.execute(db);
  return r.rows;
}

/**
 * A load id for writes that are not pulls (uploads): from the pulls' own sequence, so every load
 * of the center, whatever wrote it, is ordered and incremental pushes see it.
 */
export async function nextLoadId(db: Db): Promise<string> {
  const r = await sql<{ id: string }>`select nextval('exchange_run_id_seq')::text as id`.execute(db);
  return r.rows[0]!.id;
}
