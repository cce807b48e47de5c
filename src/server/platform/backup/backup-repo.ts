import type { ColumnInfo, SequenceEntry, TableInfo } from './manifest';
import { NOT_DUMPED, SCHEMAS } from './manifest';
import type { Session } from './session-repo';

/** SQL of backup and of the restore's check: the catalog of govshare's schemas and each table's rows. */

export const quoteId = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const tableRef = (t: { schema: string; name: string }) => `${quoteId(t.schema)}.${quoteId(t.name)}`;

/**
 * Text forms that do not depend on the server's or the session's settings, so one row dumps to the
 * same line on PGlite and on PostgreSQL, before and after a restore. Local to the caller's transaction.
 */
export async function settleTextForms(s: Session): Promise<void> {
  await s.query(`select set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true),
    set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true),
    set_config('bytea_output', 'hex', true)`);
}

/** The one snapshot a backup reads: nothing committed after it starts is seen, and nothing is written. */
export const beginSnapshot = (s: Session) => s.query('begin isolation level repeatable read, read only');
export const commit = (s: Session) => s.query('commit');
export const rollback = (s: Session) => s.query('rollback');

export async function currentMigration(s: Session): Promise<string | null> {
  const exists = await s.query<{ t: string | null }>(`select to_regclass('public.schema_migration')::text as t`);
  if (!exists[0]?.t) return null;
  const rows = await s.query<{ name: string }>(
    `select name from public.schema_migration order by name collate "C" desc limit 1`,
  );
  return rows[0]?.name ?? null;
}

interface TableRow {
  schema: string;
  name: string;
  kind: string;
  parent: string | null;
  bound: string | null;
  pk: string | null;
  columns: string;
}

/** Every table of govshare's schemas with its columns and primary key, in a fixed order. */
export async function listTables(s: Session): Promise<TableInfo[]> {
  const rows = await s.query<TableRow>(
    `select n.nspname::text as schema, c.relname::text as name, c.relkind::text as kind,
       (select pn.nspname || '.' || pc.relname from pg_inherits i join pg_class pc on pc.oid = i.inhparent
          join pg_namespace pn on pn.oid = pc.relnamespace where i.inhrelid = c.oid and c.relispartition) as parent,
       case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as bound,
       (select json_build_object('name', con.conname, 'columns',
          (select json_agg(a.attname order by k.ord) from unnest(con.conkey) with ordinality k(attnum, ord)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum))::text
        from pg_constraint con where con.conrelid = c.oid and con.contype = 'p') as pk,
       coalesce((select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
          'notNull', a.attnotnull, 'collatable', a.attcollation <> 0) order by a.attnum)
        from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''),
        '[]')::text as columns
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1::text[]) and c.relkind in ('r', 'p') and not (n.nspname = 'public' and c.relname = any($2::text[]))
     order by n.nspname collate "C", c.relname collate "C"`,
    [SCHEMAS, NOT_DUMPED],
  );
  return rows.map((r) => {
    const cols = JSON.parse(r.columns) as Array<ColumnInfo & { collatable: boolean }>;
    return {
      schema: r.schema,
      name: r.name,
      columns: cols.map(({ name, type, notNull }) => ({ name, type, notNull })),
      collatable: cols.filter((c) => c.collatable).map((c) => c.name),
      primaryKey: r.pk ? (JSON.parse(r.pk) as TableInfo['primaryKey']) : null,
      partitionOf: r.parent,
      bound: r.bound,
      partitioned: r.kind === 'p',
    };
  });
}

export async function listSequences(s: Session): Promise<SequenceEntry[]> {
  const seqs = await s.query<{ schema: string; name: string }>(
    `select n.nspname::text as schema, c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1::text[]) and c.relkind = 'S' and not (n.nspname = 'public' and c.relname like 'schema_migration%')
     order by n.nspname collate "C", c.relname collate "C"`,
    [SCHEMAS],
  );
  const out: SequenceEntry[] = [];
  for (const q of seqs) {
    const [v] = await s.query<{ last_value: string; is_called: boolean }>(
      `select last_value::text as last_value, is_called from ${tableRef(q)}`,
    );
    out.push({ ...q, lastValue: v!.last_value, isCalled: v!.is_called });
  }
  return out;
}

/**
 * The dump of one table: a row is the JSON array of its columns' text forms (null for SQL NULL), so
 * every type goes out and comes back through its own text input and output, exactly; in primary-key
 * order, text compared bytewise. A table without a key is ordered by the whole row.
 */
export function rowsQuery(t: TableInfo): string {
  const values = t.columns.map((c) => `${quoteId(c.name)}::text`).join(', ');
  const collate = (c: string) => (t.collatable.includes(c) ? `${quoteId(c)} collate "C"` : quoteId(c));
  const row = `to_json(array[${values}]::text[])::text`;
  const order = t.primaryKey ? t.primaryKey.columns.map(collate).join(', ') : `${row} collate "C"`;
  return `select ${row} as r from ${tableRef(t)} order by ${order}`;
}
