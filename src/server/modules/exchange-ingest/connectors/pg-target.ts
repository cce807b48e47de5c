import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyField } from '../../../db/copy-field';
import { targetError } from './errors';
import { pgSettings } from './settings';
import { kindOf } from './postgresql';
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

const q = (id: string) => pg.escapeIdentifier(id);
const literal = (s: string) => pg.escapeLiteral(s);
/** Writes of a push may build a primary key over millions of rows: a generous limit, not none. */
const WRITE_TIMEOUT_MS = 30 * 60_000;

/** A consumer's PostgreSQL database: rows travel by COPY, the fastest way PostgreSQL takes them. */
export class PostgresTarget implements TargetWriter {
  readonly copies = true;
  #client: pg.Client | undefined;
  readonly #table: string;
  readonly #stage: string;
  readonly #old: string;
  readonly #columns: string[];

  constructor(
    private readonly p: ConnectionParams,
    private readonly spec: TargetSpec,
  ) {
    this.#table = `${q(spec.table.schema)}.${q(spec.table.name)}`;
    this.#stage = `${q(spec.table.schema)}.${q(spec.table.name + STAGE_SUFFIX)}`;
    this.#old = spec.table.name + OLD_SUFFIX;
    this.#columns = [TARGET_KEY, ...spec.columns.map((c) => c.name)];
  }

  async #run<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    try {
      if (!this.#client) {
        const client = new pg.Client({
          ...pgSettings(this.p),
          application_name: 'govshare-push',
          options: `-c statement_timeout=${WRITE_TIMEOUT_MS}`,
        });
        client.on('error', () => {});
        await client.connect();
        this.#client = client;
      }
      return await fn(this.#client);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      throw targetError(kindOf(err.code), err.code, err.message, this.p.password);
    }
  }

  #create(name: string): string {
    const defs = [
      `${q(TARGET_KEY)} text not null`,
      ...this.spec.columns.map((c) => `${q(c.name)} ${c.type}`),
      `${q(BATCH_COLUMN)} integer`,
    ];
    const comments = this.spec.columns.map((c) => `comment on column ${name}.${q(c.name)} is ${literal(c.comment)};`);
    return `create table ${name} (${defs.join(', ')}); ${comments.join(' ')}`;
  }

  /** One COPY of the rows (an incremental push's upsert goes through a temporary table this way). */
  async #copy(c: pg.Client, table: string, rows: TargetRow[]): Promise<void> {
    if (!rows.length) return;
    let text = '';
    for (const r of rows) text += r.map(copyField).join('\t') + '\n';
    await pipeline(
      Readable.from([text]),
      c.query(copyFrom(`copy ${table} (${this.#columns.map(q).join(', ')}) from stdin`)),
    );
  }

  openStage(afterBatch: number | null): Promise<boolean> {
    return this.#run(async (c) => {
      const exists = await c.query<{ ok: boolean }>(`select to_regclass($1) is not null as ok`, [this.#stage]);
      if (afterBatch !== null && exists.rows[0]!.ok) {
        await c.query(`delete from ${this.#stage} where ${q(BATCH_COLUMN)} > $1`, [afterBatch]);
        return true;
      }
      await c.query(`drop table if exists ${this.#stage}; ${this.#create(this.#stage)}`);
      return false;
    });
  }

  /** One COPY into the stage across many batches: a COPY statement per batch costs a round trip and a commit each. */
  stageWriter(): StageWriter {
    let stream: Writable | null = null;
    let done: Promise<void> | null = null;
    const open = () =>
      this.#run(async (c) => {
        const s = c.query(
          copyFrom(`copy ${this.#stage} (${[...this.#columns, BATCH_COLUMN].map(q).join(', ')}) from stdin`),
        );
        done = finished(s);
        done.catch(() => {});
        stream = s;
        return s;
      });
    return {
      write: (rows, batch) =>
        this.#run(async () => {
          const s = stream ?? (await open());
          let text: Buffer | string = '';
          if (Buffer.isBuffer(rows)) text = rows;
          else {
            const tail = `\t${batch}\n`;
            for (const r of rows) text += r.map(copyField).join('\t') + tail;
          }
          if (!s.write(text)) await Promise.race([once(s, 'drain'), done]);
        }),
      end: () =>
        this.#run(async () => {
          stream?.end();
          await done;
          stream = null;
          done = null;
        }),
      abort: (e) => stream?.destroy(e instanceof Error ? e : new Error(String(e))),
    };
  }

  swapStage(comment: string): Promise<void> {
    return this.#run(async (c) => {
      // The key is built on the stage before the swap: readers of the target wait only for the renames.
      await c.query(`alter table ${this.#stage} drop column ${q(BATCH_COLUMN)}, add primary key (${q(TARGET_KEY)})`);
      await c.query('begin');
      try {
        await c.query(`alter table if exists ${this.#table} rename to ${q(this.#old)}`);
        await c.query(`alter table ${this.#stage} rename to ${q(this.spec.table.name)}`);
        await c.query(`drop table if exists ${q(this.spec.table.schema)}.${q(this.#old)}`);
        await c.query(`comment on table ${this.#table} is ${literal(comment)}`);
        await c.query('commit');
      } catch (e) {
        await c.query('rollback').catch(() => {});
        throw e;
      }
    });
  }

  matches(): Promise<boolean> {
    return this.#run(async (c) => {
      const r = await c.query<{ name: string }>(
        `select a.attname as name from pg_attribute a where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum`,
        [this.#table],
      );
      return r.rows.map((x) => x.name).join(',') === this.#columns.join(',');
    });
  }

  upsert(rows: TargetRow[]): Promise<void> {
    if (!rows.length) return Promise.resolve();
    return this.#run(async (c) => {
      const set = this.spec.columns.map((col) => `${q(col.name)} = excluded.${q(col.name)}`);
      await c.query('begin');
      try {
        await c.query(`create temp table gs_push_in (like ${this.#table}) on commit drop`);
        await this.#copy(c, 'gs_push_in', rows);
        await c.query(
          `insert into ${this.#table} select * from gs_push_in on conflict (${q(TARGET_KEY)}) do ${set.length ? `update set ${set.join(', ')}` : 'nothing'}`,
        );
        await c.query('commit');
      } catch (e) {
        await c.query('rollback').catch(() => {});
        throw e;
      }
    });
  }

  count(): Promise<number> {
    return this.#run(async (c) =>
      Number((await c.query<{ n: string }>(`select count(*) as n from ${this.#table}`)).rows[0]!.n),
    );
  }

  async close(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => {});
  }
}
