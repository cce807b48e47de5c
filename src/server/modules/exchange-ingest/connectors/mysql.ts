import type { Connection as CallbackConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import { notFound } from '../../../platform/errors';
import { failedTest, isNetworkCode, sourceError, type SourceErrorKind } from './errors';
import { copyRows } from './mysql-copy';
import { mysqlSettings } from './settings';
import {
  STATEMENT_TIMEOUT_MS,
  batchesOf,
  keysetClauses,
  type BatchRequest,
  type CopyBatch,
  type CopyPlan,
  type ConnectionParams,
  type SourceColumn,
  type SourceConnector,
  type SourceTable,
  type TableRef,
  type TestResult,
} from './types';

const KIND_OF: Record<string, SourceErrorKind> = {
  ER_ACCESS_DENIED_ERROR: 'auth',
  ER_NOT_SUPPORTED_AUTH_MODE: 'auth',
  ER_BAD_DB_ERROR: 'database',
  ER_DBACCESS_DENIED_ERROR: 'database',
  ER_TABLEACCESS_DENIED_ERROR: 'denied',
  ER_COLUMNACCESS_DENIED_ERROR: 'denied',
  ER_SPECIFIC_ACCESS_DENIED_ERROR: 'denied',
};

export function kindOf(code: string | undefined): SourceErrorKind {
  const known = code === undefined ? undefined : KIND_OF[code];
  if (known) return known;
  // PROTOCOL_* codes: the server went away mid-handshake, as good as unreachable.
  return isNetworkCode(code) || code?.startsWith('PROTOCOL_') ? 'unreachable' : 'failed';
}

type Row = Record<string, unknown>;

/** A quoted identifier. */
const q = (id: string) => mysql.escapeId(id, true);

/** MySQL and MariaDB; metadata through information_schema with bound parameters, limited to the source's database. */
export class MysqlConnector implements SourceConnector {
  #conn: mysql.Connection | undefined;
  #connecting: Promise<mysql.Connection> | undefined;
  #mariadb = false;
  /** A scan's query still streaming: closing must then drop the socket, as end() would wait for the query. */
  #streaming = false;

  constructor(private readonly p: ConnectionParams) {}

  #error(e: unknown) {
    const err = e as { code?: string; message?: string };
    return sourceError(kindOf(err.code), err.code, err.message, this.p.password);
  }

  async #connect(): Promise<mysql.Connection> {
    if (this.#conn) return this.#conn;
    this.#connecting ??= (async () => {
      let conn: mysql.Connection | undefined;
      try {
        conn = await mysql.createConnection({
          ...mysqlSettings(this.p),
          dateStrings: true,
          supportBigNumbers: true,
          bigNumberStrings: true,
        });
        conn.on('error', () => {});
        // The platform only reads from a department's database.
        await conn.query('SET SESSION TRANSACTION READ ONLY');
        const [[v]] = (await conn.query('select version() as v')) as unknown as [Row[]];
        const mariadb = String(v?.v ?? '').includes('MariaDB');
        this.#mariadb = mariadb;
        await conn.query(
          mariadb
            ? `SET SESSION max_statement_time = ${STATEMENT_TIMEOUT_MS / 1000}`
            : `SET SESSION max_execution_time = ${STATEMENT_TIMEOUT_MS}`,
        );
      } catch (e) {
        await conn?.end().catch(() => {});
        throw this.#error(e);
      }
      this.#conn = conn;
      return conn;
    })();
    return this.#connecting;
  }

  async #query(text: string, values: unknown[] = []): Promise<Row[]> {
    const conn = await this.#connect();
    try {
      const [rows] = await conn.query({ sql: text, values, timeout: STATEMENT_TIMEOUT_MS });
      return rows as Row[];
    } catch (e) {
      throw this.#error(e);
    }
  }

  async test(): Promise<TestResult> {
    try {
      const [row] = await this.#query('select version() as v');
      const v = String(row?.v ?? '');
      const serverVersion = v.includes('MariaDB') ? `MariaDB ${v.replace(/-MariaDB.*$/, '')}` : `MySQL ${v}`;
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
    const rows = await this.#query(
      `select table_schema as s, table_name as n, table_type as t, table_rows as r
       from information_schema.tables where table_schema = database() order by table_name`,
    );
    return rows.map((r) => {
      const view = String(r.t) === 'VIEW';
      return {
        schema: String(r.s),
        name: String(r.n),
        kind: view ? 'view' : 'table',
        rowEstimate: view || r.r === null ? null : Number(r.r),
      };
    });
  }

  async describe(table: TableRef): Promise<SourceColumn[]> {
    const rows = await this.#query(
      `select column_name as n, column_type as t, is_nullable as nl, column_key as k, column_comment as c
       from information_schema.columns
       where table_schema = database() and table_schema = ? and table_name = ?
       order by ordinal_position`,
      [table.schema, table.name],
    );
    if (rows.length === 0) throw notFound('Source table', '源数据表');
    return rows.map((r) => ({
      name: String(r.n),
      dataType: String(r.t),
      nullable: r.nl === 'YES',
      isKey: r.k === 'PRI',
      comment: r.c ? String(r.c) : null,
    }));
  }

  async readBatch(req: BatchRequest): Promise<Row[]> {
    const k = keysetClauses(req, q, () => '?');
    return this.#query(
      `select ${req.columns.map(q).join(', ')} from ${q(req.table.schema)}.${q(req.table.name)} ${k.where} order by ${k.order} limit ${Number(req.limit)}`,
      k.values,
    );
  }

  /**
   * One query streamed with rowsAsArray (no object per row): MySQL sends rows as fast as they are
   * taken, and the socket pauses while a batch waits. The statement time limit is lifted for it — a
   * large table takes longer than any single metadata query should.
   */
  async *scan(req: BatchRequest): AsyncGenerator<unknown[][]> {
    const { conn, sql, values } = await this.#streamedQuery(req);
    try {
      this.#streaming = true;
      yield* batchesOf(conn.query({ sql, values, rowsAsArray: true }).stream({ highWaterMark: 1000 }), req.limit);
      this.#streaming = false;
    } catch (e) {
      throw this.#error(e);
    }
  }

  /** The same query as scan(), its rows written from the wire into COPY text (mysql-copy.ts). */
  async *scanCopy(req: BatchRequest, plan: CopyPlan): AsyncGenerator<CopyBatch> {
    const { conn, sql, values } = await this.#streamedQuery(req);
    try {
      this.#streaming = true;
      yield* copyRows(conn, sql, values, req.columns.length, plan, req.limit);
      this.#streaming = false;
    } catch (e) {
      throw this.#error(e);
    }
  }

  /** A scan's query and the connection it streams on, the statement time limit lifted. */
  async #streamedQuery(req: BatchRequest): Promise<{ conn: CallbackConnection; sql: string; values: unknown[] }> {
    const conn = await this.#connect();
    const k = keysetClauses(req, q, () => '?');
    try {
      await conn.query(this.#mariadb ? 'SET SESSION max_statement_time = 0' : 'SET SESSION max_execution_time = 0');
    } catch (e) {
      throw this.#error(e);
    }
    // The promise wrapper has no streams nor row parsers to replace; its callback connection (untyped here, present at run time) has.
    const callback = (conn as unknown as { connection: CallbackConnection }).connection;
    return {
      conn: callback,
      sql: `select ${req.columns.map(q).join(', ')} from ${q(req.table.schema)}.${q(req.table.name)} ${k.where} order by ${k.order}`,
      values: k.values,
    };
  }

  async count(table: TableRef): Promise<number> {
    const [row] = await this.#query(`select count(*) as n from ${q(table.schema)}.${q(table.name)}`);
    return Number(row?.n ?? 0);
  }

  async close(): Promise<void> {
    const c = this.#conn ?? (await this.#connecting?.catch(() => undefined));
    this.#conn = undefined;
    this.#connecting = undefined;
    if (this.#streaming) c?.destroy();
    else await c?.end().catch(() => {});
  }
}
