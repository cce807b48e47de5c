import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testApp, TEST_PASSWORD, type TestApp } from '../helpers/app';
import { recordAudit, verifyAuditChain } from '../../src/server/platform/audit/service';

let t: TestApp;
let auditor: { cookie: string };
beforeAll(async () => {
  t = await testApp();
  auditor = await t.login((await t.user(['auditor'], { realName: '审计员甲' })).username);
});
afterAll(() => t.close());

async function events(q: string) {
  const r = await t.inject({ method: 'GET', url: `/api/audit/events?pageSize=50&${q}`, headers: auditor });
  expect(r.statusCode).toBe(200);
  return r.json().items as Array<Record<string, unknown>>;
}

describe('the audit hook (R-42)', () => {
  it('records who, what, target, where, how and the outcome of an action', async () => {
    const admin = await t.user(['platform_admin'], { realName: '管理员乙' });
    const { cookie } = await t.login(admin.username);
    await t.inject({
      method: 'PUT',
      url: '/api/calendar/days/2026-12-03',
      headers: { cookie, 'user-agent': 'vitest-agent' },
      payload: { isOffDay: true },
    });
    const [e] = await events('q=calendar.day.set');
    expect(e).toMatchObject({
      username: admin.username,
      realName: '管理员乙',
      roles: ['platform_admin'],
      category: 'admin',
      action: 'calendar.day.set',
      targetType: 'calendar_day',
      targetId: '2026-12-03',
      outcome: 'success',
      statusCode: 200,
      userAgent: 'vitest-agent',
    });
    expect(e!.ip).toBeTruthy();
  });

  it('records logins, failed logins with the name tried, and denied attempts', async () => {
    const u = await t.user(['dept_user'], { realName: '使用人丙' });
    await t.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: 'nope' } });
    const { cookie } = await t.login(u.username);
    await t.inject({
      method: 'PUT',
      url: '/api/calendar/days/2026-12-04',
      headers: { cookie },
      payload: { isOffDay: true },
    });
    await t.inject({ method: 'GET', url: '/api/audit/events' });

    const mine = await events(`q=${u.username}`);
    const logins = mine.filter((e) => e.action === 'auth.login');
    expect(logins.map((e) => e.outcome).sort()).toEqual(['failed', 'success']);
    expect(logins.find((e) => e.outcome === 'failed')).toMatchObject({
      realName: '使用人丙',
      detail: { errorCode: 'INVALID_CREDENTIALS' },
    });
    expect(mine.find((e) => e.action === 'calendar.day.set')).toMatchObject({
      outcome: 'denied',
      statusCode: 403,
      departmentId: u.departmentId,
    });
    const anon = (await events('outcome=denied')).find((e) => e.action === 'audit.search' && e.userId === null);
    expect(anon).toMatchObject({ statusCode: 401, detail: { errorCode: 'UNAUTHENTICATED' } });
  });

  it('does not log routes declared unaudited, unless denied', async () => {
    const before = (await verifyAuditChain(t.ctx)).checked;
    await t.inject({ method: 'GET', url: '/api/health' });
    // The verification itself is not an HTTP call here, so nothing else writes.
    expect((await verifyAuditChain(t.ctx)).checked).toBe(before);
  });

  it('filters by category and exports CSV with Chinese headers', async () => {
    const logins = await events('category=login');
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((e) => e.category === 'login')).toBe(true);
    const csv = await t.inject({ method: 'GET', url: '/api/audit/events.csv?category=login', headers: auditor });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toContain('操作类别');
    expect(lines.length).toBe(logins.length + 1);
    expect(lines.slice(1).every((l) => l.includes('登录'))).toBe(true);
  });

  it('lets only the auditor read the log', async () => {
    for (const role of ['platform_admin', 'security_admin', 'dept_specialist'] as const) {
      const h = await t.login((await t.user([role])).username);
      expect((await t.inject({ method: 'GET', url: '/api/audit/events', headers: h })).statusCode).toBe(403);
    }
  });
});

