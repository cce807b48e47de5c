import { quoteId, tableRef } from './backup-repo';
import { NOT_DUMPED, SCHEMAS, type SequenceEntry, type TableInfo } from './manifest';
import type { Session } from './session-repo';

/** SQL of a restore, all run inside its one transaction. */

export const begin = (s: Session) => s.query('begin');

export async function tableCount(s: Session): Promise<number> {
  const [r] = await s.query<{ n: number }>(
    `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1::text[]) and c.relkind in ('r', 'p')`,
    [SCHEMAS],
  );
  return r!.n;
}

/**
 * Whether a migrated database holds anything of its own: an account or an audit event. A database the
 * server or `govshare migrate` only prepared has neither (migrations fill reference tables only).
 */
export async function holdsData(s: Session): Promise<boolean> {
  const [r] = await s.query<{ users: string | null; events: string | null }>(
    `select to_regclass('public.app_user')::text as users, to_regclass('public.audit_event')::text as events`,
  );
  for (const t of [r!.users, r!.events]) {
    if (!t) continue;
    const rows = await s.query(`select 1 from ${t} limit 1`);
    if (rows.length) return true;
  }
  return (
    (
      await s.query(`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'rc' and c.relkind in ('r', 'p') limit 1`)
    ).length > 0
  );
}

/** Empties the database: both schemas go with everything in them (the migrations build them again). */
export async function dropSchemas(s: Session): Promise<void> {
  await s.query('drop schema if exists rc cascade');
  await s.query('drop schema if exists public cascade');
  await s.query('create schema public');
}

export async function existingTables(s: Session): Promise<Set<string>> {
  const rows = await s.query<{ t: string }>(
    `select n.nspname || '.' || c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1::text[]) and c.relkind in ('r', 'p')`,
    [SCHEMAS],
  );
  return new Set(rows.map((r) => r.t));
}

export const createSchema = (s: Session, schema: string) => s.query(`create schema if not exists ${quoteId(schema)}`);

/** A table the migrations do not make (the center's managed tables, partitions), as the backup described it. */
export async function createTable(s: Session, t: TableInfo): Promise<void> {
  if (t.partitionOf) {
    const [schema, name] = t.partitionOf.split('.') as [string, string];
    await s.query(`create table ${tableRef(t)} partition of ${tableRef({ schema, name })} ${t.bound ?? 'default'}`);
    return;
  }
  const cols = t.columns.map((c) => `${quoteId(c.name)} ${c.type}${c.notNull ? ' not null' : ''}`);
  if (t.primaryKey)
    cols.push(`constraint ${quoteId(t.primaryKey.name)} primary key (${t.primaryKey.columns.map(quoteId).join(', ')})`);
  await s.query(`create table ${tableRef(t)} (${cols.join(', ')})`);
}

export interface ForeignKey {
  table: string;
  name: string;
  definition: string;
}

export function foreignKeys(s: Session): Promise<ForeignKey[]> {
  return s.query<ForeignKey>(
    `select con.conrelid::regclass::text as table, con.conname::text as name, pg_get_constraintdef(con.oid) as definition
     from pg_constraint con join pg_namespace n on n.oid = con.connamespace
     where con.contype = 'f' and n.nspname = any($1::text[]) and con.conparentid = 0
     order by 1, 2`,
    [SCHEMAS],
  );
}

export const dropForeignKey = (s: Session, fk: ForeignKey) =>
  s.query(`alter table ${fk.table} drop constraint ${quoteId(fk.name)}`);

/** Adding it again checks every restored row against it. */
export const addForeignKey = (s: Session, fk: ForeignKey) =>
  s.query(`alter table ${fk.table} add constraint ${quoteId(fk.name)} ${fk.definition}`);

/** The tables' own triggers (the audit log's append-only guard, search upkeep); not the system's. */
export const setUserTriggers = (s: Session, t: TableInfo, enabled: boolean) =>
  s.query(`alter table ${tableRef(t)} ${enabled ? 'enable' : 'disable'} trigger user`);

/** What the migrations put in (regions, settings) goes: the backup has those rows as they were. */
export async function truncateAll(s: Session, tables: TableInfo[]): Promise<void> {
  const targets = tables.filter((t) => !(t.schema === 'public' && NOT_DUMPED.includes(t.name)));
  if (targets.length) await s.query(`truncate table ${targets.map(tableRef).join(', ')}`);
}

/** Rows as dumped (JSON arrays of text forms), each value cast back through its type's input. */
export async function insertRows(s: Session, t: TableInfo, rows: string[]): Promise<void> {
  const cols = t.columns.map((c) => quoteId(c.name)).join(', ');
  const values = t.columns.map((c, i) => `(e.r ->> ${i})::${c.type}`).join(', ');
  await s.query(
    `insert into ${tableRef(t)} (${cols}) overriding system value select ${values} from json_array_elements($1::json) as e(r)`,
    [`[${rows.join(',')}]`],
  );
}

export const setSequence = (s: Session, q: SequenceEntry) =>
  s.query(`select setval($1::regclass, $2::bigint, $3)`, [tableRef(q), q.lastValue, q.isCalled]);
