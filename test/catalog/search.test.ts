import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { approveVersion, catalogDepartment, draftEntry } from './factory';
import { insertEntry, insertOtherVersion, publishChange, reader, search, searchDoc } from './search-fixtures';

let t: TestApp;
let headers: { cookie: string };
const names = (res: { json(): { items: Array<{ name: string }> } }) => res.json().items.map((i) => i.name);

beforeAll(async () => {
  t = await testApp();
  const market = await t.department({ name: '上饶市市场监督管理局' });
  const police = await t.department({ name: '上饶市公安局' });
  const civil = await t.department({ name: '婺源县民政局', regionCode: '361130' });
  const hrss = await t.department({ name: '上饶市人力资源和社会保障局' });
  const land = await t.department({ name: '上饶市自然资源局' });
  const env = await t.department({ name: '上饶市生态环境局' });
  const add = (name: string, departmentId: string, items: string[], summary: string) =>
    insertEntry(t.ctx.db, { name, departmentId, items, summary });
  await add(
    '企业登记信息',
    market.id,
    ['统一社会信用代码', '企业名称', '法定代表人', '登记机关'],
    '本市市场主体的注册信息，供各部门核验使用。',
  );
  await add('企业年报信息', market.id, ['年报年度', '企业名称', '从业人数'], '市场主体每年报送的年度报告。');
  await add('户籍人口基本信息', police.id, ['公民身份号码', '姓名', '户籍地址'], '常住户口人员的基本情况。');
  await add('流动人口登记信息', police.id, ['姓名', '居住地址', '登记日期'], '暂住人员的居住情况。');
  await add('不动产登记信息', land.id, ['不动产单元号', '权利人', '坐落'], '房屋和土地的权属情况。');
  await add('动产抵押登记信息', market.id, ['抵押人', '抵押物', '登记日期'], '生产设备等抵押的情况。');
  await add('上饶市婚姻登记信息', civil.id, ['男方姓名', '女方姓名', '登记日期'], '结婚和离婚的办理记录。');
  await add('社会保险参保信息', hrss.id, ['参保人姓名', '险种', '参保状态'], '养老、医疗、失业等险种的参保情况。');
  await add('社保缴费记录', hrss.id, ['缴费月份', '缴费基数'], '单位和个人的缴费明细。');
  await add('空气质量监测数据', env.id, ['监测点位', 'PM2.5浓度', '空气质量指数'], '各监测站点每小时的监测结果。');
  await add('天气预报', env.id, ['预报日期', '最高气温', '最低气温'], '未来七天的天气情况。');
  headers = (await reader(t)).headers;
});
afterAll(() => t.close());

describe('GET /api/catalog/search: Chinese text', () => {
  it.each([
    ['企业登记', ['企业登记信息'], ['企业年报信息']],
    ['户籍人口', ['户籍人口基本信息'], ['流动人口登记信息']],
    ['不动产', ['不动产登记信息'], ['动产抵押登记信息']],
    ['上饶', ['上饶市婚姻登记信息'], ['天气预报']],
    ['社保', ['社保缴费记录', '社会保险参保信息'], ['企业登记信息']],
    ['空气质量', ['空气质量监测数据'], ['天气预报']],
  ])('%s finds %j and not %j', async (q, found, notFound) => {
    const res = await search(t, headers, { q });
    expect(res.statusCode).toBe(200);
    expect(names(res)).toEqual(expect.arrayContaining(found));
    for (const n of notFound) expect(names(res)).not.toContain(n);
    expect(res.json().total).toBe(res.json().items.length);
  });

  it('puts the name match first and marks the matched words', async () => {
    const res = await search(t, headers, { q: '上饶' });
    expect(res.json().items[0]).toMatchObject({
      name: '上饶市婚姻登记信息',
      regionCode: '361130',
      regionName: '婺源县',
      providerName: '婺源县民政局',
    });
    expect(res.json().items[0].highlights.name).toBe('<mark>上饶</mark>市婚姻登记信息');
  });

  it('finds a partial string jieba splits oddly through the name', async () => {
    expect(names(await search(t, headers, { q: '饶市婚' }))).toEqual(['上饶市婚姻登记信息']);
  });

  it('finds words in data items and reports which items matched', async () => {
    const res = await search(t, headers, { q: '法定代表人' });
    expect(names(res)).toEqual(['企业登记信息']);
    expect(res.json().items[0].highlights).toEqual({ items: ['<mark>法定代表人</mark>'] });
  });

  it('browses every published entry, newest first, when q is empty or blank', async () => {
    for (const q of [undefined, '  ']) {
      const res = await search(t, headers, q === undefined ? {} : { q });
      expect(res.json().total).toBe(11);
      const dates = res.json().items.map((i: { publishedAt: string }) => i.publishedAt);
      expect([...dates].sort().reverse()).toEqual(dates);
      expect(res.json().items[0].highlights).toBeUndefined();
    }
  });
});

