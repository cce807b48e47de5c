import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, entryInput, expectStatus, platformAdmin } from './factory';
import { formatEntryCode, parseEntryCode } from '../../src/server/modules/catalog/codes';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const create = (headers: { cookie: string }, over: Parameters<typeof entryInput>[0] = {}) =>
  t.inject({ method: 'POST', url: '/api/catalog/entries', headers, payload: entryInput(over) });

describe('信息资源代码 (R-01 codes)', () => {
  it('formats 前段码/后段码 with a 6-digit sequence', () => {
    expect(formatEntryCode('101001', 1)).toBe('101001/000001');
    expect(parseEntryCode('101001/000042')).toEqual({ prefix: '101001', seq: 42 });
    expect(parseEntryCode('101001-000042')).toBeNull();
  });

  it('numbers entries per prefix: the class code, then a sequence of its own', async () => {
    const d = await catalogDepartment(t);
    const admin = await platformAdmin(t);
    expectStatus(
      await t.inject({
        method: 'POST',
        url: '/api/catalog/classes',
        headers: admin.headers,
        payload: { parentCode: '201', code: '201001', name: '教育服务' },
      }),
      201,
    );
    const a = expectStatus(await create(d.specialist.headers, { classCode: '201001' }), 201).json();
    const b = expectStatus(await create(d.specialist.headers, { classCode: '201001' }), 201).json();
    const other = expectStatus(await create(d.specialist.headers, { classCode: '202' }), 201).json();
    expect([a.code, b.code, other.code]).toEqual(['201001/000001', '201001/000002', '202/000001']);
    expect(a.pending).toMatchObject({ code: '201001/000001', versionNo: 1, changeKind: 'create', status: 'draft' });
  });

  it('does not spend a code on input that fails the rules', async () => {
    const d = await catalogDepartment(t);
    expectStatus(await create(d.specialist.headers, { classCode: '203' }), 201);
    expectStatus(await create(d.specialist.headers, { classCode: '203', isSecret: true }), 400);
    expect(expectStatus(await create(d.specialist.headers, { classCode: '203' }), 201).json().code).toBe('203/000002');
  });

  it('gives 20 parallel creations on one prefix 20 distinct consecutive codes', async () => {
    const admin = await platformAdmin(t);
    const depts = await Promise.all([catalogDepartment(t), catalogDepartment(t)]);
    expectStatus(
      await t.inject({
        method: 'POST',
        url: '/api/catalog/classes',
        headers: admin.headers,
        payload: { parentCode: '205', code: '205009', name: '并发测试' },
      }),
      201,
    );
    // Two departments' specialists firing at once: on PostgreSQL (TEST_DATABASE_URL) these run on separate connections.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        create(depts[i % 2]!.specialist.headers, { classCode: '205009', name: `并发${i}` }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    const codes = results.map((r) => r.json().code as string).sort();
    expect(codes).toEqual(Array.from({ length: 20 }, (_, i) => formatEntryCode('205009', i + 1)));
  });
});
