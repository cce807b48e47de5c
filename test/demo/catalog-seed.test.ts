import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/server/demo/seed';
import { DEMO_CATALOG } from '../../src/server/demo/catalog-data';

let t: TestApp;
let secondRun: boolean;
beforeAll(async () => {
  t = await testApp({ demoRows: 0 });
  await seedDemoIfEmpty(t.ctx);
  secondRun = await seedDemoIfEmpty(t.ctx);
});
afterAll(() => t.close());

/** The current version of every entry with its provider, straight from the tables. */
async function entries() {
  return t.ctx.db
    .selectFrom('catalog_entry as e')
    .innerJoin('catalog_entry_version as v', 'v.entry_id', 'e.id')
    .innerJoin('department as d', 'd.id', 'e.provider_department_id')
    .select([
      'e.id',
      'e.code',
      'e.class_code',
      'e.status',
      'v.id as version_id',
      'v.status as version_status',
      'v.name',
      'v.share_type',
      'v.share_condition',
      'v.open_type',
      'v.open_domains',
      'v.update_cycle',
      'v.format_kind',
      'v.share_methods',
      'v.rejection_reason',
      'd.name as department',
      'd.region_code',
    ])
    .execute();
}

const NAMED: Array<[string, string, { share?: string; open?: string; domain?: string; cycle?: string }]> = [
  ['企业登记信息', '上饶市市场监督管理局', { share: 'unconditional', open: 'unconditional' }],
  ['户籍人口基本信息', '上饶市公安局', { share: 'conditional', open: 'none' }],
  ['社会保险参保信息', '上饶市人力资源和社会保障局', {}],
  ['公交线路站点信息', '上饶市交通运输局', { open: 'unconditional', domain: 'transport' }],
  ['空气质量监测信息', '上饶市生态环境局', { open: 'unconditional', cycle: 'realtime' }],
  ['天气预报信息', '上饶市气象局', { open: 'unconditional', domain: 'meteorology' }],
  ['不动产登记信息', '上饶市不动产登记中心', {}],
  ['医疗机构名录', '上饶市卫生健康委员会', { open: 'unconditional' }],
  ['学校名录', '上饶市教育局', { open: 'unconditional', domain: 'education' }],
  ['婚姻登记信息', '上饶市民政局', { share: 'conditional' }],
  ['行政处罚信息', '上饶市市场监督管理局', { open: 'unconditional', domain: 'credit' }],
  ['建设工程项目信息', '上饶市住房和城乡建设局', {}],
];

