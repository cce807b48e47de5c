import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { signedIn } from './fixtures';

let t: TestApp;
let admin: { headers: { cookie: string } };
beforeAll(async () => {
  t = await testApp();
  admin = await signedIn(t, ['platform_admin']);
});
afterAll(() => t.close());

const post = (payload: object, headers = admin.headers) =>
  t.inject({ method: 'POST', url: '/api/regions', headers, payload });

describe('regions', () => {
  it('ships Shangrao: province, city, 12 counties and 3 zones, as a flat list any internal user can read', async () => {
    const reader = await signedIn(t, ['dept_user']);
    const res = await t.inject({ method: 'GET', url: '/api/regions', headers: reader.headers });
    expect(res.statusCode).toBe(200);
    const list: Array<{ code: string; name: string; level: string; parentCode: string | null }> = res.json();
    const byCode = new Map(list.map((r) => [r.code, r]));
    expect(byCode.get('360000')).toMatchObject({ name: '江西省', level: 'province', parentCode: null });
    expect(byCode.get('361100')).toMatchObject({ name: '上饶市', level: 'city', parentCode: '360000' });
    expect(list.filter((r) => r.parentCode === '361100' && r.level === 'county').map((r) => r.name)).toEqual([
      '信州区',
      '广丰区',
      '广信区',
      '玉山县',
      '铅山县',
      '横峰县',
      '弋阳县',
      '余干县',
      '鄱阳县',
      '万年县',
      '婺源县',
      '德兴市',
    ]);
    expect(list.filter((r) => r.level === 'zone').map((r) => [r.code, r.name])).toEqual([
      ['361171', '上饶经济技术开发区'],
      ['361172', '三清山风景名胜区'],
      ['361173', '上饶高铁经济试验区'],
    ]);
    // Parents come before children, so a single pass can build the tree.
    const index = new Map(list.map((r, i) => [r.code, i]));
    for (const r of list)
      if (r.parentCode && index.has(r.parentCode)) expect(index.get(r.parentCode)!).toBeLessThan(index.get(r.code)!);
  });

  it('lets a platform admin add a region under an existing parent', async () => {
    const res = await post({ code: '361199', name: '测试功能区', level: 'zone', parentCode: '361100', sort: 30 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ code: '361199', name: '测试功能区', level: 'zone', parentCode: '361100', sort: 30 });
    const dup = await post({ code: '361199', name: '重复', level: 'zone', parentCode: '361100' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('REGION_EXISTS');
  });

  it('refuses bad codes, missing parents and levels that do not fit the parent', async () => {
    const cases: Array<[object, number, string]> = [
      [{ code: '36110', name: 'x', level: 'county', parentCode: '361100' }, 400, 'VALIDATION_FAILED'],
      [{ code: '361198', name: 'x', level: 'county', parentCode: '369900' }, 400, 'REGION_PARENT_NOT_FOUND'],
      [{ code: '361198', name: 'x', level: 'county' }, 400, 'REGION_PARENT_REQUIRED'],
      [{ code: '361198', name: 'x', level: 'city', parentCode: '361100' }, 400, 'REGION_LEVEL_INVALID'],
      [{ code: '361198', name: 'x', level: 'county', parentCode: '360000' }, 400, 'REGION_LEVEL_INVALID'],
      [{ code: '362198', name: 'x', level: 'county', parentCode: '361100' }, 400, 'REGION_CODE_INVALID'],
      [{ code: '370000', name: 'x', level: 'province', parentCode: '360000' }, 400, 'REGION_PARENT_INVALID'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await post(payload);
      expect([res.statusCode, res.json().error.code], JSON.stringify(payload)).toEqual([status, code]);
      expect(res.json().error.messageZh).toBeTruthy();
    }
  });

  it('updates names and keeps the level rules on change', async () => {
    await post({ code: '361197', name: '待改名', level: 'zone', parentCode: '361100' });
    const renamed = await t.inject({
      method: 'PATCH',
      url: '/api/regions/361197',
      headers: admin.headers,
      payload: { name: '已改名', parentCode: '361102' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: '已改名', parentCode: '361102', level: 'zone' });
    const bad = await t.inject({
      method: 'PATCH',
      url: '/api/regions/361197',
      headers: admin.headers,
      payload: { level: 'city' },
    });
    expect(bad.statusCode).toBe(400);
    const withChildren = await t.inject({
      method: 'PATCH',
      url: '/api/regions/361100',
      headers: admin.headers,
      payload: { level: 'county' },
    });
    expect(withChildren.statusCode).toBe(409);
    expect(
      (await t.inject({ method: 'PATCH', url: '/api/regions/369999', headers: admin.headers, payload: { name: 'x' } }))
        .statusCode,
    ).toBe(404);
  });

  it('is managed by the platform admin only', async () => {
    const specialist = await signedIn(t, ['dept_specialist']);
    const res = await post({ code: '361196', name: 'x', level: 'zone', parentCode: '361100' }, specialist.headers);
    expect(res.statusCode).toBe(403);
  });
});
