import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Connection } from 'mysql2';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, item, publishedEntry } from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { copyRows } from '../../src/server/modules/exchange-ingest/connectors/mysql-copy';
import { MARIADB, mariaDatabase, pgDatabase } from './sources-fixtures';

/**
 * Every kind of value a pull meets in a MySQL or a PostgreSQL source, and where each ends up. On
 * PostgreSQL a full pull writes the source's bytes as COPY text (connectors/mysql-copy.ts, the
 * PostgreSQL source's own COPY out through copy-rows.ts); on PGlite rows are decoded and inserted.
 * Both phases of the suite assert the same center rows, so the paths cannot drift apart.
 */

let t: TestApp;
const suffix = randomBytes(3).toString('hex');
const BIG = `${'x'.repeat(70_000)}尾`;
const MID = '中'.repeat(300);
const FILLER = 42;

/** A source database with table vals, registered with the API as `payload` says; drop() removes it. */
interface ValuesSource {
  payload: Record<string, unknown>;
  drop(): Promise<void>;
}

async function mysqlValues(): Promise<ValuesSource> {
  const db = await mariaDatabase('t');
  // Zero dates are what old department systems hold; strict mode would refuse them. 0x41ff is not
  // UTF-8: it arrives as A and the replacement character, as on every path.
  await db.query(
    `create table vals (
      k1 varchar(20) not null, k2 int not null, txt varchar(200), big mediumtext, mid text, d date, dt datetime,
      amount decimal(10,2), flag tinyint(1), bitf bit(1), payload blob, code varbinary(10), ratio double,
      primary key (k1, k2)
    );
    set session sql_mode = '';
    insert into vals values
      ('a', 1, 'tab\\there\\nnew\\\\back\\rcr', ?, ?, '2024-02-29', '2024-02-29 23:59:59', 1234.50, 1, b'1', x'00ff10', x'41ff', 1.5e-7),
      ('a', 2, null, null, null, null, null, null, null, null, null, null, null),
      ('b\\tc', 1, '', '', '𠀀', '0000-00-00', '0000-00-00 00:00:00', 0, 2, b'0', '', 'plain', -0.25);
    insert into vals (k1, k2, txt) values ?`,
    [BIG, MID, Array.from({ length: FILLER }, (_, i) => ['f', i + 1, `row ${i + 1}`])],
  );
  return {
    payload: {
      kind: 'mysql',
      host: MARIADB.host,
      port: MARIADB.port,
      database: db.database,
      username: db.username,
      password: db.password,
    },
    drop: () => db.drop(),
  };
}

async function postgresValues(): Promise<ValuesSource> {
  const db = await pgDatabase('t');
  await db.query(`create table vals (
    k1 varchar(20) not null, k2 int not null, txt varchar(200), big text, mid text, d date, dt timestamp,
    amount numeric(10,2), flag int, bitf boolean, payload bytea, code varchar(10), ratio double precision,
    primary key (k1, k2))`);
  const insert = 'insert into vals values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)';
  await db.query(insert, [
    'a',
    1,
    'tab\there\nnew\\back\rcr',
    BIG,
    MID,
    '2024-02-29',
    '2024-02-29 23:59:59',
    '1234.50',
    1,
    true,
    Buffer.from('00ff10', 'hex'),
    'A\uFFFD',
    1.5e-7,
  ]);
  await db.query(insert, ['a', 2, null, null, null, null, null, null, null, null, null, null, null]);
  await db.query(insert, ['b\tc', 1, '', '', '𠀀', null, null, '0', 2, false, Buffer.alloc(0), 'plain', -0.25]);
  await db.query(`insert into vals (k1, k2, txt) select 'f', g, 'row ' || g from generate_series(1, ${FILLER}) g`);
  return {
    payload: {
      kind: 'postgresql',
      host: db.host,
      port: db.port,
      database: db.database,
      username: db.username,
      password: 'unused-under-trust',
    },
    drop: () => db.drop(),
  };
}

const sources: Record<string, ValuesSource> = {};
beforeAll(async () => {
  t = await testApp();
  sources.mysql = await mysqlValues();
  sources.postgresql = await postgresValues();
});
afterAll(async () => {
  for (const s of Object.values(sources)) await s.drop();
  await t?.close();
});

const ITEMS: Array<[string, string, Parameters<typeof item>[0]]> = [
  ['k1', 'key_text', { dataType: 'C', length: 20 }],
  ['k2', 'key_no', { dataType: 'I', length: null }],
  ['txt', 'note', { dataType: 'C', length: 200 }],
  ['big', 'memo', { dataType: 'M', length: null }],
  ['mid', 'mid_text', { dataType: 'M', length: null }],
  ['d', 'day', { dataType: 'D', length: null }],
  ['dt', 'moment', { dataType: 'T', length: null }],
  ['amount', 'amount', { dataType: 'Y', length: 12 }],
  ['flag', 'flag', { dataType: 'L', length: null }],
  ['bitf', 'bit_flag', { dataType: 'L', length: null }],
  ['payload', 'payload', { dataType: 'G', length: null }],
  ['code', 'raw_code', { dataType: 'C', length: 20 }],
  ['ratio', 'ratio', { dataType: 'B', length: null }],
];

