import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { broadnessOf, searchEntries } from '../../src/server/modules/catalog/search-service';
import { estimatedMatches } from '../../src/server/modules/catalog/search-repo';
import { insertEntry } from './search-fixtures';

/**
 * Broad searches (a word in most of the catalog): the page comes tier by tier, newest first within a
 * tier, and counts are estimated from a sample. The thresholds are lowered here so a small catalog
 * takes that path; bench/catalog-search measures it at 100k entries.
 */
let t: TestApp;
const staff = { roles: ['dept_user'] };
const day = (d: number) => new Date(Date.UTC(2026, 5, d));

beforeAll(async () => {
  t = await testApp();
  const dept = await t.department({ name: '上饶市交通运输局' });
  const add = (name: string, d: number, items: string[] = ['线路名称'], summary = '交通运输信息') =>
    insertEntry(t.ctx.db, { name, departmentId: dept.id, items, summary, publishedAt: day(d) });
  await add('公交线路信息', 1);
  await add('公交站点信息', 5);
  await add('公交票价信息', 3);
  await add('出租车营运信息', 9, ['公交换乘站点']);
  await add('道路运输许可信息', 8, ['许可证号'], '含公交企业的经营许可');
  await add('出租车投诉信息', 10, ['投诉内容'], '出租车服务投诉');
});
afterAll(() => t.close());

describe('broad searches', () => {
  it('orders name matches, then item matches, then summary matches, each newest first, across pages', async () => {
    const tuning = { broadMatches: 2, sampleRows: 1_000_000 };
    const names: string[] = [];
    for (let page = 1; page <= 3; page++)
      names.push(
        ...(await searchEntries(t.ctx, staff, { q: '公交', page, pageSize: 2 }, tuning)).items.map((h) => h.name),
      );
    expect(names).toEqual(['公交站点信息', '公交票价信息', '公交线路信息', '出租车营运信息', '道路运输许可信息']);
    const exact = await searchEntries(t.ctx, staff, { q: '公交' }, tuning);
    // The whole catalog fits the "sample": counts stay exact.
    expect(exact).toMatchObject({ total: 5, approximate: false });
    expect(exact.facets.department).toEqual([{ value: expect.any(String), label: '上饶市交通运输局', count: 5 }]);
    expect(exact.items[0]!.highlights?.name).toContain('<mark>公交</mark>');
  });

  it('flags estimated counts when they come from a sample', async () => {
    const r = await searchEntries(t.ctx, staff, { q: '公交' }, { broadMatches: 2, sampleRows: 2 });
    expect(r.approximate).toBe(true);
    expect(r.items.map((h) => h.name).slice(0, 3)).toEqual(['公交站点信息', '公交票价信息', '公交线路信息']);
  });

  it('counts exactly when the matches, read up to the threshold, do not pass it', async () => {
    // Five matches in a six-entry table: the estimate (at most 6) is never 3× over the threshold, so
    // the search reads the matches itself, finds no more than five, and keeps its exact counts.
    const r = await searchEntries(t.ctx, staff, { q: '公交' }, { broadMatches: 5, sampleRows: 2 });
    expect(r).toMatchObject({ total: 5, approximate: false });
    expect(r.facets.department[0]!.count).toBe(5);
  });

  it('keeps exact ranking and counts below the threshold', async () => {
    const r = await searchEntries(t.ctx, staff, { q: '公交' });
    expect(r).toMatchObject({ total: 5, approximate: false });
    expect(r.items.slice(0, 3).every((h) => h.name.startsWith('公交'))).toBe(true);
  });

  it("trusts the planner's estimate of the matches only far from the threshold, and counts in between", () => {
    expect(broadnessOf(30_001, 10_000)).toBe('broad');
    expect(broadnessOf(30_000, 10_000)).toBe('count');
    expect(broadnessOf(5_000, 10_000)).toBe('count');
    expect(broadnessOf(4_999, 10_000)).toBe('narrow');
    // The planner never estimates below one row, so a tiny threshold is always checked by counting.
    expect(broadnessOf(1, 2)).toBe('count');
  });

  it("reads the planner's estimate of the matches from the table's statistics", async () => {
    // 40 entries of one more department, so the statistics have something to count.
    const env = await t.department({ name: '上饶市生态环境局' });
    for (let i = 0; i < 40; i++)
      await insertEntry(t.ctx.db, { name: `水质监测点位${i}`, departmentId: env.id, publishedAt: day(11) });
    await sql`analyze catalog_search`.execute(t.ctx.db);
    const estimate = await estimatedMatches(t.ctx.db, {
      actor: staff,
      openOnly: false,
      filters: { department: env.id },
    });
    expect(estimate).toBeGreaterThanOrEqual(30);
    expect(estimate).toBeLessThanOrEqual(46);
  });
});
