import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { searchEntries } from '../../src/server/modules/catalog/search-service';
import { expectStatus, platformAdmin, session } from './factory';
import { insertEntry } from './search-fixtures';

/** Issue #12 point 3: synonyms and abbreviations, pinyin, "did you mean", and hits that explain themselves. */
let t: TestApp;
const staff = { roles: ['dept_user'] };
const names = async (q: string) => (await searchEntries(t.ctx, staff, { q })).items.map((h) => h.name);

beforeAll(async () => {
  t = await testApp();
  const dept = await t.department({ name: '上饶市市场监督管理局' });
  for (const [name, summary] of [
    ['企业登记信息', '全市企业设立、变更、注销登记'],
    ['社会保险参保信息', '参保单位和参保人员'],
    ['公积金缴存明细', '单位和个人缴存记录'],
    ['充电桩分布信息', '公共充电设施位置'],
    ['上饶市道路运输许可', '经营许可证核发'],
    ['药品经营许可', '本条含有冷链监测的说明，只在摘要里'],
  ])
    await insertEntry(t.ctx.db, { name: name!, summary, departmentId: dept.id, items: ['统一社会信用代码'] });
});
afterAll(() => t.close());

describe('search that understands how people ask', () => {
  it('finds entries by abbreviation and full word, both ways (seeded dictionary)', async () => {
    expect(await names('社保')).toEqual(['社会保险参保信息']);
    expect(await names('住房公积金')).toEqual(['公积金缴存明细']);
    // A dictionary word jieba splits: 营业执照 ↔ 企业登记.
    expect(await names('营业执照')).toEqual(['企业登记信息']);
    const [hit] = (await searchEntries(t.ctx, staff, { q: '社保' })).items;
    expect(hit!.highlights!.name).toBe('<mark>社会保险</mark>参保信息');
  });

  it('finds names by full pinyin and by initials, and marks the characters they stand for', async () => {
    expect(await names('shangrao')).toEqual(['上饶市道路运输许可']);
    const [hit] = (await searchEntries(t.ctx, staff, { q: 'qydj' })).items;
    expect(hit).toMatchObject({ name: '企业登记信息', highlights: { name: '<mark>企业登记</mark>信息' } });
    expect(await names('chongdianzhuang')).toEqual(['充电桩分布信息']);
  });

  it('explains a hit found by its summary alone, and suggests names when nothing matches', async () => {
    const [hit] = (await searchEntries(t.ctx, staff, { q: '冷链监测' })).items;
    expect(hit!.name).toBe('药品经营许可');
    expect(hit!.highlights!.summary).toContain('<mark>冷链监测</mark>');
    const none = await searchEntries(t.ctx, staff, { q: '企业登计信息' });
    expect(none.total).toBe(0);
    expect(none.didYouMean).toContain('企业登记信息');
  });

  it('lets the platform edit the dictionary, refusing a word in two groups', async () => {
    const admin = await platformAdmin(t);
    const put = (groups: string[][], s = admin) =>
      t.inject({ method: 'PUT', url: '/api/catalog/synonyms', headers: s.headers, payload: { groups } });
    const current = expectStatus(
      await t.inject({ method: 'GET', url: '/api/catalog/synonyms', headers: admin.headers }),
      200,
    ).json<{ groups: string[][] }>();
    expect(current.groups).toContainEqual(['社保', '社会保险']);
    expect(await names('充电设施')).toEqual(['充电桩分布信息']); // through its summary
    const dup = await put([...current.groups, ['社保', '社会保障']]);
    expect(dup.json().error).toMatchObject({ code: 'CATALOG_SYNONYM_DUPLICATE' });
    expect(dup.json().error.messageZh).toContain('社保');
    const user = await session(t, ['dept_user'], { departmentId: (await t.department()).id });
    expect((await put(current.groups, user)).statusCode).toBe(403);
    expectStatus(await put([...current.groups, ['新能源车充电', '充电桩']]), 200);
    const [hit] = (await searchEntries(t.ctx, staff, { q: '新能源车充电' })).items;
    expect(hit).toMatchObject({ name: '充电桩分布信息', highlights: { name: '<mark>充电桩</mark>分布信息' } });
  });
});
