import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'csv-parse/sync';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, sessionsOf, signInAgain, type CatalogDepartment } from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { mask } from '../../src/server/platform/masking';
import { boundEntry, corpSource, corpUscc as uscc, grantItems, USCC_RULE, type CorpSource } from './pull-fixtures';

let t: TestApp;
let src: CorpSource;
let b: Awaited<ReturnType<typeof boundEntry>>;
let consumer: CatalogDepartment;
let grantNo: string;
/** Holds a 库表 grant: may export (the api grant above may only query). */
let tableConsumer: CatalogDepartment;
let tableGrantNo: string;
const ROWS = 300;

beforeAll(async () => {
  t = await testApp();
  src = await corpSource(ROWS);
  b = await boundEntry(t, src, { shareMethods: ['table', 'api'] });
  await runPull(t.ctx, b.binding.id);
  consumer = await catalogDepartment(t);
  grantNo = (await grantItems(t, b.entry, consumer, 'api', ['corp_id', 'uscc', 'corp_name'])).no;
  tableConsumer = await catalogDepartment(t);
  tableGrantNo = (await grantItems(t, b.entry, tableConsumer, 'table', ['corp_id', 'uscc', 'corp_name'])).no;
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

const path = () => `/api/v1/data/${b.entry.code}/records`;
/**
 * A CSV line's values, comma-separated again: which field a line quotes is the download's
 * fingerprint (Art 18), the values are what the export promises. (None of these values has a comma.)
 */
const csvValues = (line: string) => (parse(line) as string[][])[0]!.join(',');
const get = (s: { headers: { cookie: string } }, url: string) => t.inject({ method: 'GET', url, headers: s.headers });

describe('query API (R-24) over the data resource center', () => {
  it('keeps a source’s local date-times as written, whatever the server’s time zone', async () => {
    const { sql } = await import('kysely');
    const r = await sql<{ t: unknown }>`select '2026-11-01 08:00:00'::timestamp as t`.execute(t.ctx.db);
    expect(r.rows[0]!.t).toBe('2026-11-01 08:00:00');
  });

  it('gives the provider every column as stored', async () => {
    const res = expectStatus(await get(b.provider.user, `${path()}?limit=2`), 200).json();
    expect(res.columns.map((c: { field: string }) => c.field)).toEqual([
      'corp_id',
      'uscc',
      'corp_name',
      'reg_date',
      'active',
      'capital',
    ]);
    expect(res.items[0]).toMatchObject({ corp_id: '1', uscc: uscc(1), active: true });
    expect(res.grantNo).toBeNull();
  });

  it('refuses a department without a grant', async () => {
    const stranger = await catalogDepartment(t);
    const res = await get(stranger.user, path());
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('SHARING_GRANT_NO_GRANT');
  });

  it('gives a grant holder only the granted items, masked by their rules, stamped with the grant', async () => {
    const res = expectStatus(await get(consumer.user, `${path()}?filter=corp_id:5`), 200);
    expect(res.headers['x-govshare-grant']).toBe(grantNo);
    const body = res.json();
    expect(body.columns).toEqual([
      { field: 'corp_id', name: '企业编号', dataType: 'I', masked: false },
      { field: 'uscc', name: '统一社会信用代码', dataType: 'C', masked: true },
      { field: 'corp_name', name: '企业名称', dataType: 'C', masked: false },
    ]);
    expect(body.items).toEqual([{ corp_id: '5', uscc: mask(USCC_RULE, uscc(5)), corp_name: '上饶测试企业5有限公司' }]);
    expect(body.items[0].uscc).not.toBe(uscc(5));
    expect(body.items[0].uscc).toContain('*');
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['category', 'row_count', 'user_id'])
      .where('action', '=', 'exchange.records.query')
      .where('target_id', '=', b.entry.code)
      .where('user_id', '=', consumer.user.id)
      .execute();
    expect(audit).toEqual([{ category: 'query', row_count: 1, user_id: consumer.user.id }]);
  });

  it('refuses fields outside the grant and filters or sorts on masked fields', async () => {
    expect((await get(consumer.user, `${path()}?fields=capital`)).json().error.code).toBe('EXCHANGE_QUERY_INVALID');
    expect((await get(consumer.user, `${path()}?filter=uscc:${uscc(5)}`)).json().error.details.problems[0].field).toBe(
      'filter',
    );
    expect((await get(consumer.user, `${path()}?sort=-uscc`)).statusCode).toBe(400);
  });

  it('pages with a cursor through every row exactly once, and sorts on plain fields', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { items: Array<{ corp_id: string }>; nextCursor: string | null } = expectStatus(
        await get(consumer.user, `${path()}?fields=corp_id&limit=70${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      ).json();
      seen.push(...res.items.map((r) => r.corp_id));
      cursor = res.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(ROWS);
    expect(new Set(seen).size).toBe(ROWS);
    const top = expectStatus(await get(consumer.user, `${path()}?fields=corp_id&sort=-corp_id&limit=3`), 200).json();
    expect(top.items.map((r: { corp_id: string }) => r.corp_id)).toEqual(['300', '299', '298']);
  });

  it('exports every row as CSV and JSON lines under a table grant, masked and carrying the grant number', async () => {
    const csv = expectStatus(await get(tableConsumer.user, `/api/v1/data/${b.entry.code}/export`), 200);
    expect(csv.headers['x-govshare-grant']).toBe(tableGrantNo);
    expect(csv.headers['content-disposition']).toContain(tableGrantNo);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
      .map(csvValues);
    // Columns are named by the data items for people, and every row names the grant it left under (R-19).
    expect(lines[0]).toBe('企业编号,统一社会信用代码,企业名称,共享授权编号');
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines[1]).toBe(`1,${mask(USCC_RULE, uscc(1))},上饶测试企业1有限公司,${tableGrantNo}`);
    const csvLines = async (query: string) =>
      expectStatus(await get(tableConsumer.user, `/api/v1/data/${b.entry.code}/export?${query}`), 200)
        .body.replace(/^\uFEFF/, '')
        .trim()
        .split('\n')
        .map(csvValues);
    // Field names for programs.
    expect((await csvLines('header=code&filter=corp_id:7')).slice(0, 2)).toEqual([
      'corp_id,uscc,corp_name,grant_no',
      `7,${mask(USCC_RULE, uscc(7))},上饶测试企业7有限公司,${tableGrantNo}`,
    ]);
    // Only unmasked columns: on PostgreSQL this comes straight from COPY, the grant column too.
    expect((await csvLines('fields=corp_id,corp_name&filter=corp_id:7')).slice(0, 2)).toEqual([
      '企业编号,企业名称,共享授权编号',
      `7,上饶测试企业7有限公司,${tableGrantNo}`,
    ]);
    const jsonl = async (query: string) =>
      expectStatus(
        await get(tableConsumer.user, `/api/v1/data/${b.entry.code}/export?format=jsonl&filter=corp_id:7${query}`),
        200,
      )
        .body.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const named = await jsonl('');
    expect(named[0]).toMatchObject({ resource: b.entry.code, grantNo: tableGrantNo });
    expect(named.slice(1)).toEqual([
      { 企业编号: '7', 统一社会信用代码: mask(USCC_RULE, uscc(7)), 企业名称: '上饶测试企业7有限公司' },
    ]);
    expect((await jsonl('&header=code')).slice(1)).toEqual([
      { corp_id: '7', uscc: mask(USCC_RULE, uscc(7)), corp_name: '上饶测试企业7有限公司' },
    ]);
  });

  it('keeps a service-API grant to the query API: no export in any format, and a denial in the audit log', async () => {
    for (const format of ['csv', 'xlsx', 'jsonl']) {
      const res = await get(consumer.user, `/api/v1/data/${b.entry.code}/export?format=${format}`);
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({
        code: 'SHARING_GRANT_METHOD_NOT_ALLOWED',
        messageZh: expect.any(String),
      });
    }
    const denied = await t.ctx.db
      .selectFrom('audit_event')
      .select(['outcome', 'detail'])
      .where('action', '=', 'exchange.records.export')
      .where('user_id', '=', consumer.user.id)
      .execute();
    expect(denied).toHaveLength(3);
    expect(denied.every((e) => e.outcome === 'denied')).toBe(true);
    // And the table grant does not open the query API.
    expect((await get(tableConsumer.user, path())).json().error.code).toBe('SHARING_GRANT_METHOD_NOT_ALLOWED');
  });

  it('refuses a table grant’s export when its terms allow push only', async () => {
    await t.ctx.db.updateTable('share_grant').set({ bulk_export: false }).where('no', '=', tableGrantNo).execute();
    try {
      const res = await get(tableConsumer.user, `/api/v1/data/${b.entry.code}/export`);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('SHARING_GRANT_EXPORT_NOT_ALLOWED');
    } finally {
      await t.ctx.db.updateTable('share_grant').set({ bulk_export: true }).where('no', '=', tableGrantNo).execute();
    }
  });

  it('stops the query API at the grant’s daily row cap, and verification too', async () => {
    const capped = await catalogDepartment(t);
    const g = await grantItems(t, b.entry, capped, 'api', ['corp_id', 'uscc']);
    await t.ctx.db.updateTable('share_grant').set({ daily_row_cap: 250 }).where('id', '=', g.id).execute();
    const first = expectStatus(await get(capped.user, `${path()}?fields=corp_id&limit=200`), 200).json();
    expect(first.items).toHaveLength(200);
    // Only 50 rows of today's allowance are left: the next page is cut there, the cursor still offered.
    const second = expectStatus(
      await get(capped.user, `${path()}?fields=corp_id&limit=200&cursor=${first.nextCursor}`),
      200,
    ).json();
    expect(second.items.map((r: { corp_id: string }) => r.corp_id)).toHaveLength(50);
    expect(second.nextCursor).not.toBeNull();
    const refused = await get(capped.user, `${path()}?fields=corp_id&limit=1&cursor=${second.nextCursor}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('SHARING_GRANT_ROW_CAP_REACHED');
    const verify = await t.inject({
      method: 'POST',
      url: `/api/v1/data/${b.entry.code}/verify`,
      headers: capped.user.headers,
      payload: { fields: ['corp_id'], records: [['1']] },
    });
    expect(verify.json().error.code).toBe('SHARING_GRANT_ROW_CAP_REACHED');
    const outcomes = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'outcome'])
      .where('user_id', '=', capped.user.id)
      .where('action', 'like', 'exchange.records.%')
      .orderBy('id')
      .execute();
    expect(outcomes.map((e) => e.outcome)).toEqual(['success', 'success', 'denied', 'denied']);
    // Tomorrow (Beijing date) the allowance is whole again.
    t.clock.advance(24 * 3600_000);
    await signInAgain(t, capped.user, ...sessionsOf(b.provider), consumer.user, tableConsumer.user);
    expect(expectStatus(await get(capped.user, `${path()}?fields=corp_id&limit=10`), 200).json().items).toHaveLength(
      10,
    );
  });

  it('takes parallel calls under a cap out of one allowance', async () => {
    const capped = await catalogDepartment(t);
    const g = await grantItems(t, b.entry, capped, 'api', ['corp_id']);
    await t.ctx.db.updateTable('share_grant').set({ daily_row_cap: 100 }).where('id', '=', g.id).execute();
    const pages = await Promise.all(
      Array.from({ length: 6 }, () => get(capped.user, `${path()}?fields=corp_id&limit=30`)),
    );
    const delivered = pages.filter((p) => p.statusCode === 200).reduce((n, p) => n + p.json().items.length, 0);
    expect(delivered).toBe(100);
    expect(pages.filter((p) => p.statusCode === 403).length).toBeGreaterThanOrEqual(2);
  });

  it('answers calls under a grant with IP ranges only from those ranges', async () => {
    const fenced = await catalogDepartment(t);
    const g = await grantItems(t, b.entry, fenced, 'api', ['corp_id']);
    await t.ctx.db
      .updateTable('share_grant')
      .set({ ip_ranges: ['10.20.0.0/16'] })
      .where('id', '=', g.id)
      .execute();
    const from = (remoteAddress: string) =>
      t.inject({ method: 'GET', url: `${path()}?fields=corp_id&limit=1`, headers: fenced.user.headers, remoteAddress });
    expect((await from('10.20.3.4')).statusCode).toBe(200);
    const outside = await from('10.21.0.1');
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('SHARING_GRANT_IP_NOT_ALLOWED');
  });

  it('gives the provider the same CSV whether PostgreSQL COPYs it or the rows are written one by one', async () => {
    // On PostgreSQL nothing here is masked, so the export comes straight from COPY; on PGlite from the row path.
    const all = expectStatus(await get(b.provider.user, `/api/v1/data/${b.entry.code}/export`), 200);
    expect(all.body.startsWith('\uFEFF')).toBe(true);
    const lines = all.body.slice(1).trim().split('\n');
    // The provider's own data leaves under no grant: no grant column.
    expect(lines[0]).toBe('企业编号,统一社会信用代码,企业名称,成立日期,是否存续,注册资本');
    expect(lines).toHaveLength(ROWS + 1);
    // Key order is the text order of the key: 1, 10, 100, 101, …
    expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['1', '10', '100']);
    expect(lines[1]).toBe(`1,${uscc(1)},上饶测试企业1有限公司,2020-01-02,true,10.5000`);
    const some = expectStatus(
      await get(
        b.provider.user,
        `/api/v1/data/${b.entry.code}/export?fields=corp_id,active&filter=active:false&header=code`,
      ),
      200,
    );
    const rows = some.body.slice(1).trim().split('\n');
    expect(rows).toHaveLength(1 + ROWS / 3);
    expect(rows.slice(0, 2)).toEqual(['corp_id,active', '102,false']);
    // The closing event is written once the response has ended, which may be just after inject returns.
    await vi.waitFor(async () => {
      const end = await t.ctx.db
        .selectFrom('audit_event')
        .select('row_count')
        .where('action', '=', 'exchange.records.export.end')
        .orderBy('seq', 'desc')
        .limit(2)
        .execute();
      expect(end.map((x) => x.row_count)).toEqual([ROWS / 3, ROWS]);
    });
  });

  it('verifies values without revealing rows, including masked items, audited as 比对 (R-25)', async () => {
    const res = expectStatus(
      await t.inject({
        method: 'POST',
        url: `/api/v1/data/${b.entry.code}/verify`,
        headers: consumer.user.headers,
        payload: {
          fields: ['uscc', 'corp_name'],
          records: [
            [uscc(12), '上饶测试企业12有限公司'],
            [uscc(12), '别的企业'],
            [uscc(999), '上饶测试企业999有限公司'],
          ],
        },
      }),
      200,
    ).json();
    expect(res).toEqual({ results: [true, false, false], grantNo });
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['category', 'row_count', 'detail'])
      .where('action', '=', 'exchange.records.verify')
      .where('user_id', '=', consumer.user.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      category: 'compare',
      row_count: 3,
      detail: { fields: ['uscc', 'corp_name'], matched: 1 },
    });
    expect(JSON.stringify(audit[0]!.detail)).not.toContain(uscc(12));
    const outside = await t.inject({
      method: 'POST',
      url: `/api/v1/data/${b.entry.code}/verify`,
      headers: consumer.user.headers,
      payload: { fields: ['capital'], records: [['1']] },
    });
    expect(outside.json().error.code).toBe('EXCHANGE_QUERY_INVALID');
  });

  it('describes itself as a valid OpenAPI document of the caller’s readable fields (R-24)', async () => {
    const doc = expectStatus(await get(consumer.user, `/api/v1/data/${b.entry.code}/openapi.json`), 200).json();
    const SwaggerParser = (await import('@apidevtools/swagger-parser')).default;
    await SwaggerParser.validate(structuredClone(doc));
    expect(Object.keys(doc.components.schemas.Record.properties)).toEqual(['corp_id', 'uscc', 'corp_name']);
    expect(doc.components.schemas.Record.properties.uscc).toMatchObject({
      type: 'string',
      title: '统一社会信用代码',
      'x-masked': USCC_RULE.code,
    });
    expect(doc.info.version).toBe(grantNo);
    expect(Object.keys(doc.paths)).toEqual([
      `/api/v1/data/${b.entry.code}/records`,
      `/api/v1/data/${b.entry.code}/export`,
      `/api/v1/data/${b.entry.code}/verify`,
    ]);
  });
});
