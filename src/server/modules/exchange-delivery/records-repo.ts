import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Db } from '../../app-context';
import { KEY_COLUMN } from '../exchange-ingest';

/** Reads of a managed table (rc.*). Column names reaching here were checked against the table's columns. */

export interface RecordQuery {
  table: string;
  columns: string[];
  /** column = value, compared as text (the API takes strings). */
  equals: Array<{ column: string; value: string }>;
  sort: { column: string; desc: boolean } | null;
  limit: number;
  offset: number;
  /** Keyset paging on the row key, when no other sort is asked for. */
  afterKey: string | null;
}

function whereOf(q: Pick<RecordQuery, 'equals' | 'afterKey'>): RawBuilder<unknown> {
  const conds = q.equals.map((e) => sql`${sql.id(e.column)}::text = ${e.value}`);
  if (q.afterKey !== null) conds.push(sql`${sql.id(KEY_COLUMN)} > ${q.afterKey}`);
  return conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
}

export async function readRecords(db: Db, q: RecordQuery): Promise<Array<Record<string, unknown>>> {
  const order = q.sort
    ? sql`${sql.id(q.sort.column)} ${sql.raw(q.sort.desc ? 'desc' : 'asc')} nulls last, ${sql.id(KEY_COLUMN)}`
    : sql`${sql.id(KEY_COLUMN)}`;
  const r = await sql<Record<string, unknown>>`
    select ${sql.id(KEY_COLUMN)}, ${sql.join(q.columns.map((c) => sql.id(c)))} from rc.${sql.id(q.table)}
    ${whereOf(q)} order by ${order} limit ${q.limit} offset ${q.offset}`.execute(db);
  return r.rows;
}

/** How many rows pass the filters (the whole result, not a page). */
export async function countRecords(db: Db, q: Pick<RecordQuery, 'table' | 'equals'>): Promise<number> {
  const r = await sql<{
    n: string;
  }>`select count(*) as n from rc.${sql.id(q.table)} ${whereOf({ ...q, afterKey: null })}`.execute(db);
  return Number(r.rows[0]!.n);
}

/**
 * R-25 比对: for each record of values, whether a row has exactly those values in those columns.
 * One statement for the whole list; only booleans come back.
 */
export async function matchRecords(db: Db, table: string, columns: string[], records: string[][]): Promise<boolean[]> {
  if (!records.length) return [];
  const rows = records.map((r, i) => sql`(${sql.join([sql`${i}::int`, ...r.map((v) => sql`${v}::text`)])})`);
  const cols = columns.map((_, k) => sql.id(`v${k}`));
  const cond = columns.map((c, k) => sql`t.${sql.id(c)}::text = v.${sql.id(`v${k}`)}`);
  const r = await sql<{ i: number; m: boolean }>`
    select v.i, exists (select 1 from rc.${sql.id(table)} t where ${sql.join(cond, sql` and `)}) as m
    from (values ${sql.join(rows)}) as v(i, ${sql.join(cols)}) order by v.i`.execute(db);
  return r.rows.map((x) => x.m);
}

/** Rows per COPY statement of a CSV export: each is short, so no lock is held for a whole download. */
const COPY_PAGE = 100_000;

/**
 * CSV of the selected columns by PostgreSQL's own COPY … TO STDOUT (no header), in key order, page
 * by page (each page's last key looked up just before it): the fastest way rows leave PostgreSQL. For unmasked,
 * non-binary columns only (the caller decides); 逻辑型 columns are written true/false as the other
 * export path writes them. `counted` hears the rows of each page as it ends.
 *
 * The connection is the pool's, borrowed when the first chunk is asked for and given back when the
 * last page ends. A reader that stops early (the client went away) leaves the connection in the
 * middle of a COPY, unfit for anyone else: it is then discarded, which frees its place in the pool.
 */
export async function* copyCsv(
  pool: pg.Pool,
  q: Pick<RecordQuery, 'table' | 'columns' | 'equals'>,
  flags: ReadonlySet<string>,
  counted: (rows: number) => void,
  /** Constant values after the columns, on every row (the grant number). */
  trailing: readonly string[] = [],
): AsyncGenerator<Buffer> {
  const client = await pool.connect();
  // A checked-out client has no listener of the pool's: a lost connection must not end the process
  // (the running query fails with the error anyway).
  const ignore = () => {};
  client.on('error', ignore);
  let reusable = false;
  try {
    const id = (c: string) => client.escapeIdentifier(c);
    const table = `rc.${id(q.table)}`;
    const filters = q.equals.map((e) => `${id(e.column)}::text = ${client.escapeLiteral(e.value)}`);
    const where = (extra: string[]) =>
      filters.length + extra.length ? `where ${[...filters, ...extra].join(' and ')}` : '';
    const list = q.columns
      .map((c) =>
        flags.has(c) ? `case when ${id(c)} then 'true' when not ${id(c)} then 'false' end as ${id(c)}` : id(c),
      )
      .concat(trailing.map((v) => client.escapeLiteral(v)))
      .join(', ');
    const above = (lower: string | null) =>
      lower !== null ? [`${id(KEY_COLUMN)} > ${client.escapeLiteral(lower)}`] : [];
    let lower: string | null = null;
    for (;;) {
      // The page's last key, found along the key index before the page is copied: pages of COPY_PAGE rows.
      const bound: pg.QueryResult<{ k: string }> = await client.query<{ k: string }>(
        `select ${id(KEY_COLUMN)} as k from ${table} ${where(above(lower))} order by ${id(KEY_COLUMN)} offset ${COPY_PAGE - 1} limit 1`,
      );
      const upper: string | null = bound.rows[0]?.k ?? null;
      const range = [
        ...above(lower),
        ...(upper !== null ? [`${id(KEY_COLUMN)} <= ${client.escapeLiteral(upper)}`] : []),
      ];
      const stream = client.query(
        copyTo(
          `copy (select ${list} from ${table} ${where(range)} order by ${id(KEY_COLUMN)}) to stdout with (format csv)`,
        ),
      );
      for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
      counted(stream.rowCount);
      if (upper === null) {
        reusable = true;
        return;
      }
      lower = upper;
    }
  } finally {
    client.off('error', ignore);
    client.release(!reusable);
  }
}
