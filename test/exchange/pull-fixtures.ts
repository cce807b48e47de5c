import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, item, publishedEntry, type CatalogDepartment } from '../catalog/factory';
import { MARIADB, mariaDatabase } from './sources-fixtures';
import { submitRequest } from '../sharing/factory';
import { suggestRule } from '../../src/server/platform/masking';
import type { Grant, ShareRequest } from '../../src/server/modules/sharing/schemas';
import type { EntryInput } from '../../src/shared/catalog/schemas';

/**
 * A MariaDB source table of synthetic enterprises and a published 库表 entry whose items match it,
 * bound through the real API: what a table job pulls in the tests.
 */

export interface CorpSource {
  database: string;
  username: string;
  password: string;
  exec(statement: string, values?: unknown[]): Promise<void>;
  /** Rows ordered by id, as one digest: compared with the managed table's. */
  digest(): Promise<{ rows: number; sha: string }>;
  drop(): Promise<void>;
}

export async function corpSource(rows: number): Promise<CorpSource> {
  const db = await mariaDatabase('t');
  await db.query(`create table corp (
      id int primary key, uscc char(18) not null, name varchar(100) not null, reg_date date, active tinyint(1) not null,
      capital decimal(14,2), updated_at datetime not null, key (updated_at, id)
    )`);
  // Chunks of 1000 keep each statement small.
  for (let start = 1; start <= rows; start += 1000) {
    const values = [];
    for (let i = start; i < Math.min(start + 1000, rows + 1); i++) {
      values.push([
        i,
        corpUscc(i),
        `上饶测试企业${i}有限公司`,
        `2020-01-${String((i % 28) + 1).padStart(2, '0')}`,
        i % 3 === 0 ? 0 : 1,
        (i * 10.5).toFixed(2),
        '2026-11-01 08:00:00',
      ]);
    }
    await db.query('insert into corp values ?', [values]);
  }
  return {
    database: db.database,
    username: db.username,
    password: db.password,
    exec: async (statement, values = []) => void (await db.query(statement, values)),
    async digest() {
      const r = await db.query('select id, uscc, name, reg_date, active, capital from corp order by id');
      return digestOf(r.map((x) => [x.id, x.uscc, x.name, x.reg_date, Number(x.active) === 1, money(x.capital)]));
    },
    drop: () => db.drop(),
  };
}

/** The 统一社会信用代码 corpSource gives row `id` (made up: most fail the check digit). */
export const corpUscc = (id: number) => `91361100${String(id).padStart(9, '0')}X`;

/** The rule boundEntry's 统一社会信用代码 item is masked with, unless a provider configures another. */
export const USCC_RULE = suggestRule({
  name: '统一社会信用代码',
  fieldName: 'uscc',
  maskRule: '保留前6位和后4位，其余以*代替',
  sensitivity: 'personal',
});

/** The consumer's request for the bound entry's items `fields` through `method`: granted at once (the entry is unconditional). */
export async function grantItems(
  t: TestApp,
  entry: Awaited<ReturnType<typeof boundEntry>>['entry'],
  consumer: CatalogDepartment,
  method: string,
  fields: readonly string[],
): Promise<Grant> {
  const itemIds = entry.current!.items.filter((i) => fields.includes(i.fieldName!)).map((i) => i.id);
  const r = expectStatus(
    await submitRequest(t, consumer.user, entry, {
      letterId: null,
      method,
      itemIds,
      periodFrom: undefined,
      periodTo: undefined,
    }),
    201,
  ).json<ShareRequest>();
  return r.grant!;
}

/** numeric(14,2) in the source, numeric(20,4) in the center: compared as cents. */
const money = (v: unknown) => (v === null ? null : Number(v).toFixed(2));

export function digestOf(rows: unknown[][]): { rows: number; sha: string } {
  const h = createHash('sha256');
  for (const r of rows) h.update(JSON.stringify(r.map((v) => (v === null ? null : String(v)))) + '\n');
  return { rows: rows.length, sha: h.digest('hex') };
}

/** The managed table's rows in the same shape and order as CorpSource.digest. */
export async function centerDigest(t: TestApp, table: string) {
  const r = await sql<
    Record<string, unknown>
  >`select corp_id, uscc, corp_name, reg_date, active, capital from rc.${sql.id(table)} order by corp_id`.execute(
    t.ctx.db,
  );
  return digestOf(r.rows.map((x) => [x.corp_id, x.uscc, x.corp_name, x.reg_date, x.active, money(x.capital)]));
}

/** A MariaDB database registered as a source of `provider`'s department, through the API. */
export async function registerMariaSource(
  t: TestApp,
  provider: CatalogDepartment,
  db: { database: string; username: string; password: string },
): Promise<{ id: string }> {
  return expectStatus(
    await t.inject({
      method: 'POST',
      url: '/api/exchange/sources',
      headers: provider.specialist.headers,
      payload: {
        name: `库${randomBytes(3).toString('hex')}`,
        kind: 'mysql',
        host: MARIADB.host,
        port: MARIADB.port,
        database: db.database,
        username: db.username,
        password: db.password,
      },
    }),
    201,
  ).json<{ id: string }>();
}

/** A published 库表 entry of the enterprises, its provider, and a source registered for the provider. */
export async function boundEntry(
  t: TestApp,
  src: CorpSource,
  opts: {
    watermark?: boolean;
    provider?: CatalogDepartment;
    shareMethods?: EntryInput['shareMethods'];
    openType?: EntryInput['openType'];
  } = {},
) {
  const provider = opts.provider ?? (await catalogDepartment(t));
  const { entry } = await publishedEntry(t, {
    provider,
    shareMethods: opts.shareMethods ?? ['table'],
    openType: opts.openType,
    items: [
      item({ name: '企业编号', fieldName: 'corp_id', dataType: 'I', length: null }),
      item({
        name: '统一社会信用代码',
        fieldName: 'uscc',
        length: 18,
        sensitivity: 'personal',
        maskRule: '保留前6位和后4位，其余以*代替',
      }),
      item({ name: '企业名称', fieldName: 'corp_name', length: 100 }),
      item({ name: '成立日期', fieldName: 'reg_date', dataType: 'D', length: null }),
      item({ name: '是否存续', fieldName: 'active', dataType: 'L', length: null }),
      item({ name: '注册资本', fieldName: 'capital', dataType: 'Y', length: 14 }),
    ],
  });
  const source = await registerMariaSource(t, provider, src);
  const binding = expectStatus(
    await t.inject({
      method: 'PUT',
      url: `/api/exchange/entries/${entry.id}/binding`,
      headers: provider.specialist.headers,
      payload: {
        sourceId: source.id,
        table: 'corp',
        keyColumns: ['id'],
        ...(opts.watermark ? { watermarkColumn: 'updated_at' } : {}),
        columnMap: [
          { column: 'corp_id', sourceColumn: 'id' },
          { column: 'uscc', sourceColumn: 'uscc' },
          { column: 'corp_name', sourceColumn: 'name' },
          { column: 'reg_date', sourceColumn: 'reg_date' },
          { column: 'active', sourceColumn: 'active' },
          { column: 'capital', sourceColumn: 'capital' },
        ],
      },
    }),
    200,
  ).json<{ id: string }>();
  const table = `e_${entry.code.replace('/', '_')}`;
  return { entry, provider, source, binding, table };
}
