import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { creditCode, signedIn } from './fixtures';

let t: TestApp;
let admin: { headers: { cookie: string } };
beforeAll(async () => {
  t = await testApp();
  admin = await signedIn(t, ['platform_admin']);
});
afterAll(() => t.close());

let n = 0;
const uniqueName = (base: string) => `${base}${process.pid}-${n++}`;
const create = (payload: Record<string, unknown>) =>
  t.inject({ method: 'POST', url: '/api/departments', headers: admin.headers, payload });
const valid = (over: Record<string, unknown> = {}) => ({
  creditCode: creditCode(),
  name: uniqueName('上饶市测试局'),
  kind: 'government',
  regionCode: '361100',
  ...over,
});

describe('departments', () => {
  it('registers a department with a valid credit code and returns its region name', async () => {
    const body = valid({ shortName: '测试局', regionCode: '361130' });
    const res = await create(body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      creditCode: body.creditCode,
      name: body.name,
      shortName: '测试局',
      kind: 'government',
      regionCode: '361130',
      regionName: '婺源县',
      status: 'active',
      parentId: null,
    });
    const one = await t.inject({ method: 'GET', url: `/api/departments/${res.json().id}`, headers: admin.headers });
    expect(one.json().name).toBe(body.name);
  });

  it('registers public-service enterprises the same way (Art 31)', async () => {
    const res = await create(
      valid({
        kind: 'public_enterprise',
        creditCode: creditCode('91361100'),
        name: uniqueName('上饶测试燃气有限公司'),
      }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json().kind).toBe('public_enterprise');
  });

  it('normalises lower-case codes and rejects a wrong check character in Chinese', async () => {
    const code = creditCode();
    const lower = await create(valid({ creditCode: code.toLowerCase() }));
    expect(lower.statusCode).toBe(201);
    expect(lower.json().creditCode).toBe(code);

    const other = creditCode();
    const broken = other.slice(0, 17) + (other[17] === '1' ? '2' : '1');
    const res = await create(valid({ creditCode: broken }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'CREDIT_CODE_INVALID',
      details: { field: 'creditCode', problem: 'check' },
    });
    expect(res.json().error.messageZh).toContain('统一社会信用代码校验位');
  });

  it('answers 409 with a Chinese message for a duplicate name or credit code', async () => {
    const first = valid();
    expect((await create(first)).statusCode).toBe(201);
    const sameCode = await create(valid({ creditCode: first.creditCode }));
    expect(sameCode.statusCode).toBe(409);
    expect(sameCode.json().error.code).toBe('CREDIT_CODE_TAKEN');
    expect(sameCode.json().error.messageZh).toContain(first.name);
    const sameName = await create(valid({ name: first.name }));
    expect(sameName.statusCode).toBe(409);
    expect(sameName.json().error).toMatchObject({
      code: 'DEPARTMENT_NAME_TAKEN',
      messageZh: `部门名称“${first.name}”已存在`,
    });
  });

  it('requires an existing region and parent', async () => {
    const region = await create(valid({ regionCode: '369998' }));
    expect(region.json().error).toMatchObject({ code: 'REGION_NOT_FOUND', details: { field: 'regionCode' } });
    const parent = await create(valid({ parentId: '00000000-0000-4000-8000-000000000000' }));
    expect(parent.json().error.code).toBe('DEPARTMENT_PARENT_NOT_FOUND');
  });

  it('updates, refuses parent cycles and deactivates instead of deleting', async () => {
    const a = (await create(valid())).json();
    const b = (await create(valid({ parentId: a.id }))).json();
    expect(b.parentName).toBe(a.name);
    const cycle = await t.inject({
      method: 'PATCH',
      url: `/api/departments/${a.id}`,
      headers: admin.headers,
      payload: { parentId: b.id },
    });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().error.code).toBe('DEPARTMENT_PARENT_CYCLE');
    const self = await t.inject({
      method: 'PATCH',
      url: `/api/departments/${a.id}`,
      headers: admin.headers,
      payload: { parentId: a.id },
    });
    expect(self.json().error.code).toBe('DEPARTMENT_PARENT_CYCLE');

    const newName = uniqueName('改名后的局');
    const upd = await t.inject({
      method: 'PATCH',
      url: `/api/departments/${b.id}`,
      headers: admin.headers,
      payload: { name: newName, status: 'inactive', kind: 'institution' },
    });
    expect(upd.statusCode).toBe(200);
    expect(upd.json()).toMatchObject({ name: newName, status: 'inactive', kind: 'institution' });

    const clash = await t.inject({
      method: 'PATCH',
      url: `/api/departments/${b.id}`,
      headers: admin.headers,
      payload: { name: a.name },
    });
    expect(clash.statusCode).toBe(409);
    // Keeping its own name is not a clash.
    expect(
      (
        await t.inject({
          method: 'PATCH',
          url: `/api/departments/${a.id}`,
          headers: admin.headers,
          payload: { name: a.name, creditCode: a.creditCode },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('filters and paginates with a true total', async () => {
    const tag = uniqueName('分页');
    for (let i = 0; i < 5; i++) await create(valid({ name: `${tag}局${i}`, regionCode: '361125' }));
    await create(valid({ name: `${tag}企业`, kind: 'public_enterprise', creditCode: creditCode('91361100') }));
    const page1 = await t.inject({
      method: 'GET',
      url: `/api/departments?q=${encodeURIComponent(tag)}&regionCode=361125&pageSize=2`,
      headers: admin.headers,
    });
    expect(page1.json()).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(page1.json().items).toHaveLength(2);
    expect(page1.json().items[0].regionName).toBe('横峰县');
    const page3 = await t.inject({
      method: 'GET',
      url: `/api/departments?q=${encodeURIComponent(tag)}&regionCode=361125&pageSize=2&page=3`,
      headers: admin.headers,
    });
    expect(page3.json().items).toHaveLength(1);
    const kind = await t.inject({
      method: 'GET',
      url: `/api/departments?q=${encodeURIComponent(tag)}&kind=public_enterprise`,
      headers: admin.headers,
    });
    expect(kind.json().total).toBe(1);
    // % in the search box is a character, not a wildcard.
    const pct = await t.inject({
      method: 'GET',
      url: `/api/departments?q=${encodeURIComponent('%')}`,
      headers: admin.headers,
    });
    expect(pct.json().total).toBe(0);
  });

  it('lets any internal user read but only the platform admin write', async () => {
    const user = await signedIn(t, ['dept_user']);
    expect((await t.inject({ method: 'GET', url: '/api/departments', headers: user.headers })).statusCode).toBe(200);
    const res = await t.inject({ method: 'POST', url: '/api/departments', headers: user.headers, payload: valid() });
    expect(res.statusCode).toBe(403);
    const pub = await signedIn(t, ['public_user']);
    expect((await t.inject({ method: 'GET', url: '/api/departments', headers: pub.headers })).statusCode).toBe(403);
  });
});
