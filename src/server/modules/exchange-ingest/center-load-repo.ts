import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Readable } from 'node:stream';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { copyField } from '../../db/copy-field';
import type { AppContext, Db } from '../../app-context';
import type { DB } from '../../db/types';
import { KEY_COLUMN, LOADED_COLUMN, readForPush, RUN_COLUMN, textOf } from './center-repo';

/**
 * The connection a table job loads the center through. On PostgreSQL it is a connection of its own
 * that can COPY — the fastest way rows enter PostgreSQL — inside the same transaction as the run's
 * checkpoint. The embedded PGlite has no COPY FROM STDIN: there rows go in as one INSERT of unnested
 * arrays per batch. Either way the caller's statements and the rows share one connection.
 */
/**
 * Batches per window: a pull's transaction and a push's COPY into the consumer's stage cover this many
 * batches before the checkpoint moves — few statements for the databases, little work lost to a crash.
 */
export const WINDOW_BATCHES = 20;

export interface LoadConnection {
  db: Db;
  /** Whether appends take COPY text (PostgreSQL) besides cells. */
  copies: boolean;
  /**
   * Starts appending rows ([key, ...values in column order]) to a table of schema rc that has no
   * unique key, inside `trx` (a transaction opened on `db`): on PostgreSQL one COPY that stays open
   * across batches until end() — each COPY statement costs a round of its own, so a window of many
   * batches is one statement; on PGlite one INSERT per batch through trx.
   */
  openAppend(trx: Db, name: string, columns: readonly string[], runId: string, at: Date): AppendSink;
  /**
   * One page of a managed table for a push, in row-key order: [key, ...columns] per row, values as
   * PostgreSQL's text (booleans t/f, bytea \x…) on PostgreSQL, as the driver parses them on PGlite.
   * Rows after `afterKey`; with `sinceRun`, only rows loaded by later runs.
   */
  readPage(
    name: string,
    columns: readonly string[],
    afterKey: string | null,
    sinceRun: string | null,
    limit: number,
  ): Promise<unknown[][]>;
  /**
   * Where `copies`: the managed table's rows after `afterKey` in row-key order as COPY text lines
   * ([key, ...columns]), one statement on a connection of its own (this one stays free for the
   * caller's checkpoints). Stopping early: destroy the stream.
   */
  copyOut?(name: string, columns: readonly string[], afterKey: string | null): Promise<Readable>;
}

/**
 * A batch as cells: column 0 is the row key, 1… the values in column order. Read cell by cell, so a
 * writer that prints rows (COPY) never builds an array per row — at a million rows that garbage costs.
 */
export interface Cells {
  rows: number;
  cell(row: number, column: number): unknown;
}

export interface AppendSink {
  /**
   * Resolves when the rows are taken (buffered within limits): the next batch may be prepared
   * meanwhile. Rows come as cells or, where the connection `copies`, as whole lines of COPY text,
   * each ending with copyTail().
   */
  write(rows: Cells | Buffer): Promise<void>;
  /** Finishes the statement; its rows commit with the caller's transaction. */
  end(): Promise<void>;
  /** Abandons the statement after a failure, so the transaction can roll back. */
  abort(e: unknown): void;
}

export async function withLoadConnection<T>(ctx: AppContext, fn: (c: LoadConnection) => Promise<T>): Promise<T> {
  if (ctx.dbKind === 'postgresql' && ctx.config.databaseUrl) return withCopyConnection(ctx.config.databaseUrl, fn);
  return ctx.db.connection().execute((db) =>
    fn({
      db,
      copies: false,
      openAppend: (trx, name, columns, runId, at) => ({
        write: (cells) => insertUnnested(trx, name, columns, cells as Cells, runId, at),
        end: () => Promise.resolve(),
        abort: () => {},
      }),
      readPage: (...a) => readPageAsObjects(db, ...a),
    }),
  );
}

async function withCopyConnection<T>(url: string, fn: (c: LoadConnection) => Promise<T>): Promise<T> {
  // Asynchronous commit: a batch and its checkpoint commit together, so a server crash can only lose
  // the last few of both at once, and the run resumes from the checkpoint that survived — no fsync
  // per batch is needed for exactly-once.
  const client = new pg.Client({
    connectionString: url,
    application_name: 'govshare-load',
    options: '-c synchronous_commit=off',
  });
  client.on('error', () => {});
  await client.connect();
  // Kysely over this one client: the repositories' statements and the COPYs run on the same session.
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: {
        connect: () => Promise.resolve(Object.assign(client, { release: () => {} })),
        end: () => Promise.resolve(),
      },
    }),
  });
  try {
    return await fn({
      db,
      copies: true,
      openAppend: (_trx, name, columns, runId, at) => copySink(client, name, columns, runId, at),
      readPage: (...a) => readPageAsText(client, ...a),
      copyOut: (...a) => copyOut(url, ...a),
    });
  } finally {
    await db.destroy();
    await client.end().catch(() => {});
  }
}

const ident = (id: string) => pg.escapeIdentifier(id);

/** Every value as the server's text: nothing parsed that a push would only print again. */
const AS_TEXT = { getTypeParser: () => (v: string) => v };

