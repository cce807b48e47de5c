import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, entryInput, expectStatus, platformAdmin, session, type Session } from './factory';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await testApp();
  admin = await platformAdmin(t);
});
afterAll(() => t.close());

const post = (url: string, headers: Session['headers'], payload: unknown) =>
  t.inject({ method: 'POST', url, headers, payload: payload as object });

describe('classification tree (R-01)', () => {
  it('lists the seeded 基础, 主题 and 部门 classes with their items', async () => {
    const user = await session(t, ['dept_user']);
    const list = expectStatus(
      await t.inject({ method: 'GET', url: '/api/catalog/classes', headers: user.headers }),
      200,
    ).json();
    const byCode = new Map(list.map((c: { code: string }) => [c.code, c]));
    expect(byCode.get('1')).toMatchObject({ name: '基础信息资源', level: 'class', parentCode: null });
    expect(byCode.get('3')).toMatchObject({ name: '部门信息资源', level: 'class' });
    expect(byCode.get('101')).toMatchObject({ name: '人口', level: 'item', parentCode: '1', departmentId: null });
    expect(byCode.get('212')).toMatchObject({ name: '应急维稳', level: 'item', parentCode: '2' });
    expect(list.filter((c: { parentCode: string | null }) => c.parentCode === '2')).toHaveLength(12);
  });

  it('lets the platform admin add 目 and 细目 whose codes extend their parent', async () => {
    const cat = post('/api/catalog/classes', admin.headers, { parentCode: '102', code: '102001', name: '企业法人' });
    expect((await cat).statusCode).toBe(201);
    expect((await cat).json()).toMatchObject({ code: '102001', level: 'category', parentCode: '102' });
    const sub = await post('/api/catalog/classes', admin.headers, {
      parentCode: '102001',
      code: '10200101',
      name: '内资企业',
    });
    expect(sub.json()).toMatchObject({ code: '10200101', level: 'subcategory', parentCode: '102001' });

    const wrongPrefix = await post('/api/catalog/classes', admin.headers, {
      parentCode: '102',
      code: '103001',
      name: 'x',
    });
    expect(wrongPrefix.statusCode).toBe(400);
    expect(wrongPrefix.json().error).toMatchObject({
      code: 'CATALOG_CLASS_CODE_INVALID',
      messageZh: '“102”的下级分类代码须为“102”加3位数字',
      details: { field: 'code' },
    });
    const wrongLength = await post('/api/catalog/classes', admin.headers, {
      parentCode: '102',
      code: '10201',
      name: 'x',
    });
    expect(wrongLength.json().error.code).toBe('CATALOG_CLASS_CODE_INVALID');
    const tooDeep = await post('/api/catalog/classes', admin.headers, {
      parentCode: '10200101',
      code: '102001011',
      name: 'x',
    });
    expect(tooDeep.json().error.code).toBe('CATALOG_CLASS_TOO_DEEP');
    const dup = await post('/api/catalog/classes', admin.headers, { parentCode: '102', code: '102001', name: '重复' });
    expect(dup.statusCode).toBe(409);
    const dept = await post('/api/catalog/classes', admin.headers, { parentCode: '3', code: '399', name: '某局' });
    expect(dept.json().error.code).toBe('CATALOG_CLASS_DEPARTMENT_ITEM');

    const specialist = await session(t, ['dept_specialist']);
    expect(
      (await post('/api/catalog/classes', specialist.headers, { parentCode: '102', code: '102002', name: 'x' }))
        .statusCode,
    ).toBe(403);
  });

  it('renames and deactivates a class; an inactive class takes no new entries', async () => {
    expectStatus(
      await post('/api/catalog/classes', admin.headers, { parentCode: '104', code: '104001', name: '失信名单' }),
      201,
    );
    const upd = await t.inject({
      method: 'PATCH',
      url: '/api/catalog/classes/104001',
      headers: admin.headers,
      payload: { name: '失信被执行人名单', status: 'inactive' },
    });
    expect(upd.json()).toMatchObject({ name: '失信被执行人名单', status: 'inactive' });
    const active = expectStatus(
      await t.inject({ method: 'GET', url: '/api/catalog/classes?status=active', headers: admin.headers }),
      200,
    ).json();
    expect(active.some((c: { code: string }) => c.code === '104001')).toBe(false);

    const d = await catalogDepartment(t);
    const res = await post('/api/catalog/entries', d.specialist.headers, entryInput({ classCode: '104001' }));
    expect(res.json().error.details.problems[0]).toMatchObject({ field: 'classCode', code: 'CLASS_UNKNOWN' });
    expect(
      (
        await t.inject({
          method: 'PATCH',
          url: '/api/catalog/classes/199',
          headers: admin.headers,
          payload: { name: 'x' },
        })
      ).statusCode,
    ).toBe(404);
  });

  it('gives each department one 3xx item named after it; only that department files under it', async () => {
    const a = await catalogDepartment(t, { name: '上饶市测试甲局' });
    const b = await catalogDepartment(t, { name: '上饶市测试乙局' });
    const ia = expectStatus(
      await post('/api/catalog/classes/department-items', admin.headers, { departmentId: a.id }),
      201,
    ).json();
    const ib = expectStatus(
      await post('/api/catalog/classes/department-items', admin.headers, { departmentId: b.id }),
      201,
    ).json();
    expect(ia).toMatchObject({
      level: 'item',
      parentCode: '3',
      name: '上饶市测试甲局',
      departmentId: a.id,
      departmentName: '上饶市测试甲局',
    });
    expect(ia.code).toMatch(/^3\d\d$/);
    expect(Number(ib.code)).toBe(Number(ia.code) + 1);
    const again = await post('/api/catalog/classes/department-items', admin.headers, { departmentId: a.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'CATALOG_DEPARTMENT_ITEM_EXISTS',
      messageZh: '“上饶市测试甲局”已有部门信息资源分类项',
    });
    const unknown = await post('/api/catalog/classes/department-items', admin.headers, {
      departmentId: '00000000-0000-4000-8000-000000000001',
    });
    expect(unknown.statusCode).toBe(404);

    // A 目 below a department item belongs to the same department.
    const sub = expectStatus(
      await post('/api/catalog/classes', admin.headers, {
        parentCode: ia.code,
        code: `${ia.code}001`,
        name: '行政许可',
      }),
      201,
    ).json();
    expect(sub.departmentId).toBe(a.id);

    const own = await post('/api/catalog/entries', a.specialist.headers, entryInput({ classCode: sub.code }));
    expect(own.statusCode).toBe(201);
    expect(own.json().code).toBe(`${sub.code}/000001`);
    const foreign = await post('/api/catalog/entries', b.specialist.headers, entryInput({ classCode: ia.code }));
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details.problems[0]).toMatchObject({
      field: 'classCode',
      code: 'CLASS_OTHER_DEPARTMENT',
      messageZh: '部门信息资源须归入本部门的分类项',
    });
  });
});