describe('ranking', () => {
  it('ranks a match in the name above one in the items above one in the summary', async () => {
    const dept = await t.department();
    // Inserted summary-first, and the summary repeats the word, so neither order nor frequency explains the result.
    await insertEntry(t.ctx.db, {
      name: '生态保护红线信息',
      departmentId: dept.id,
      items: ['红线编号'],
      summary: '包括湿地、湿地公园和湿地保护小区的范围。',
    });
    await insertEntry(t.ctx.db, {
      name: '自然保护地名录',
      departmentId: dept.id,
      items: ['保护地名称', '湿地面积'],
      summary: '各类自然保护地的基本情况。',
    });
    await insertEntry(t.ctx.db, {
      name: '鄱阳湖湿地名录',
      departmentId: dept.id,
      items: ['名称', '面积'],
      summary: '重要水域的基本情况。',
    });
    const res = await search(t, headers, { q: '湿地' });
    expect(names(res)).toEqual(['鄱阳湖湿地名录', '自然保护地名录', '生态保护红线信息']);
  });
});

describe('only the published catalog', () => {
  it('never returns drafts, deleted entries, changes in review or superseded versions', async () => {
    const dept = await t.department();
    const db = t.ctx.db;
    await insertEntry(db, {
      name: '候鸟迁徙监测信息',
      departmentId: dept.id,
      entryStatus: 'draft',
      versionStatus: 'draft',
    });
    await insertEntry(db, { name: '候鸟保护区名录', departmentId: dept.id, entryStatus: 'deleted' });
    const wildlife = await insertEntry(db, { name: '野生动物名录', departmentId: dept.id });
    await insertOtherVersion(
      db,
      wildlife.entryId,
      2,
      { name: '候鸟栖息地名录', departmentId: dept.id },
      'platform_review',
    );
    const renamed = await insertEntry(db, { name: '候鸟观测点信息', departmentId: dept.id });
    await publishChange(db, renamed.entryId, { name: '鸟类观测点信息', departmentId: dept.id });
    await insertEntry(db, { name: '候鸟迁徙通道信息', departmentId: dept.id });

    const res = await search(t, headers, { q: '候鸟' });
    expect(names(res)).toEqual(['候鸟迁徙通道信息']);
    expect(res.json().total).toBe(1);
    expect(res.json().facets.department).toEqual([{ value: dept.id, label: dept.name, count: 1 }]);
    expect(names(await search(t, headers, { q: '野生动物' }))).toEqual(['野生动物名录']);
    expect(names(await search(t, headers, { q: '鸟类观测' }))).toEqual(['鸟类观测点信息']);
  });
});

describe('entries from the real catalog lifecycle', () => {
  it('finds an entry once the platform approves it, never its draft', async () => {
    const provider = await catalogDepartment(t, { name: '上饶市林业局' });
    const { version } = await draftEntry(t, {
      provider,
      name: '古树名木资源信息',
      summary: '全市古树名木的分布和保护等级。',
    });
    expect((await search(t, headers, { q: '古树名木' })).json().total).toBe(0);
    await approveVersion(t, version.id, provider);
    const res = await search(t, headers, { q: '古树名木' });
    expect(res.json().items).toEqual([
      expect.objectContaining({
        name: '古树名木资源信息',
        providerName: '上饶市林业局',
        classCode: '101',
        className: '人口',
      }),
    ]);
    // Item names are in the search document too (weight B).
    expect(names(await search(t, headers, { q: '统一社会信用代码', departmentId: provider.id }))).toEqual([
      '古树名木资源信息',
    ]);
  });
});