function pageSql(
  name: string,
  columns: readonly string[],
  afterKey: string | null,
  sinceRun: string | null,
  limit: number,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const conds: string[] = [];
  if (afterKey !== null) conds.push(`${ident(KEY_COLUMN)} > $${values.push(afterKey)}`);
  if (sinceRun !== null) conds.push(`${ident(RUN_COLUMN)} > $${values.push(sinceRun)}::bigint`);
  const list = [KEY_COLUMN, ...columns].map(ident).join(', ');
  return {
    text: `select ${list} from rc.${ident(name)} ${conds.length ? `where ${conds.join(' and ')}` : ''} order by ${ident(KEY_COLUMN)} limit ${Number(limit)}`,
    values,
  };
}

async function readPageAsText(
  client: pg.Client,
  name: string,
  columns: readonly string[],
  afterKey: string | null,
  sinceRun: string | null,
  limit: number,
): Promise<unknown[][]> {
  const q = pageSql(name, columns, afterKey, sinceRun, limit);
  const r = await client.query<unknown[]>({ ...q, rowMode: 'array', types: AS_TEXT });
  return r.rows;
}

async function readPageAsObjects(
  db: Db,
  name: string,
  columns: readonly string[],
  afterKey: string | null,
  sinceRun: string | null,
  limit: number,
): Promise<unknown[][]> {
  const names = [KEY_COLUMN, ...columns];
  return (await readForPush(db, name, columns, afterKey, sinceRun, limit)).map((row) => names.map((c) => row[c]));
}

/** The end of each line a load appends: the run and load time columns, and the newline. */
export const copyTail = (runId: string, at: Date) => `\t${runId}\t${at.toISOString()}\n`;

async function copyOut(
  url: string,
  name: string,
  columns: readonly string[],
  afterKey: string | null,
): Promise<Readable> {
  const client = new pg.Client({ connectionString: url, application_name: 'govshare-read' });
  client.on('error', () => {});
  await client.connect();
  const where = afterKey === null ? '' : `where ${ident(KEY_COLUMN)} > ${client.escapeLiteral(afterKey)}`;
  const list = [KEY_COLUMN, ...columns].map(ident).join(', ');
  const stream = client.query(
    copyTo(`copy (select ${list} from rc.${ident(name)} ${where} order by ${ident(KEY_COLUMN)}) to stdout`),
  );
  // The connection lives as long as the stream: ended, failed or destroyed.
  finished(stream)
    .catch(() => undefined)
    .finally(() => void client.end().catch(() => undefined));
  return stream;
}

function copySink(client: pg.Client, name: string, columns: readonly string[], runId: string, at: Date): AppendSink {
  const list = [KEY_COLUMN, ...columns, RUN_COLUMN, LOADED_COLUMN].map(ident).join(', ');
  const stream = client.query(copyFrom(`copy rc.${ident(name)} (${list}) from stdin`));
  const done = finished(stream);
  // Observed by write() and end(); this keeps a failure between the two from going unhandled.
  done.catch(() => {});
  const tail = copyTail(runId, at);
  return {
    async write(cells) {
      if (Buffer.isBuffer(cells)) {
        if (!stream.write(cells)) await Promise.race([once(stream, 'drain'), done]);
        return;
      }
      const width = columns.length + 1;
      let text = '';
      for (let r = 0; r < cells.rows; r++) {
        text += copyField(cells.cell(r, 0));
        for (let c = 1; c < width; c++) text += '\t' + copyField(cells.cell(r, c));
        text += tail;
      }
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), done]);
    },
    async end() {
      stream.end();
      await done;
    },
    abort(e) {
      // pg-copy-streams answers a destroyed COPY with CopyFail: the server ends the statement with an error.
      stream.destroy(e instanceof Error ? e : new Error(String(e)));
    },
  };
}

async function insertUnnested(
  db: Db,
  name: string,
  columns: readonly string[],
  cells: Cells,
  runId: string,
  at: Date,
): Promise<void> {
  if (!cells.rows) return;
  const arrays = [0, ...columns.map((_, i) => i + 1)].map((c) =>
    Array.from({ length: cells.rows }, (_, r) => textOf(cells.cell(r, c))),
  );
  const types = await sql<{ name: string; type: string }>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
    where a.attrelid = ${`rc.${ident(name)}`}::regclass and a.attnum > 0 and not a.attisdropped`.execute(db);
  const typeOf = new Map(types.rows.map((r) => [r.name, r.type]));
  const casts = [KEY_COLUMN, ...columns].map((c, i) => sql`${sql.id(`c${i}`)}::${sql.raw(typeOf.get(c) ?? 'text')}`);
  await sql`insert into rc.${sql.id(name)} (${sql.join([KEY_COLUMN, ...columns, RUN_COLUMN, LOADED_COLUMN].map((c) => sql.id(c)))})
    select ${sql.join([...casts, sql`${runId}::bigint`, sql`${at}::timestamptz`])}
    from unnest(${sql.join(arrays.map((a) => sql`${a}::text[]`))}) as u(${sql.join(arrays.map((_, i) => sql.id(`c${i}`)))})`.execute(
    db,
  );
}
