import type { Readable } from 'node:stream';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { notFound } from '../../../platform/errors';
import { failedTest, isNetworkCode, sourceError, type SourceErrorKind } from './errors';
import { rowsOfCopyText } from './copy-rows';
import { pgSettings } from './settings';
import {
  STATEMENT_TIMEOUT_MS,
  keysetClauses,
  scanByPages,
  type BatchRequest,
  type ConnectionParams,
  type CopyBatch,
  type CopyPlan,
  type SourceColumn,
  type SourceConnector,
  type SourceTable,
  type TableRef,
  type TestResult,
} from './types';

/** SQLSTATE classes that mean something to the person who typed the connection details. */
export function kindOf(code: string | undefined): SourceErrorKind {
  if (code === '28P01' || code === '28000') return 'auth';
  if (code === '3D000') return 'database';
  if (code === '42501') return 'denied';
  // No SQLSTATE: the socket failed or the connect timeout fired before the server answered.
  if (isNetworkCode(code) || code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return 'unreachable';
  return 'failed';
}

/** Metadata only through the catalogs with bound parameters: no identifier is ever spliced into SQL. */
const TABLES_SQL = `
  select n.nspname as schema, c.relname as name, c.relkind as relkind, c.reltuples::float8 as reltuples
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition
    and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
    and has_table_privilege(c.oid, 'select')
  order by 1, 2`;

const COLUMNS_SQL = `
  select a.attname as name, format_type(a.atttypid, a.atttypmod) as data_type, not a.attnotnull as nullable,
         coalesce(a.attnum = any (i.indkey::int2[]), false) as is_key, col_description(c.oid, a.attnum) as comment
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  left join pg_index i on i.indrelid = c.oid and i.indisprimary
  where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm')
  order by a.attnum`;

const quoteIdent = (id: string) => pg.escapeIdentifier(id);
/**
 * A column of the scanned table, qualified: the select lists each column as text under its own name,
 * and an unqualified ORDER BY would sort by that text (1, 10, 2 …) while the keyset WHERE compares
 * the typed values — pages would skip rows.
 */
const sourceColumn = (id: string) => `s.${quoteIdent(id)}`;
/** A scan's select: every column as the server prints it, from the table as s. */
const selectText = (req: BatchRequest) =>
  `select ${req.columns.map((c) => `${sourceColumn(c)}::text as ${quoteIdent(c)}`).join(', ')} from ${quoteIdent(req.table.schema)}.${quoteIdent(req.table.name)} as s`;

export class PostgresConnector implements SourceConnector {
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;

  constructor(private readonly p: ConnectionParams) {}

  #error(e: unknown) {
    const err = e as { code?: string; message?: string };
    return sourceError(kindOf(err.code), err.code, err.message, this.p.password);
  }

  async #connect(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    this.#connecting ??= (async () => {
      const client = new pg.Client({
        ...pgSettings(this.p),
        query_timeout: STATEMENT_TIMEOUT_MS,
        // The platform only reads from a department's database; the server enforces it too.
        options: `-c default_transaction_read_only=on -c statement_timeout=${STATEMENT_TIMEOUT_MS}`,
      });
      // A connection the server drops later surfaces on the next query; without a listener it would end the process.
      client.on('error', () => {});
      try {
        await client.connect();
      } catch (e) {
        await client.end().catch(() => {});
        throw this.#error(e);
      }
      this.#client = client;
      return client;
    })();
    return this.#connecting;
  }

  async #query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    const client = await this.#connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } catch (e) {
      throw this.#error(e);
    }
  }

  async test(): Promise<TestResult> {
    try {
      const [row] = await this.#query<{ v: string }>(`select current_setting('server_version') as v`);
      const serverVersion = `PostgreSQL ${row?.v ?? ''}`.trim();
      return {
        ok: true,
        serverVersion,
        message: `Connected to ${serverVersion}`,
        messageZh: `连接成功：${serverVersion}`,
        code: null,
      };
    } catch (e) {
      return failedTest(e);
    }
  }

  async listTables(): Promise<SourceTable[]> {
    const rows = await this.#query<{ schema: string; name: string; relkind: string; reltuples: number }>(TABLES_SQL);
    return rows.map((r) => {
      const view = r.relkind === 'v' || r.relkind === 'm';
      return {
        schema: r.schema,
        name: r.name,
        kind: view ? 'view' : 'table',
        rowEstimate: view || r.reltuples < 0 ? null : Math.round(r.reltuples),
      };
    });
  }

  async describe(table: TableRef): Promise<SourceColumn[]> {
    const rows = await this.#query<{
      name: string;
      data_type: string;
      nullable: boolean;
      is_key: boolean;
      comment: string | null;
    }>(COLUMNS_SQL, [table.schema, table.name]);
    if (rows.length === 0) throw notFound('Source table', '源数据表');
    return rows.map((r) => ({
      name: r.name,
      dataType: r.data_type,
      nullable: r.nullable,
      isKey: r.is_key,
      comment: r.comment,
    }));
  }

  /** Values come back as text (dates, numerics and int8 exactly as the server prints them); the center casts them. */
  async readBatch(req: BatchRequest): Promise<Array<Record<string, unknown>>> {
    const k = keysetClauses(req, sourceColumn, (i) => `$${i}`);
    return this.#query(`${selectText(req)} ${k.where} order by ${k.order} limit ${Number(req.limit)}`, k.values);
  }

  scan(req: BatchRequest): AsyncIterable<unknown[][]> {
    return scanByPages(this, req);
  }

  /**
   * readBatch's select (every value ::text) for the whole scan as one COPY out, its lines rewritten
   * as the center's (copy-rows.ts). It runs on a connection of its own: a large table takes longer
   * than the metadata queries' time limits allow.
   */
  async *scanCopy(req: BatchRequest, plan: CopyPlan): AsyncGenerator<CopyBatch> {
    const client = new pg.Client({
      ...pgSettings(this.p),
      options: '-c default_transaction_read_only=on -c statement_timeout=0',
    });
    client.on('error', () => {});
    let stream: Readable | null = null;
    try {
      await client.connect();
      const k = keysetClauses(req, sourceColumn, (_, v) =>
        v === null || v === undefined ? 'null' : client.escapeLiteral(String(v)),
      );
      stream = client.query(copyTo(`copy (${selectText(req)} ${k.where} order by ${k.order}) to stdout`));
      yield* rowsOfCopyText(stream, req.columns.length, plan, req.limit);
    } catch (e) {
      throw this.#error(e);
    } finally {
      stream?.destroy();
      await client.end().catch(() => {});
    }
  }

  async count(table: TableRef): Promise<number> {
    const [row] = await this.#query<{ n: string }>(
      `select count(*) as n from ${quoteIdent(table.schema)}.${quoteIdent(table.name)}`,
    );
    return Number(row?.n ?? 0);
  }

  async close(): Promise<void> {
    const c = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    this.#connecting = undefined;
    await c?.end().catch(() => {});
  }
}
