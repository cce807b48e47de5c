import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { insertEntry, reader, search, type EntrySpec } from './search-fixtures';

let t: TestApp;
let headers: { cookie: string };
let a: { id: string; name: string };
let b: { id: string; name: string };
let c: { id: string; name: string };
type Hit = { name: string; entryId: string; publishedAt: string };
type Facet = Array<{ value: string; label: string; count: number }>;
const namesOf = (res: { json(): { items: Hit[] } }) =>
  res
    .json()
    .items.map((i) => i.name)
    .sort();
const counts = (f: Facet) => Object.fromEntries(f.map((x) => [x.value, x.count]));

beforeAll(async () => {
  t = await testApp();
  a = await t.department({ name: '上饶市统计局' });
  b = await t.department({ name: '婺源县统计局', regionCode: '361130' });
  c = await t.department({ name: '德兴市人社局', regionCode: '361181' });
  const add = (s: Omit<EntrySpec, 'departmentId'> & { dept: { id: string } }) =>
    insertEntry(t.ctx.db, { ...s, departmentId: s.dept.id });
  await add({
    name: '人口年鉴一',
    dept: a,
    classCode: '101',
    openType: 'unconditional',
    formatKind: 'spreadsheet',
    shareMethods: ['file', 'api'],
    openDomains: ['statistics'],
    updateCycle: 'yearly',
  });
  await add({
    name: '法人年鉴二',
    dept: a,
    classCode: '102',
    shareType: 'conditional',
    formatKind: 'database',
    shareMethods: ['api'],
    updateCycle: 'monthly',
  });
  await add({
    name: '公共服务年鉴三',
    dept: b,
    classCode: '201',
    openType: 'conditional',
    formatKind: 'spreadsheet',
    shareMethods: ['file'],
    openDomains: ['statistics', 'economy'],
    updateCycle: 'yearly',
  });
  await add({
    name: '公共服务年鉴四',
    dept: b,
    classCode: '201',
    shareType: 'none',
    formatKind: 'electronic_file',
    shareMethods: ['email'],
    updateCycle: 'yearly',
  });
  await add({
    name: '社会保障年鉴五',
    dept: c,
    classCode: '203',
    openType: 'unconditional',
    formatKind: 'service',
    shareMethods: ['api'],
    openDomains: ['social_security'],
    updateCycle: 'realtime',
  });
  await add({
    name: '人口普查公报',
    dept: a,
    classCode: '101',
    formatKind: 'spreadsheet',
    shareMethods: ['file'],
    updateCycle: 'yearly',
  });
  headers = (await reader(t)).headers;
});
afterAll(() => t.close());

describe('facets', () => {
  it('counts every facet for the search text, with Chinese labels', async () => {
    const res = await search(t, headers, { q: '年鉴' });
    const { total, facets } = res.json();
    expect(total).toBe(5);
    expect(facets.department).toEqual(
      [
        { value: a.id, label: a.name, count: 2 },
        { value: b.id, label: b.name, count: 2 },
        { value: c.id, label: c.name, count: 1 },
      ].sort((x, y) => y.count - x.count || x.label.localeCompare(y.label, 'zh-CN')),
    );
    expect(facets.region).toEqual(
      expect.arrayContaining([
        { value: '361100', label: '上饶市', count: 2 },
        { value: '361130', label: '婺源县', count: 2 },
        { value: '361181', label: '德兴市', count: 1 },
      ]),
    );
    expect(facets.class).toEqual([
      { value: '1', label: '基础信息资源', count: 2 },
      { value: '101', label: '人口', count: 1 },
      { value: '102', label: '法人单位', count: 1 },
      { value: '2', label: '主题信息资源', count: 3 },
      { value: '201', label: '公共服务', count: 2 },
      { value: '203', label: '社会保障', count: 1 },
    ]);
    expect(facets.shareType).toEqual([
      { value: 'unconditional', label: '无条件共享', count: 3 },
      { value: 'conditional', label: '有条件共享', count: 1 },
      { value: 'none', label: '不予共享', count: 1 },
    ]);
    expect(counts(facets.openType)).toEqual({ none: 2, unconditional: 2, conditional: 1 });
    expect(counts(facets.formatKind)).toEqual({ spreadsheet: 2, database: 1, electronic_file: 1, service: 1 });
    // Fixed enumerations keep their order (库表, 文件, 服务接口, 邮件, 介质), whatever the counts.
    expect(facets.shareMethod).toEqual([
      { value: 'file', label: '文件', count: 2 },
      { value: 'api', label: '服务接口', count: 3 },
      { value: 'email', label: '邮件', count: 1 },
    ]);
    expect(facets.openDomain).toEqual(
      [
        { value: 'statistics', label: '统计', count: 2 },
        { value: 'economy', label: '经济', count: 1 },
        { value: 'social_security', label: '社保', count: 1 },
      ].sort((x, y) => y.count - x.count || x.label.localeCompare(y.label, 'zh-CN')),
    );
    expect(counts(facets.updateCycle)).toEqual({ yearly: 3, monthly: 1, realtime: 1 });
  });

  it("ignores a facet's own filter in its counts and applies the others", async () => {
    const res = await search(t, headers, { q: '年鉴', departmentId: b.id, shareType: 'unconditional' });
    const { total, items, facets } = res.json();
    expect(total).toBe(1);
    expect(items.map((i: Hit) => i.name)).toEqual(['公共服务年鉴三']);
    // Departments under shareType=unconditional only; share types within department b only.
    expect(counts(facets.department)).toEqual({ [a.id]: 1, [b.id]: 1, [c.id]: 1 });
    expect(counts(facets.shareType)).toEqual({ unconditional: 1, none: 1 });
    expect(counts(facets.class)).toEqual({ '2': 1, '201': 1 });
    expect(counts(facets.region)).toEqual({ '361130': 1 });
  });

  it('keeps every class level when filtering by class, and counts array facets under the other filters', async () => {
    const res = await search(t, headers, { q: '年鉴', classCode: '2', shareMethod: 'file' });
    const { total, facets } = res.json();
    expect(total).toBe(1);
    expect(counts(facets.class)).toEqual({ '1': 1, '101': 1, '2': 1, '201': 1 });
    expect(counts(facets.shareMethod)).toEqual({ file: 1, email: 1, api: 1 });
  });

  it('counts the same way when browsing without search text', async () => {
    const { total, facets } = (await search(t, headers, { departmentId: a.id, shareType: 'unconditional' })).json();
    expect(total).toBe(2);
    expect(counts(facets.department)).toEqual({ [a.id]: 2, [b.id]: 1, [c.id]: 1 });
    expect(counts(facets.shareType)).toEqual({ unconditional: 2, conditional: 1 });
    expect(counts(facets.shareMethod)).toEqual({ file: 2, api: 1 });
    expect(counts(facets.class)).toEqual({ '1': 2, '101': 2 });
  });

  it('counts zero matches as an empty result with empty facets', async () => {
    const { total, items, facets } = (await search(t, headers, { q: '不存在的词语' })).json();
    expect({ total, items }).toEqual({ total: 0, items: [] });
    expect(facets.department).toEqual([]);
  });
});

