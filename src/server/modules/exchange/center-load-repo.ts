import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AppContext, Db } from '../../app-context';
import type { DB } from '../../db/types';
import { KEY_COLUMN, LOADED_COLUMN, readForPush, RUN_COLUMN, textOf } from './center-repo';

/**
 * The connection a table job loads the center through. On PostgreSQL it is a connection of its own
 * that can COPY — the fastest way rows enter PostgreSQL — inside the same transaction as the run's
 * checkpoint. The embedded PGlite has no COPY FROM STDIN: there rows go in as one INSERT of unnested
 * arrays per batch. Either way the caller's statements and the rows share one connection.
 */
export interface LoadConnection {
  db: Db;
  /**
   * Appends rows ([key, ...values in column order]) to a table of schema rc that has no unique key,
   * inside `trx`: a transaction opened on `db` (COPY runs on the same session; PGlite's insert through trx itself).
   */
  append(trx: Db, name: string, columns: readonly string[], rows: unknown[][], runId: string, at: Date): Promise<void>;
  /**
   * One page of a managed table for a push, in row-key order: [key, ...columns] per row, values as
   * PostgreSQL's text (booleans t/f, bytea \x…) on PostgreSQL, as the driver parses them on PGlite.
   * Rows after `afterKey`; with `sinceRun`, only rows loaded by later runs.
   */
  readPage(name: string, columns: readonly string[], afterKey: string | null, sinceRun: string | null, limit: number): Promise<unknown[][]>;
}

export async function withLoadConnection<T>(ctx: AppContext, fn: (c: LoadConnection) => Promise<T>): Promise<T> {
  if (ctx.dbKind === 'postgresql' && ctx.config.databaseUrl) return withCopyConnection(ctx.config.databaseUrl, fn);
  return ctx.db.connection().execute((db) => fn({ db, append: insertUnnested, readPage: (...a) => readPageAsObjects(db, ...a) }));
}

async function withCopyConnection<T>(url: string, fn: (c: LoadConnection) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'govshare-load' });
  client.on('error', () => {});
  await client.connect();
  // Kysely over this one client: the repositories' statements and the COPYs run on the same session.
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: { connect: () => Promise.resolve(Object.assign(client, { release: () => {} })), end: () => Promise.resolve() } }) });
  try {
    return await fn({ db, append: (_trx, name, columns, rows, runId, at) => copyRows(client, name, columns, rows, runId, at), readPage: (...a) => readPageAsText(client, ...a) });
  } finally {
    await db.destroy();
    await client.end().catch(() => {});
  }
}

const ident = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** Every value as the server's text: nothing parsed that a push would only print again. */
const AS_TEXT = { getTypeParser: () => (v: string) => v };

function pageSql(name: string, columns: readonly string[], afterKey: string | null, sinceRun: string | null, limit: number): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const conds: string[] = [];
  if (afterKey !== null) conds.push(`${ident(KEY_COLUMN)} > $${values.push(afterKey)}`);
  if (sinceRun !== null) conds.push(`${ident(RUN_COLUMN)} > $${values.push(sinceRun)}::bigint`);
  const list = [KEY_COLUMN, ...columns].map(ident).join(', ');
  return { text: `select ${list} from rc.${ident(name)} ${conds.length ? `where ${conds.join(' and ')}` : ''} order by ${ident(KEY_COLUMN)} limit ${Number(limit)}`, values };
}

async function readPageAsText(client: pg.Client, name: string, columns: readonly string[], afterKey: string | null, sinceRun: string | null, limit: number): Promise<unknown[][]> {
  const q = pageSql(name, columns, afterKey, sinceRun, limit);
  const r = await client.query<unknown[]>({ ...q, rowMode: 'array', types: AS_TEXT });
  return r.rows;
}

async function readPageAsObjects(db: Db, name: string, columns: readonly string[], afterKey: string | null, sinceRun: string | null, limit: number): Promise<unknown[][]> {
  const names = [KEY_COLUMN, ...columns];
  return (await readForPush(db, name, columns, afterKey, sinceRun, limit)).map((row) => names.map((c) => row[c]));
}

/** A value in COPY's text format: \N for null; backslash, tab and line breaks escaped. */
function copyText(v: unknown): string {
  const s = textOf(v);
  if (s === null) return '\\N';
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

async function copyRows(client: pg.Client, name: string, columns: readonly string[], rows: unknown[][], runId: string, at: Date): Promise<void> {
  if (!rows.length) return;
  const tail = `\t${runId}\t${at.toISOString()}\n`;
  let text = '';
  for (const r of rows) {
    text += copyText(r[0]);
    for (let i = 1; i < r.length; i++) text += '\t' + copyText(r[i]);
    text += tail;
  }
  const list = [KEY_COLUMN, ...columns, RUN_COLUMN, LOADED_COLUMN].map(ident).join(', ');
  await pipeline(Readable.from([text]), client.query(copyFrom(`copy rc.${ident(name)} (${list}) from stdin`)));
}

async function insertUnnested(db: Db, name: string, columns: readonly string[], rows: unknown[][], runId: string, at: Date): Promise<void> {
  if (!rows.length) return;
  const arrays = [0, ...columns.map((_, i) => i + 1)].map((i) => rows.map((r) => textOf(r[i])));
  const types = await sql<{ name: string; type: string }>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
    where a.attrelid = ${`rc.${ident(name)}`}::regclass and a.attnum > 0 and not a.attisdropped`.execute(db);
  const typeOf = new Map(types.rows.map((r) => [r.name, r.type]));
  const casts = [KEY_COLUMN, ...columns].map((c, i) => sql`${sql.id(`c${i}`)}::${sql.raw(typeOf.get(c) ?? 'text')}`);
  await sql`insert into rc.${sql.id(name)} (${sql.join([KEY_COLUMN, ...columns, RUN_COLUMN, LOADED_COLUMN].map((c) => sql.id(c)))})
    select ${sql.join([...casts, sql`${runId}::bigint`, sql`${at}::timestamptz`])}
    from unnest(${sql.join(arrays.map((a) => sql`${a}::text[]`))}) as u(${sql.join(arrays.map((_, i) => sql.id(`c${i}`)))})`.execute(db);
}
