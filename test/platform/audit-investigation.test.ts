import { parse } from 'csv-parse/sync';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, item, publishedEntry, session, type Session } from '../catalog/factory';
import { get, submitRequest } from '../sharing/factory';
import type { ShareRequest } from '../../src/server/modules/sharing/schemas';
import { chainHash, GENESIS_HASH, type AuditRecord } from '../../src/server/platform/audit/chain';
import { recordSystemAudit, verifyAuditChain } from '../../src/server/platform/audit/service';
import { canonicalValue, sm3Hex } from '../../src/server/platform/crypto/sm3';
import * as m0017 from '../../src/server/db/migrations/0017_audit_targets';

/** Issue 11 point 4: an audit log an investigator can search by what was touched, and read without codes. */

type Event = Record<string, unknown> & { action: string; targetName: string | null };

let t: TestApp;
let auditor: { cookie: string };
beforeAll(async () => {
  t = await testApp();
  auditor = await t.login((await t.user(['auditor'], { realName: '审计员丁' })).username);
});
afterAll(() => t.close());

async function events(query: Record<string, string>): Promise<Event[]> {
  const qs = new URLSearchParams({ pageSize: '100', ...query });
  const r = await t.inject({ method: 'GET', url: `/api/audit/events?${qs}`, headers: auditor });
  expect(r.statusCode).toBe(200);
  return r.json().items as Event[];
}

const countEvents = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** A published entry with a name of its own, a consumer's request for it and the grant it got at once. */
async function sharedScene() {
  const name = `企业登记信息${Math.random().toString(36).slice(2, 7)}`;
  const { entry } = await publishedEntry(t, {
    name,
    shareType: 'unconditional',
    shareMethods: ['table', 'api'],
    items: [item({ name: '统一社会信用代码', fieldName: 'credit_code', length: 18 })],
  });
  const consumer = await catalogDepartment(t);
  const request = expectStatus(
    await submitRequest(t, consumer.user, entry, { letterId: null, periodFrom: '2026-11-24' }),
    201,
  ).json<ShareRequest>();
  return { entry, name, consumer, request, grant: request.grant! };
}