describe('filters', () => {
  it.each([
    [{ departmentId: 'a' }, ['人口年鉴一', '法人年鉴二']],
    [{ regionCode: '361130' }, ['公共服务年鉴三', '公共服务年鉴四']],
    [{ classCode: '2' }, ['公共服务年鉴三', '公共服务年鉴四', '社会保障年鉴五']],
    [{ classCode: '20' }, ['公共服务年鉴三', '公共服务年鉴四', '社会保障年鉴五']],
    [{ classCode: '201' }, ['公共服务年鉴三', '公共服务年鉴四']],
    [{ shareType: 'none' }, ['公共服务年鉴四']],
    [{ openType: 'unconditional' }, ['人口年鉴一', '社会保障年鉴五']],
    [{ formatKind: 'spreadsheet' }, ['人口年鉴一', '公共服务年鉴三']],
    [{ shareMethod: 'file' }, ['人口年鉴一', '公共服务年鉴三']],
    [{ openDomain: 'statistics' }, ['人口年鉴一', '公共服务年鉴三']],
    [{ updateCycle: 'yearly' }, ['人口年鉴一', '公共服务年鉴三', '公共服务年鉴四']],
    [{ portal: 'open' }, ['人口年鉴一', '公共服务年鉴三', '社会保障年鉴五']],
    [{ portal: 'share' }, ['人口年鉴一', '公共服务年鉴三', '公共服务年鉴四', '法人年鉴二', '社会保障年鉴五']],
  ])('%j', async (filter, expected) => {
    const params: Record<string, string> = { q: '年鉴', ...filter };
    if (params.departmentId === 'a') params.departmentId = a.id;
    const res = await search(t, headers, params);
    expect(res.statusCode).toBe(200);
    expect(namesOf(res)).toEqual([...expected].sort());
    expect(res.json().total).toBe(expected.length);
  });

  it('lists only open entries on the open portal, also when browsing, and its facets say so', async () => {
    const res = await search(t, headers, { portal: 'open' });
    expect(res.json().total).toBe(3);
    expect(counts(res.json().facets.openType)).toEqual({ unconditional: 2, conditional: 1 });
  });
});

describe('pagination and sorting', () => {
  let dept: { id: string };
  beforeAll(async () => {
    dept = await t.department();
    for (let i = 0; i < 25; i++) {
      await insertEntry(t.ctx.db, {
        name: `档案目录${String.fromCharCode(0x4e00 + i * 7)}`,
        departmentId: dept.id,
        publishedAt: new Date(Date.UTC(2026, 0, 1 + i)),
      });
    }
  });

  it('pages through every match with the true total', async () => {
    const seen = new Set<string>();
    for (const page of [1, 2, 3]) {
      const res = await search(t, headers, { q: '档案', pageSize: 10, page });
      expect(res.json()).toMatchObject({ total: 25, page, pageSize: 10 });
      expect(res.json().items).toHaveLength(page === 3 ? 5 : 10);
      for (const i of res.json().items as Hit[]) seen.add(i.entryId);
    }
    expect(seen.size).toBe(25);
    const beyond = await search(t, headers, { q: '档案', pageSize: 10, page: 4 });
    expect(beyond.json()).toMatchObject({ total: 25, items: [] });
  });

  it('sorts by publication date or by name on request', async () => {
    const newest = (await search(t, headers, { q: '档案', sort: 'published_desc', pageSize: 3 })).json().items as Hit[];
    expect(newest.map((i) => i.publishedAt.slice(0, 10))).toEqual(['2026-01-25', '2026-01-24', '2026-01-23']);
    const byName = (await search(t, headers, { departmentId: dept.id, sort: 'name', pageSize: 100 })).json()
      .items as Hit[];
    const list = byName.map((i) => i.name);
    expect(list).toHaveLength(25);
    expect(list).toEqual([...list].sort());
    expect(list).not.toEqual(
      (await search(t, headers, { departmentId: dept.id, pageSize: 100 })).json().items.map((i: Hit) => i.name),
    );
  });
});