describe('values of a source in the center (R-21)', () => {
  it.each(['mysql', 'postgresql'])(
    'keeps text, escapes, long values, dates, flags, bits and bytes of a %s source exactly, across a resumed run with a two-column key',
    async (kind) => {
      const provider = await catalogDepartment(t);
      const { entry } = await publishedEntry(t, {
        provider,
        shareMethods: ['table'],
        items: ITEMS.map(([, fieldName, over], i) => item({ name: `值${i}`, fieldName, ...over })),
      });
      const source = expectStatus(
        await t.inject({
          method: 'POST',
          url: '/api/exchange/sources',
          headers: provider.specialist.headers,
          payload: { name: `值库${kind}${suffix}`, ...sources[kind]!.payload },
        }),
        201,
      ).json<{ id: string }>();
      const binding = expectStatus(
        await t.inject({
          method: 'PUT',
          url: `/api/exchange/entries/${entry.id}/binding`,
          headers: provider.specialist.headers,
          payload: {
            sourceId: source.id,
            table: 'vals',
            keyColumns: ['k1', 'k2'],
            columnMap: ITEMS.map(([sourceColumn, column]) => ({ column, sourceColumn })),
          },
        }),
        200,
      ).json<{ id: string }>();

      // One row per batch: the first window (20 batches) commits, the crash comes in the second.
      await expect(
        runPull(t.ctx, binding.id, {
          batchSize: 1,
          onProgress: (p) => {
            if (p.read === 25) throw new Error('simulated crash');
          },
        }),
      ).rejects.toThrow('simulated crash');
      const [interrupted] = await t.ctx.db
        .selectFrom('exchange_run')
        .select(['rows_written', 'checkpoint'])
        .where('binding_id', '=', binding.id)
        .execute();
      expect(Number(interrupted!.rows_written)).toBe(20);
      // As text from the wire, as numbers from decoded rows: MySQL compares either with the key columns.
      expect(interrupted!.checkpoint!.key.map(String)).toEqual(['f', '17']);
      await t.ctx.db
        .updateTable('exchange_run')
        .set({ status: 'running', finished_at: null, error: null })
        .where('binding_id', '=', binding.id)
        .execute();
      const done = await runPull(t.ctx, binding.id, { batchSize: 1 });
      expect(done).toMatchObject({
        resumed: true,
        read: 3 + FILLER,
        reconciliation: { sourceRows: 3 + FILLER, centerRows: 3 + FILLER, match: true },
      });

      const table = `e_${entry.code.replace('/', '_')}`;
      const rows = await sql<Record<string, string | null>>`
      select _gs_key as key, key_text, key_no::text, note, length(memo)::text as memo_length, right(memo, 2) as memo_end, mid_text,
        day::text, moment::text, amount::text, flag::text, bit_flag::text, encode(payload, 'hex') as payload, raw_code, ratio::text
      from rc.${sql.id(table)} as c order by c.key_text, c.key_no`.execute(t.ctx.db);
      expect(rows.rows.slice(0, 3)).toEqual([
        {
          key: '["a","1"]',
          key_text: 'a',
          key_no: '1',
          note: 'tab\there\nnew\\back\rcr',
          memo_length: String(BIG.length),
          memo_end: 'x尾',
          mid_text: '中'.repeat(300),
          day: '2024-02-29',
          moment: '2024-02-29 23:59:59',
          amount: '1234.5000',
          flag: 'true',
          bit_flag: 'true',
          payload: '00ff10',
          raw_code: 'A\uFFFD',
          ratio: '1.5e-07',
        },
        {
          key: '["a","2"]',
          key_text: 'a',
          key_no: '2',
          note: null,
          memo_length: null,
          memo_end: null,
          mid_text: null,
          day: null,
          moment: null,
          amount: null,
          flag: null,
          bit_flag: null,
          payload: null,
          raw_code: null,
          ratio: null,
        },
        {
          key: '["b\\tc","1"]',
          key_text: 'b\tc',
          key_no: '1',
          note: '',
          memo_length: '0',
          memo_end: '',
          mid_text: '𠀀',
          day: null,
          moment: null,
          amount: '0.0000',
          flag: 'false',
          bit_flag: 'false',
          payload: '',
          raw_code: 'plain',
          ratio: '-0.25',
        },
      ]);
      expect(rows.rows.slice(3).map((r) => `${r.key}|${r.note}`)).toEqual(
        Array.from({ length: FILLER }, (_, i) => `["f","${i + 1}"]|row ${i + 1}`),
      );
    },
  );

  it('fails rather than loading nothing when mysql2 parses the rows itself (its internals changed)', async () => {
    // A query that ignores the replaced row parser: it hands over a parsed row, as mysql2 would.
    const query = new EventEmitter();
    const conn = { query: () => query, pause: () => {}, resume: () => {} } as unknown as Connection;
    const batches = copyRows(conn, 'select 1', [], 1, { key: [0], cells: [], tail: '\n' }, 10);
    setImmediate(() => {
      query.emit('result', [1], 0);
      query.emit('end');
    });
    await expect(batches.next()).rejects.toThrow('COPY row hook is not in effect');
  });
});
