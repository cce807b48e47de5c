import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { insertEntry } from './search-fixtures';
import { SearchCache } from '../../src/server/modules/catalog/search-cache';
import { searchEntries } from '../../src/server/modules/catalog';
import { searchGeneration } from '../../src/server/modules/catalog/search-repo';

describe('SearchCache', () => {
  it('keeps results of the current generation, the least recently used going first', () => {
    const c = new SearchCache<number>(2);
    expect(c.get('1', 'a')).toBeUndefined();
    c.set('1', 'a', 1);
    c.set('1', 'b', 2);
    expect(c.get('1', 'a')).toBe(1);
    c.set('1', 'c', 3);
    expect([c.get('1', 'a'), c.get('1', 'b'), c.get('1', 'c')]).toEqual([1, undefined, 3]);
  });

  it('drops everything when the generation moves on, and keeps nothing computed under an older one', () => {
    const c = new SearchCache<number>(10);
    c.get('7', 'a');
    c.set('7', 'a', 1);
    expect(c.get('8', 'a')).toBeUndefined();
    expect(c.size).toBe(0);
    // A request that read generation 7 before another saw 8 neither reads nor writes.
    c.set('7', 'a', 1);
    expect(c.get('7', 'a')).toBeUndefined();
    expect(c.get('8', 'a')).toBeUndefined();
    // Generations compare as numbers, not as text.
    c.set('8', 'b', 2);
    expect(c.get('10', 'b')).toBeUndefined();
    c.set('10', 'b', 3);
    expect(c.get('9', 'b')).toBeUndefined();
    expect(c.get('10', 'b')).toBe(3);
  });

  it('keeps nothing with no capacity', () => {
    const c = new SearchCache<number>(0);
    c.get('1', 'a');
    c.set('1', 'a', 1);
    expect(c.get('1', 'a')).toBeUndefined();
  });
});

describe('search results cache and facet combinations', () => {
  let t: TestApp;
  let dept: { id: string; name: string };
  const portal = (q: string) => searchEntries(t.ctx, null, { q, portal: 'open' });

  beforeAll(async () => {
    t = await testApp();
    dept = await t.department({ name: '上饶市交通运输局' });
    for (const name of ['公交线路表', '公交站点表', '公交车辆表'])
      await insertEntry(t.ctx.db, { name, departmentId: dept.id, openType: 'unconditional' });
  });
  afterAll(() => t.close());

  it('serves a repeated search from the cache until the search table changes', async () => {
    expect((await portal('公交')).total).toBe(3);
    // Changed behind the generation's back (its trigger off): the cache still answers.
    await sql`alter table catalog_search disable trigger catalog_search_search_generation`.execute(t.ctx.db);
    await sql`update catalog_search set portal_open = false where name = '公交车辆表'`.execute(t.ctx.db);
    await sql`alter table catalog_search enable trigger catalog_search_search_generation`.execute(t.ctx.db);
    const cached = await portal('公交');
    expect(cached.total).toBe(3);
    // The rows themselves are read afresh: the withdrawn one is already off the page.
    expect(cached.items.map((h) => h.name).sort()).toEqual(['公交站点表', '公交线路表']);
    // Any statement on the table moves the generation on: the next search is computed again.
    await sql`update catalog_search set portal_open = false where name = '公交站点表'`.execute(t.ctx.db);
    const fresh = await portal('公交');
    expect(fresh.total).toBe(1);
    expect(fresh.items.map((h) => h.name)).toEqual(['公交线路表']);
    await sql`update catalog_search set portal_open = true`.execute(t.ctx.db);
    expect((await portal('公交')).total).toBe(3);
  });

  it('moves the generation on once per transaction, however many statements it runs', async () => {
    const generation = async () => Number(await searchGeneration(t.ctx.db));
    const before = await generation();
    await t.ctx.db.transaction().execute(async (tx) => {
      for (let i = 0; i < 3; i++) await sql`update catalog_search set name = name`.execute(tx);
      await sql`update department set name = name`.execute(tx);
    });
    expect(await generation()).toBe(before + 1);
    await sql`update catalog_search set name = name`.execute(t.ctx.db);
    await sql`update catalog_search set name = name`.execute(t.ctx.db);
    expect(await generation()).toBe(before + 3);
  });

  it('shows a renamed department in the facets at once', async () => {
    expect((await portal('公交')).facets.department.map((f) => f.label)).toEqual(['上饶市交通运输局']);
    await t.ctx.db.updateTable('department').set({ name: '上饶市交通局' }).where('id', '=', dept.id).execute();
    expect((await portal('公交')).facets.department.map((f) => f.label)).toEqual(['上饶市交通局']);
  });

  it('keeps each search row on the facet combination it has, counted once', async () => {
    await insertEntry(t.ctx.db, { name: '出租车表', departmentId: dept.id, openType: 'conditional' });
    await sql`update catalog_search set update_cycle = 'yearly' where name = '公交线路表'`.execute(t.ctx.db);
    await sql`update catalog_search set name = name`.execute(t.ctx.db);
    await sql`delete from catalog_search where name = '公交站点表'`.execute(t.ctx.db);
    const mismatched = await sql<{ n: number }>`
      select count(*)::int as n from catalog_search s join catalog_search_facet f on f.id = s.facet_id
      where (s.entry_status, s.version_status, s.department_id, s.region_code, s.class_code, s.share_type, s.open_type,
          s.format_kind, s.share_methods, s.update_cycle, s.open_domains, s.portal_open)
        is distinct from (f.entry_status, f.version_status, f.department_id, f.region_code, f.class_code, f.share_type,
          f.open_type, f.format_kind, f.share_methods, f.update_cycle, f.open_domains, f.portal_open)`.execute(
      t.ctx.db,
    );
    expect(mismatched.rows[0]!.n).toBe(0);
    const miscounted = await sql<{ id: number }>`
      select f.id from catalog_search_facet f left join (
        select facet_id, count(*)::int as n from catalog_search group by facet_id
      ) s on s.facet_id = f.id
      where f.n <> coalesce(s.n, 0)`.execute(t.ctx.db);
    expect(miscounted.rows).toEqual([]);
    expect((await portal('公交')).total).toBe(2);
  });
});
