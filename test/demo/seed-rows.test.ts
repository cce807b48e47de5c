import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testApp, type TestApp } from '../helpers/app';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/server/demo/seed';
import { ENTERPRISE_ENTRY, PEOPLE_ENTRY, demoRowCount, demoTableEntries } from '../../src/server/demo/seed-exchange';
import { isValidIdNumber } from '../../src/shared/org/id-number';
import { isValidCreditCode } from '../../src/shared/org/credit-code';

/** The demo seed with its synthetic rows on (issue #5 point 10), at full scale. */

let t: TestApp;
let seedMs: number;
beforeAll(async () => {
  t = await testApp({ demoRows: 1 });
  const started = Date.now();
  expect(await seedDemoIfEmpty(t.ctx)).toBe(true);
  seedMs = Date.now() - started;
  console.info(`demo seed with rows (${t.ctx.dbKind}): ${seedMs} ms`);
}, 120_000);
afterAll(() => t.close());

/** The entry's managed table, by the entry's name. */
async function managed(name: string) {
  return t.ctx.db
    .selectFrom('exchange_managed_table as m')
    .innerJoin('catalog_entry as e', 'e.id', 'm.entry_id')
    .innerJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select(['m.entry_id', 'm.table_name', 'm.columns'])
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
}

const count = async (table: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from rc.${sql.id(table)}`.execute(t.ctx.db)).rows[0]!.n);

describe('demo rows in the data resource center', () => {
  it('loads 10 000 enterprises, 50 000 insured people and every other 库表 entry', async () => {
    expect(await count((await managed(ENTERPRISE_ENTRY)).table_name)).toBe(10_000);
    expect(await count((await managed(PEOPLE_ENTRY)).table_name)).toBe(50_000);
    const entries = demoTableEntries();
    expect(entries.length).toBeGreaterThanOrEqual(10);
    for (const e of entries)
      expect(await count((await managed(e.input.name)).table_name), e.input.name).toBe(demoRowCount(e.input.name, 1));
  });

  it('measured each table: complete, and every checked ID number and credit code valid', async () => {
    for (const e of demoTableEntries()) {
      const m = await managed(e.input.name);
      const q = await t.ctx.db.selectFrom('exchange_quality').selectAll().where('entry_id', '=', m.entry_id).execute();
      expect(q, e.input.name).toHaveLength(1);
      expect(Number(q[0]!.row_count)).toBe(demoRowCount(e.input.name, 1));
      expect(Number(q[0]!.completeness), e.input.name).toBe(1);
      if (q[0]!.accuracy !== null) expect(Number(q[0]!.accuracy), e.input.name).toBe(1);
    }
    const people = await managed(PEOPLE_ENTRY);
    const q = await t.ctx.db
      .selectFrom('exchange_quality')
      .select('columns')
      .where('entry_id', '=', people.entry_id)
      .executeTakeFirstOrThrow();
    expect(q.columns.find((c) => c.rule === 'id_number')).toMatchObject({ invalid: 0 });
    expect(q.columns.find((c) => c.rule === 'id_number')!.checked).toBeGreaterThan(1000);
  });

  it('keys rows by ID number and credit code, all valid and linked across resources', async () => {
    const people = await managed(PEOPLE_ENTRY);
    const ids = await sql<{
      k: string;
      id: string;
      code: string;
    }>`select _gs_key as k, id_card_no as id, employer_uscc as code from rc.${sql.id(people.table_name)}`.execute(
      t.ctx.db,
    );
    for (const r of ids.rows) {
      if (!isValidIdNumber(r.id) || !isValidCreditCode(r.code) || r.k !== r.id)
        throw new Error(`invalid row ${JSON.stringify(r)}`);
    }
    // Employers are registered enterprises: the two resources join on the credit code.
    const ent = await managed(ENTERPRISE_ENTRY);
    const joined = await sql<{
      n: string;
    }>`select count(*) as n from rc.${sql.id(people.table_name)} p join rc.${sql.id(ent.table_name)} e on e.uscc = p.employer_uscc`.execute(
      t.ctx.db,
    );
    expect(Number(joined.rows[0]!.n)).toBe(50_000);
  });

  it('shows the rows and their quality through the API', async () => {
    const user = await t.login('scj_yh', DEMO_PASSWORD);
    const ent = await managed(ENTERPRISE_ENTRY);
    const res = await t.inject({ method: 'GET', url: `/api/exchange/entries/${ent.entry_id}/quality`, headers: user });
    expect(res.statusCode).toBe(200);
    expect(res.json().latest).toMatchObject({ rows: 10_000, completeness: 1 });
  });
});