describe('demo catalog seed (issue #3 point 11)', () => {
  it('publishes at least 60 entries from at least 15 departments, counties included, once', async () => {
    const all = await entries();
    const published = all.filter((e) => e.status === 'published' && e.version_status === 'published');
    expect(published.length).toBeGreaterThanOrEqual(60);
    expect(new Set(published.map((e) => e.department)).size).toBeGreaterThanOrEqual(15);
    expect(
      new Set(published.filter((e) => e.region_code !== '361100').map((e) => e.region_code)).size,
    ).toBeGreaterThanOrEqual(3);
    // 基础, 主题 and 部门 classes; the 部门 ones under the provider's own item.
    expect(new Set(published.map((e) => e.class_code[0])).size).toBe(3);
    expect(all).toHaveLength(DEMO_CATALOG.length);
    expect(secondRun).toBe(false);
  });

  it('has the twelve named resources with their share and open attributes', async () => {
    const all = await entries();
    for (const [name, department, expected] of NAMED) {
      const e = all.find((x) => x.name === name);
      expect(e, name).toBeDefined();
      expect(e!.department, name).toBe(department);
      expect(e!.status, name).toBe('published');
      if (expected.share) expect(e!.share_type, name).toBe(expected.share);
      if (expected.open) expect(e!.open_type, name).toBe(expected.open);
      if (expected.domain) expect(e!.open_domains, name).toContain(expected.domain);
      if (expected.cycle) expect(e!.update_cycle, name).toBe(expected.cycle);
    }
    expect(all.find((e) => e.name === '户籍人口基本信息')!.share_condition).toContain('《中华人民共和国户口登记条例》');
  });

  it('mixes share and open types, formats, methods and cycles, each restriction citing its basis', async () => {
    const published = (await entries()).filter((e) => e.status === 'published');
    const count = (f: (e: (typeof published)[number]) => boolean) => published.filter(f).length;
    expect(count((e) => e.share_type === 'conditional')).toBeGreaterThanOrEqual(5);
    expect(count((e) => e.share_type === 'none')).toBeGreaterThanOrEqual(2);
    expect(count((e) => e.open_type === 'unconditional')).toBeGreaterThanOrEqual(10);
    expect(count((e) => e.open_type === 'conditional')).toBeGreaterThanOrEqual(1);
    for (const e of published.filter((x) => x.share_type !== 'unconditional'))
      expect(e.share_condition, e.name).toMatch(/《.+》/);
    expect(new Set(published.map((e) => e.format_kind)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(published.flatMap((e) => e.share_methods)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(published.map((e) => e.update_cycle)).size).toBeGreaterThanOrEqual(6);
  });

  it('gives every entry 3 to 12 data items', async () => {
    const counts = await t.ctx.db
      .selectFrom('catalog_data_item')
      .select(['version_id', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('version_id')
      .execute();
    expect(counts).toHaveLength(DEMO_CATALOG.length);
    for (const c of counts) expect(Number(c.n)).toBeGreaterThanOrEqual(3);
    for (const c of counts) expect(Number(c.n)).toBeLessThanOrEqual(12);
  });

  it('leaves work in the review queues and a returned draft for the demo accounts', async () => {
    const leader = await t.login('scj_ld', DEMO_PASSWORD);
    const deptQueue = (
      await t.inject({ method: 'GET', url: '/api/catalog/review-queue?step=dept', headers: leader })
    ).json();
    expect(deptQueue.total).toBeGreaterThanOrEqual(1);
    const admin = await t.login('admin', DEMO_PASSWORD);
    const platformQueue = (
      await t.inject({ method: 'GET', url: '/api/catalog/review-queue?step=platform', headers: admin })
    ).json();
    expect(platformQueue.total).toBeGreaterThanOrEqual(2);
    const specialist = await t.login('scj_zy', DEMO_PASSWORD);
    const mine = (await t.inject({ method: 'GET', url: '/api/catalog/mine?pageSize=100', headers: specialist })).json();
    const statuses = mine.items.map((i: { status: string }) => i.status);
    expect(statuses).toEqual(expect.arrayContaining(['draft', 'dept_review', 'rejected', 'published']));
    expect(mine.items.find((i: { status: string }) => i.status === 'rejected').rejectionReason).toBeTruthy();

    // Unread notices point at that work only, not at the steps the seed already took.
    const unread = async (headers: { cookie: string }) =>
      (await t.inject({ method: 'GET', url: '/api/inbox?unread=true&pageSize=200', headers }))
        .json()
        .items.filter((n: { kind: string }) => n.kind.startsWith('catalog.'));
    expect((await unread(admin)).map((n: { kind: string }) => n.kind)).toEqual(
      Array(platformQueue.total).fill('catalog.review.requested'),
    );
    expect((await unread(leader)).map((n: { kind: string }) => n.kind)).toEqual(
      Array(deptQueue.total).fill('catalog.review.requested'),
    );
    expect((await unread(specialist)).map((n: { kind: string }) => n.kind)).toEqual(['catalog.review.rejected']);
  });

  it('is found by a Chinese search', async () => {
    const user = await t.login('scj_yh', DEMO_PASSWORD);
    const res = await t.inject({
      method: 'GET',
      url: `/api/catalog/search?q=${encodeURIComponent('企业登记')}`,
      headers: user,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items[0]).toMatchObject({
      name: '企业登记信息',
      providerName: '上饶市市场监督管理局',
      openType: 'unconditional',
    });
  });
});