describe('the search table follows every change (migration 0004 triggers)', () => {
  it('follows a department moving region, a re-indexed current version and a deletion', async () => {
    const db = t.ctx.db;
    const dept = await t.department({ name: '上饶市水文局' });
    const e = await insertEntry(db, { name: '水文站点名录', departmentId: dept.id });
    await db.updateTable('department').set({ region_code: '361128' }).where('id', '=', dept.id).execute();
    expect(names(await search(t, headers, { q: '水文', regionCode: '361128' }))).toEqual(['水文站点名录']);
    // Browsing counts from the per-combination table, which must follow too.
    const browse = async () => (await search(t, headers, { regionCode: '361128' })).json();
    expect((await browse()).total).toBe(1);
    expect((await browse()).facets.region).toEqual(
      expect.arrayContaining([{ value: '361128', label: '鄱阳县', count: 1 }]),
    );

    await db
      .updateTable('catalog_entry_version')
      .set({ name: '水文监测站点名录', search_doc: searchDoc('水文监测站点名录', ['测站编码'], '') })
      .where('id', '=', e.versionId)
      .execute();
    expect(names(await search(t, headers, { q: '测站编码' }))).toEqual(['水文监测站点名录']);

    await db.updateTable('catalog_entry').set({ status: 'deleted' }).where('id', '=', e.entryId).execute();
    expect((await search(t, headers, { q: '水文' })).json().total).toBe(0);
    expect((await browse()).total).toBe(0);
    expect((await browse()).facets.region.find((f: { value: string }) => f.value === '361128')).toBeUndefined();
  });
});

describe('access, audit and input checks', () => {
  it('is the same city-wide catalog for every internal role, and closed to others', async () => {
    const totals = [];
    for (const role of [
      'platform_admin',
      'security_admin',
      'auditor',
      'dept_specialist',
      'dept_leader',
      'dept_user',
    ] as const) {
      const res = await search(t, (await reader(t, [role])).headers, { q: '登记' });
      expect(res.statusCode).toBe(200);
      totals.push(res.json().total);
    }
    expect(new Set(totals).size).toBe(1);
    expect(totals[0]).toBeGreaterThanOrEqual(5);
    expect((await search(t, {}, { q: '登记' })).statusCode).toBe(401);
    expect((await search(t, (await reader(t, ['public_user'])).headers, { q: '登记' })).statusCode).toBe(403);
  });

  it('writes a query audit event with the number of rows returned', async () => {
    const u = await reader(t);
    const res = await search(t, u.headers, { q: '登记', pageSize: 2 });
    const ev = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('user_id', '=', u.id)
      .where('action', '=', 'catalog.search')
      .executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ category: 'query', row_count: 2, outcome: 'success' });
    expect(ev.detail).toMatchObject({ q: '登记', total: res.json().total });
  });

  it('rejects unknown parameters and wrong values', async () => {
    expect((await search(t, headers, { q: '企业', foo: '1' })).statusCode).toBe(400);
    expect((await search(t, headers, { shareType: 'sometimes' })).statusCode).toBe(400);
    expect((await search(t, headers, { classCode: '4' })).statusCode).toBe(400);
    expect((await search(t, headers, { pageSize: 201 })).statusCode).toBe(400);
  });

  it('refuses search text longer than 100 characters with a Chinese message', async () => {
    expect((await search(t, headers, { q: '企'.repeat(100) })).statusCode).toBe(200);
    const res = await search(t, headers, { q: '企'.repeat(101) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'SEARCH_QUERY_TOO_LONG', messageZh: '搜索内容不能超过100个字' });
  });

  it('treats punctuation and tsquery syntax in q as plain text', async () => {
    for (const q of ["企业' & !登记", '(不动产):*', '\\', '%_']) {
      const res = await search(t, headers, { q });
      expect(res.statusCode, q).toBe(200);
    }
    expect(names(await search(t, headers, { q: "企业' & !登记" }))).toContain('企业登记信息');
  });
});