describe('append-only and retention', () => {
  it('rejects UPDATE, DELETE and TRUNCATE from the application', async () => {
    await recordAudit(t.ctx, {
      userId: null,
      username: 'x',
      realName: null,
      departmentId: null,
      departmentName: null,
      roles: [],
      category: 'admin',
      action: 'test',
      targetType: null,
      targetId: null,
      rowCount: null,
      ip: null,
      userAgent: null,
      outcome: 'success',
      statusCode: null,
      detail: null,
    });
    await expect(t.ctx.db.updateTable('audit_event').set({ action: 'changed' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(t.ctx.db.deleteFrom('audit_event').execute()).rejects.toThrow(/retention/);
    await expect(sql`truncate audit_event`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });

  it('refuses a retention below six months', async () => {
    const sec = await t.login((await t.user(['security_admin'])).username);
    const short = await t.inject({ method: 'PUT', url: '/api/audit/retention', headers: sec, payload: { months: 5 } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error).toMatchObject({
      code: 'AUDIT_RETENTION_TOO_SHORT',
      messageZh: expect.stringContaining('6'),
    });
    expect(
      (await t.inject({ method: 'PUT', url: '/api/audit/retention', headers: sec, payload: { months: 12 } }))
        .statusCode,
    ).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/api/audit/retention', headers: sec })).json()).toEqual({
      months: 12,
      minimum: 6,
    });
    // Even if the setting were lowered behind the platform's back, the trigger keeps six months.
    await t.ctx.db.updateTable('setting').set({ value: '1' }).where('key', '=', 'audit.retention_months').execute();
    await expect(t.ctx.db.deleteFrom('audit_event').execute()).rejects.toThrow(/retention/);
  });
});

describe('SM3 chain verification', () => {
  /** A database with a few events, then a superuser tampering with the table behind the triggers. */
  async function tampered(tamper: string) {
    const m = await testApp();
    const u = await m.user(['dept_user']);
    for (let i = 0; i < 3; i++) await m.login(u.username);
    await m.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: TEST_PASSWORD },
    });
    // Last, an event with a target name: a dept_user looking at a user is denied, and the user named.
    await m.inject({ method: 'GET', url: `/api/users/${u.id}`, headers: await m.login(u.username) });
    expect((await verifyAuditChain(m.ctx)).ok).toBe(true);
    await m.ctx.db.connection().execute(async (c) => {
      await sql`set session_replication_role = replica`.execute(c);
      await sql.raw(tamper).execute(c);
      await sql`set session_replication_role = origin`.execute(c);
    });
    const report = await verifyAuditChain(m.ctx);
    await m.close();
    return report;
  }

  it('reports a modified row', async () => {
    const r = await tampered(`update audit_event set username = 'someone_else' where seq = 2`);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ seq: '2', kind: 'modified' }));
  });

  it('reports a changed or removed target name', async () => {
    for (const name of [`'someone else'`, 'null']) {
      const r = await tampered(`update audit_event set target_name = ${name} where target_name is not null`);
      expect(r.ok).toBe(false);
      expect(r.problems.map((p) => p.kind)).toEqual(['modified']);
    }
  });

  it('reports a deleted row', async () => {
    const r = await tampered(`delete from audit_event where seq = 2`);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['missing', 'relinked']));
  });

  it('reports a deleted tail', async () => {
    const r = await tampered(`delete from audit_event where seq = (select max(seq) from audit_event)`);
    expect(r.problems.map((p) => p.kind)).toEqual(['head_mismatch']);
  });

  it('reports an inserted row', async () => {
    const r = await tampered(
      `insert into audit_event (seq, at, roles, category, action, outcome, prev_hash, hash)
       select max(seq) + 1, now(), '{}', 'admin', 'forged', 'success', max(hash), repeat('a', 64) from audit_event`,
    );
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['modified', 'head_mismatch']));
  });

  it('reports a row copied under a seq the chain already has', async () => {
    const columns = `seq, at, user_id, username, real_name, department_id, department_name, roles, category, action,
      target_type, target_id, target_name, row_count, ip, user_agent, outcome, status_code, detail, prev_hash, hash`;
    const r = await tampered(`insert into audit_event (${columns}) select ${columns} from audit_event where seq = 2`);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ seq: '2', kind: 'repeated' }));
  });

  it('passes on an untouched log, also through the API', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/audit/verify', headers: auditor });
    expect(res.json()).toMatchObject({ ok: true, problems: [] });
    expect(res.json().checked).toBeGreaterThan(5);
  });
});