describe('target names, stored when the event is written', () => {
  let scene: Awaited<ReturnType<typeof sharedScene>>;
  let reader: Session;
  beforeAll(async () => {
    scene = await sharedScene();
    reader = scene.consumer.user;
    expectStatus(await get(t, `/api/catalog/entries/${scene.entry.id}`, reader), 200);
    expectStatus(await get(t, `/api/sharing/requests/${scene.request.id}`, reader), 200);
    expectStatus(await get(t, `/api/sharing/grants/${scene.grant.id}`, reader), 200);
  });

  it('names a resource by its name and code, a request and a grant by their numbers', async () => {
    const label = `${scene.name}（${scene.entry.code}）`;
    const byCode = await events({ q: scene.entry.code });
    expect(byCode.find((e) => e.action === 'catalog.entry.read')).toMatchObject({
      targetType: 'catalog_entry',
      targetId: scene.entry.id,
      targetName: label,
      actionLabel: '查看目录',
      actionLabelEn: 'View catalog entry',
    });
    // The whole story of the resource: created, submitted and reviewed (its versions), read.
    expect(byCode.map((e) => e.action)).toEqual(
      expect.arrayContaining(['catalog.entry.create', 'catalog.version.submit', 'catalog.review.platform']),
    );
    expect(byCode.find((e) => e.action === 'catalog.review.platform')!.targetName).toBe(`${label}第1版`);
    // The name finds the same events as the code.
    expect((await events({ q: scene.name })).map((e) => e.seq)).toEqual(byCode.map((e) => e.seq));

    const byRequest = await events({ q: scene.request.no });
    expect(byRequest.map((e) => [e.action, e.targetName])).toEqual(
      expect.arrayContaining([
        ['sharing.request.create', scene.request.no],
        ['sharing.request.read', scene.request.no],
      ]),
    );
    // A whole id, and an action by its label, find their events too.
    expect((await events({ q: scene.grant.id })).map((e) => e.action)).toContain('sharing.grant.read');
    expect(
      (await events({ q: '查看共享授权' })).some(
        (e) => e.action === 'sharing.grant.read' && e.targetId === scene.grant.id,
      ),
    ).toBe(true);
    const byGrant = await events({ q: scene.grant.no });
    expect(byGrant.map((e) => [e.action, e.targetName])).toEqual(
      expect.arrayContaining([
        ['sharing.grant.read', scene.grant.no],
        // The request that created the grant names it in its detail.
        ['sharing.request.create', scene.request.no],
      ]),
    );
  });

  it('names users and departments, also in a denied attempt, and keeps a name the recorder gives', async () => {
    const someone = await t.user(['dept_user'], { realName: '被查看人戊' });
    const curious = await session(t, ['dept_user']);
    expect((await get(t, `/api/users/${someone.id}`, curious)).statusCode).toBe(403);
    const dept = await t.department({ name: `上饶市审计对象局${Date.now().toString(36)}` });
    const patched = await t.inject({
      method: 'PATCH',
      url: `/api/departments/${dept.id}`,
      headers: curious.headers,
      payload: { shortName: '审计对象' },
    });
    expect(patched.statusCode).toBe(403);
    const mine = await events({ q: curious.username });
    expect(mine.find((e) => e.action === 'org.user.view')).toMatchObject({
      outcome: 'denied',
      targetName: `被查看人戊（${someone.username}）`,
    });
    expect(mine.find((e) => e.action === 'org.department.update')).toMatchObject({
      outcome: 'denied',
      targetName: dept.name,
    });
    // By the real name of the user acted on, too.
    expect((await events({ q: '被查看人戊' })).some((e) => e.username === curious.username)).toBe(true);

    await recordSystemAudit(t.ctx, 'job-runner', {
      category: 'share',
      action: 'exchange.push.full',
      targetType: 'catalog_entry',
      targetId: scene.entry.id,
      targetName: '推送时的名称',
    });
    expect((await events({ q: '推送时的名称' }))[0]).toMatchObject({
      action: 'exchange.push.full',
      username: 'job-runner',
    });
  });

  it('keeps the department, category, outcome and time filters beside the keyword', async () => {
    const q = scene.request.no;
    const all = await events({ q });
    expect(all.length).toBeGreaterThan(1);
    expect(await events({ q, category: 'access' })).toEqual(all.filter((e) => e.category === 'access'));
    expect(await events({ q, outcome: 'denied' })).toEqual([]);
    expect(await events({ q, departmentId: scene.consumer.id })).toEqual(
      all.filter((e) => e.departmentId === scene.consumer.id),
    );
    const at = new Date(all[0]!.at as string);
    expect(await events({ q, from: new Date(at.getTime() + 1).toISOString() })).toEqual([]);
    expect(await events({ q, from: at.toISOString(), to: new Date(at.getTime() + 1).toISOString() })).toHaveLength(
      all.filter((e) => e.at === all[0]!.at).length,
    );
  });

  it('exports CSV in Beijing time with Chinese headers and labels, and the codes for machines', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/audit/events.csv?q=${encodeURIComponent(scene.request.no)}`,
      headers: auditor,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = parse(res.rawPayload.subarray(3).toString('utf8')) as string[][];
    expect(header).toEqual([
      '序号',
      '时间（北京时间）',
      '账号',
      '姓名',
      '部门',
      '角色',
      '操作类别',
      '操作',
      '操作对象',
      '数据条数',
      'IP地址',
      '客户端',
      '结果',
      '状态码',
      '操作类别代码',
      '操作代码',
      '结果代码',
      '对象类型代码',
      '对象标识',
      '时间（UTC）',
    ]);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    const created = rows.find((r) => col(r, '操作代码') === 'sharing.request.create')!;
    expect(created).toBeDefined();
    // The test clock stands at 2026-11-24T02:00:00Z: ten in the morning in Beijing.
    expect(col(created, '时间（北京时间）')).toBe('2026-11-24 10:00:00');
    expect(col(created, '时间（UTC）')).toBe('2026-11-24T02:00:00.000Z');
    expect(col(created, '操作类别')).toBe('共享');
    expect(col(created, '操作')).toBe('提交共享申请');
    expect(col(created, '操作对象')).toBe(scene.request.no);
    expect(col(created, '结果')).toBe('成功');
    expect(col(created, '操作类别代码')).toBe('share');
    expect(col(created, '结果代码')).toBe('success');
    expect(col(created, '对象类型代码')).toBe('share_request');
    expect(col(created, '对象标识')).toBe(scene.request.id);
    expect(rows).toHaveLength((await events({ q: scene.request.no })).length);
  });
});

describe('the login page asking who is signed in', () => {
  it('is no event without a session, or with an expired one; a real denial still is', async () => {
    const before = await countEvents();
    expect((await t.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    const stale = await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: 'gs_session=expired' } });
    expect(stale.statusCode).toBe(401);
    expect(await countEvents()).toBe(before);

    // The same missing session on other routes, audited or not, is a denied attempt.
    expect((await t.inject({ method: 'GET', url: '/api/inbox' })).statusCode).toBe(401);
    expect((await t.inject({ method: 'GET', url: '/api/sharing/grants' })).statusCode).toBe(401);
    expect(await countEvents()).toBe(before + 2);
    const denied = await events({ outcome: 'denied', q: 'GET /api/inbox' });
    expect(denied[0]).toMatchObject({
      action: 'GET /api/inbox',
      actionLabel: '调用接口 GET /api/inbox',
      statusCode: 401,
      detail: { errorCode: 'UNAUTHENTICATED' },
    });
    expect((await events({ outcome: 'denied', q: 'sharing.grant.search' }))[0]).toMatchObject({
      actionLabel: '查询共享授权',
      userId: null,
    });
  });

  it('answers a signed-in user and still records nothing', async () => {
    const u = await t.user(['dept_user']);
    const h = await t.login(u.username);
    const before = await countEvents();
    expect((await t.inject({ method: 'GET', url: '/api/auth/me', headers: h })).statusCode).toBe(200);
    expect(await countEvents()).toBe(before);
  });
});

/** chainHash as it was before target_name existed (migration 0016 and earlier). */
function legacyHash(prev: string, seq: string, r: Omit<AuditRecord, 'seq' | 'targetName'>): string {
  const body = JSON.stringify([
    seq,
    r.at.toISOString(),
    r.userId,
    r.username,
    r.realName,
    r.departmentId,
    r.departmentName,
    r.roles,
    r.category,
    r.action,
    r.targetType,
    r.targetId,
    r.rowCount,
    r.ip,
    r.userAgent,
    r.outcome,
    r.statusCode,
    canonicalValue(r.detail ?? null),
  ]);
  return sm3Hex(prev + body);
}

describe('the chain across migration 0017', () => {
  it('verifies events sealed before target_name existed, beside new ones that have it', async () => {
    const m = await testApp();
    try {
      const schema = m.ctx.db as unknown as Kysely<unknown>;
      // The database as it was before 0017, with a chain sealed by the code of that time.
      await m0017.down(schema);
      let prev = GENESIS_HASH;
      for (let i = 1; i <= 3; i++) {
        const seq = String(i);
        const r = {
          at: new Date(Date.UTC(2026, 5, i, 1, 2, 3)),
          userId: null,
          username: `old${i}`,
          realName: '旧用户',
          departmentId: null,
          departmentName: null,
          roles: ['dept_user'],
          category: 'access',
          action: 'catalog.entry.read',
          targetType: 'catalog_entry',
          targetId: '00000000-0000-4000-8000-00000000000' + i,
          rowCount: null,
          ip: '10.0.0.1',
          userAgent: 'old',
          outcome: 'success' as const,
          statusCode: 200,
          detail: { b: 1, a: [i] },
          providerDepartmentId: null,
          consumerDepartmentId: null,
        };
        const hash = legacyHash(prev, seq, r);
        // The new function agrees for an event without a name: old links are what it computes.
        expect(chainHash(prev, seq, { ...r, targetName: null })).toBe(hash);
        expect(chainHash(prev, seq, { ...r, targetName: '某资源' })).not.toBe(hash);
        await sql`insert into audit_event (seq, at, user_id, username, real_name, department_id, department_name,
            roles, category, action, target_type, target_id, row_count, ip, user_agent, outcome, status_code, detail,
            prev_hash, hash)
          values (${seq}, ${r.at}, null, ${r.username}, ${r.realName}, null, null, ${r.roles}, ${r.category},
            ${r.action}, ${r.targetType}, ${r.targetId}, null, ${r.ip}, ${r.userAgent}, ${r.outcome}, ${r.statusCode},
            ${JSON.stringify(r.detail)}, ${prev}, ${hash})`.execute(m.ctx.db);
        await sql`update audit_head set seq = ${seq}, hash = ${hash} where id = 1`.execute(m.ctx.db);
        prev = hash;
      }
      await m0017.up(schema);
      expect(await verifyAuditChain(m.ctx)).toMatchObject({ ok: true, checked: 3 });

      // New events, named, chain on after them.
      const u = await m.user(['dept_user'], { realName: '新用户' });
      const h = await m.login(u.username);
      await m.inject({ method: 'GET', url: `/api/users/${u.id}`, headers: h });
      const named = await m.ctx.db
        .selectFrom('audit_event')
        .select(['seq', 'target_name'])
        .where('target_name', 'is not', null)
        .execute();
      expect(named).toEqual([{ seq: expect.any(String), target_name: `新用户（${u.username}）` }]);
      const report = await verifyAuditChain(m.ctx);
      expect(report).toMatchObject({ ok: true, problems: [] });
      expect(report.checked).toBe(5);

      // A name given to an old event afterwards is a change like any other.
      await m.ctx.db.connection().execute(async (c) => {
        await sql`set session_replication_role = replica`.execute(c);
        await sql`update audit_event set target_name = '后补的名称' where seq = 2`.execute(c);
        await sql`set session_replication_role = origin`.execute(c);
      });
      expect((await verifyAuditChain(m.ctx)).problems).toEqual([
        expect.objectContaining({ seq: '2', kind: 'modified' }),
      ]);
    } finally {
      await m.close();
    }
  });

  it('refuses to change a stored target name, as any other field of an event', async () => {
    const name = `写入时的名称${Date.now().toString(36)}`;
    await recordSystemAudit(t.ctx, 'cli', { category: 'admin', action: 'user.create', targetName: name });
    await expect(
      t.ctx.db.updateTable('audit_event').set({ target_name: '改过的名称' }).where('target_name', '=', name).execute(),
    ).rejects.toThrow(/append-only/);
  });
});