describe('enumerations', () => {
  it('serves every enumeration with Chinese and English names, open domains from the table', async () => {
    const pub = await session(t, ['public_user']);
    const res = expectStatus(
      await t.inject({ method: 'GET', url: '/api/catalog/enums', headers: pub.headers }),
      200,
    ).json();
    expect(res.shareTypes).toEqual([
      { code: 'unconditional', zh: '无条件共享', en: 'Unconditional sharing' },
      { code: 'conditional', zh: '有条件共享', en: 'Conditional sharing' },
      { code: 'none', zh: '不予共享', en: 'Not shared' },
    ]);
    expect(res.dataTypes.map((d: { code: string }) => d.code).join('')).toBe('CNYDTLMGBIF');
    expect(res.openDomains).toHaveLength(19);
    expect(res.openDomains).toContainEqual({
      code: 'enterprise_supervision',
      zh: '企业登记监管',
      en: 'Enterprise registration and supervision',
    });
    for (const k of [
      'openTypes',
      'shareMethods',
      'formatKinds',
      'updateCycles',
      'sensitivities',
      'versionStatuses',
      'changeKinds',
      'objectionKinds',
      'classLevels',
    ]) {
      expect(res[k].length, k).toBeGreaterThan(2);
    }
    expect((await t.inject({ method: 'GET', url: '/api/catalog/enums' })).statusCode).toBe(401);
  });
});
