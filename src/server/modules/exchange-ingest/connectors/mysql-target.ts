import mysql from 'mysql2/promise';
import { targetError } from './errors';
import { kindOf } from './mysql';
import { mysqlSettings } from './settings';
import type { ConnectionParams } from './types';
import {
  BATCH_COLUMN,
  OLD_SUFFIX,
  STAGE_SUFFIX,
  TARGET_KEY,
  type StageWriter,
  type TargetRow,
  type TargetSpec,
  type TargetWriter,
} from './targets';

const q = (id: string) => mysql.escapeId(id, true);
/** Rows per INSERT: well under max_allowed_packet for wide rows. */
const CHUNK = 1000;

type Cell = (v: unknown) => unknown;
const asIs: Cell = (v) => v;
/** Flags come as booleans, or as PostgreSQL's t/f text; MySQL stores 1/0. */
const flag: Cell = (v) => (v === true || v === 't' ? 1 : v === false || v === 'f' ? 0 : v);
/** Binary comes as a Buffer, or as PostgreSQL's \x hex text. */
const binary: Cell = (v) => (typeof v === 'string' && v.startsWith('\\x') ? Buffer.from(v.slice(2), 'hex') : v);
const cellOf = (type: string): Cell => (type === 'tinyint(1)' ? flag : type === 'longblob' ? binary : asIs);

/** A consumer's MySQL/MariaDB database; multi-row INSERTs, RENAME TABLE for the atomic swap. */
export class MysqlTarget implements TargetWriter {
  readonly copies = false;
  #conn: mysql.Connection | undefined;
  readonly #columns: string[];
  readonly #cells: Cell[];

  constructor(
    private readonly p: ConnectionParams,
    private readonly spec: TargetSpec,
  ) {
    this.#columns = [TARGET_KEY, ...spec.columns.map((c) => c.name)];
    this.#cells = [asIs, ...spec.columns.map((c) => cellOf(c.type))];
  }

  #name(suffix = '') {
    return `${q(this.spec.table.schema)}.${q(this.spec.table.name + suffix)}`;
  }

  async #run<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
    try {
      this.#conn ??= await mysql.createConnection({
        ...mysqlSettings(this.p),
        // Pushed dates and times are the center's text; the session must not shift them.
        timezone: '+08:00',
      });
      this.#conn.on('error', () => {});
      return await fn(this.#conn);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      throw targetError(kindOf(err.code), err.code, err.message, this.p.password);
    }
  }

  /** Multi-row INSERTs; `batch` (stage only) fills the batch column, `upsert` overwrites rows by key. */
  async #insert(
    c: mysql.Connection,
    table: string,
    rows: TargetRow[],
    opts: { upsert?: boolean; batch?: number },
  ): Promise<void> {
    const upsert = opts.upsert ?? false;
    const cols = [...this.#columns, ...(opts.batch === undefined ? [] : [BATCH_COLUMN])].map(q).join(', ');
    const update =
      upsert && this.spec.columns.length
        ? ` on duplicate key update ${this.spec.columns.map((col) => `${q(col.name)} = values(${q(col.name)})`).join(', ')}`
        : '';
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK).map((r) => {
        const out = r.map((v, k) => this.#cells[k]!(v));
        if (opts.batch !== undefined) out.push(opts.batch);
        return out;
      });
      await c.query(`insert ${upsert && !update ? 'ignore ' : ''}into ${table} (${cols}) values ?${update}`, [chunk]);
    }
  }

  openStage(afterBatch: number | null): Promise<boolean> {
    return this.#run(async (c) => {
      const [found] = (await c.query(
        'select 1 from information_schema.tables where table_schema = ? and table_name = ?',
        [this.spec.table.schema, this.spec.table.name + STAGE_SUFFIX],
      )) as unknown as [unknown[]];
      if (afterBatch !== null && found.length) {
        await c.query(`delete from ${this.#name(STAGE_SUFFIX)} where ${q(BATCH_COLUMN)} > ?`, [afterBatch]);
        return true;
      }
      await c.query(`drop table if exists ${this.#name(STAGE_SUFFIX)}`);
      // utf8mb4_bin: two keys that differ only in case or accents are two rows, as in the center.
      const defs = [
        `${q(TARGET_KEY)} varchar(512) character set utf8mb4 collate utf8mb4_bin not null`,
        ...this.spec.columns.map((col) => `${q(col.name)} ${col.type} comment ${c.escape(col.comment)}`),
        `${q(BATCH_COLUMN)} int`,
      ];
      await c.query(`create table ${this.#name(STAGE_SUFFIX)} (${defs.join(', ')}) character set utf8mb4`);
      return false;
    });
  }

  /** Multi-row INSERTs, committed as they go (autocommit): end() has nothing left to wait for. */
  stageWriter(): StageWriter {
    return {
      write: (rows, batch) =>
        this.#run((c) => this.#insert(c, this.#name(STAGE_SUFFIX), rows as TargetRow[], { batch })),
      end: () => Promise.resolve(),
      abort: () => {},
    };
  }

  swapStage(comment: string): Promise<void> {
    return this.#run(async (c) => {
      await c.query(
        `alter table ${this.#name(STAGE_SUFFIX)} drop column ${q(BATCH_COLUMN)}, add primary key (${q(TARGET_KEY)}), comment = ${c.escape(comment.slice(0, 1000))}`,
      );
      const [found] = (await c.query(
        'select 1 from information_schema.tables where table_schema = ? and table_name = ?',
        [this.spec.table.schema, this.spec.table.name],
      )) as unknown as [unknown[]];
      // RENAME TABLE of several pairs is atomic: readers see the old table or the new one.
      if (found.length) {
        await c.query(
          `rename table ${this.#name()} to ${this.#name(OLD_SUFFIX)}, ${this.#name(STAGE_SUFFIX)} to ${this.#name()}`,
        );
        await c.query(`drop table ${this.#name(OLD_SUFFIX)}`);
      } else {
        await c.query(`rename table ${this.#name(STAGE_SUFFIX)} to ${this.#name()}`);
      }
    });
  }

  matches(): Promise<boolean> {
    return this.#run(async (c) => {
      const [rows] = (await c.query(
        'select column_name as n from information_schema.columns where table_schema = ? and table_name = ? order by ordinal_position',
        [this.spec.table.schema, this.spec.table.name],
      )) as unknown as [Array<{ n: string }>];
      return rows.map((r) => r.n).join(',') === this.#columns.join(',');
    });
  }

  upsert(rows: TargetRow[]): Promise<void> {
    return this.#run(async (c) => {
      await c.beginTransaction();
      try {
        await this.#insert(c, this.#name(), rows, { upsert: true });
        await c.commit();
      } catch (e) {
        await c.rollback().catch(() => {});
        throw e;
      }
    });
  }

  count(): Promise<number> {
    return this.#run(async (c) => {
      const [[row]] = (await c.query(`select count(*) as n from ${this.#name()}`)) as unknown as [Array<{ n: number }>];
      return Number(row?.n ?? 0);
    });
  }

  async close(): Promise<void> {
    const c = this.#conn;
    this.#conn = undefined;
    await c?.end().catch(() => {});
  }
}
