import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { iterateSearch, searchEntries, type SearchHit } from '../../src/server/modules/catalog/search-service';
import { AppError } from '../../src/server/platform/errors';
import * as searchTable from '../../src/server/db/migrations/0004_catalog_search';
import * as openPortal from '../../src/server/db/migrations/0018_open_portal';
import * as searchWords from '../../src/server/db/migrations/0019_search_words';
import * as facetKey from '../../src/server/db/migrations/0026_search_facet_key';
import * as searchGeneration from '../../src/server/db/migrations/0027_search_generation';
import * as packageIds from '../../src/server/db/migrations/0028_open_package_id';
import { insertEntry } from './search-fixtures';

let t: TestApp;
const staff = { roles: ['dept_user'] };

beforeAll(async () => {
  t = await testApp();
  const dept = await t.department({ name: '上饶市交通运输局' });
  const openTypes = ['unconditional', 'conditional', 'none'] as const;
  for (let i = 0; i < 14; i++) {
    await insertEntry(t.ctx.db, {
      name: `公交线路站点信息${i + 1}`,
      departmentId: dept.id,
      items: ['线路名称', '站点名称', '首班时间'],
      openType: openTypes[i % 3],
      publishedAt: new Date(Date.UTC(2026, 5, 1 + i)),
    });
  }
  await insertEntry(t.ctx.db, {
    name: '公交线路草稿',
    departmentId: dept.id,
    entryStatus: 'draft',
    versionStatus: 'draft',
  });
});
afterAll(() => t.close());

async function all(gen: AsyncGenerator<SearchHit>) {
  const out: SearchHit[] = [];
  for await (const h of gen) out.push(h);
  return out;
}

describe('search service for other modules', () => {
  it('iterates every match in the same order as paging, without facets or highlights', async () => {
    const query = { q: '公交线路' };
    const rows = await all(iterateSearch(t.ctx, staff, query, { batchSize: 4 }));
    expect(rows).toHaveLength(14);
    const paged: string[] = [];
    for (let page = 1; page <= 3; page++)
      paged.push(...(await searchEntries(t.ctx, staff, { ...query, page, pageSize: 5 })).items.map((h) => h.entryId));
    expect(rows.map((r) => r.entryId)).toEqual(paged);
    expect(rows.every((r) => r.highlights === undefined)).toBe(true);
  });

  it('iterates the open portal only over open entries', async () => {
    const rows = await all(iterateSearch(t.ctx, staff, { q: '公交线路', portal: 'open' }, { batchSize: 3 }));
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.openType !== 'none')).toBe(true);
  });

  it('shows anonymous and public callers only entries open to the public', async () => {
    for (const actor of [null, { roles: ['public_user'] }]) {
      const res = await searchEntries(t.ctx, actor, { q: '公交线路' });
      expect(res.total).toBe(10);
      expect(res.facets.openType.map((f) => f.value)).toEqual(['unconditional', 'conditional']);
    }
  });

  it('marks matching data items and the name', async () => {
    const res = await searchEntries(t.ctx, staff, { q: '站点', pageSize: 1 });
    expect(res.items[0]!.highlights).toEqual({
      name: expect.stringContaining('<mark>站点</mark>'),
      items: ['<mark>站点</mark>名称'],
    });
  });

  it('shortens long summaries and escapes markup in highlights', async () => {
    const dept = await t.department();
    await insertEntry(t.ctx.db, { name: '<b>地铁</b>运营信息', departmentId: dept.id, summary: '地'.repeat(300) });
    const [hit] = (await searchEntries(t.ctx, staff, { q: '地铁' })).items;
    expect(hit!.summary).toBe('地'.repeat(120) + '…');
    expect(hit!.highlights!.name).toBe('&lt;b&gt;<mark>地铁</mark>&lt;/b&gt;运营信息');
  });

  it('refuses text over 100 characters before touching the database', async () => {
    await expect(searchEntries(t.ctx, staff, { q: '路'.repeat(101) })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'SEARCH_QUERY_TOO_LONG',
    );
    await expect(all(iterateSearch(t.ctx, staff, { q: '路'.repeat(101) }))).rejects.toBeInstanceOf(AppError);
  });

  it('fills the search table from the entries already published when the migration runs', async () => {
    // The later migrations build on the search table (and 0028 on open_dataset): down and up around it.
    await packageIds.down(t.ctx.db as never);
    await searchGeneration.down(t.ctx.db as never);
    await facetKey.down(t.ctx.db as never);
    await searchWords.down(t.ctx.db as never);
    await openPortal.down(t.ctx.db as never);
    await searchTable.down(t.ctx.db as never);
    await insertEntry(t.ctx.db, {
      name: '地下管网信息',
      departmentId: (await t.department()).id,
      beforeMigration: true,
    });
    await searchTable.up(t.ctx.db as never);
    await openPortal.up(t.ctx.db as never);
    await searchWords.up(t.ctx.db as never);
    await facetKey.up(t.ctx.db as never);
    await searchGeneration.up(t.ctx.db as never);
    await packageIds.up(t.ctx.db as never);
    expect((await searchEntries(t.ctx, staff, { q: '地下管网' })).items.map((h) => h.name)).toEqual(['地下管网信息']);
    expect((await searchEntries(t.ctx, staff, { q: '公交线路' })).total).toBe(14);
  });
});
