import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, TEST_PASSWORD, type TestApp } from '../helpers/app';
import { signedIn } from './fixtures';

type Who = Awaited<ReturnType<typeof signedIn>>;
let t: TestApp;
let admin: Who;
let security: Who;
beforeAll(async () => {
  t = await testApp();
  admin = await signedIn(t, ['platform_admin']);
  security = await signedIn(t, ['security_admin']);
});
afterAll(() => t.close());

const me = (headers: { cookie: string }) => t.inject({ method: 'GET', url: '/api/auth/me', headers });
const sessionsOf = async (userId: string) =>
  Number(
    (
      await t.ctx.db
        .selectFrom('user_session')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('listing accounts', () => {
  it('never exposes password hashes or second-factor secrets', async () => {
    const u = await t.user(['dept_user']);
    await t.ctx.db
      .updateTable('app_user')
      .set({ mfa_secret: 'JBSWY3DPEHPK3PXPSECRETVALUE', mfa_enabled: true })
      .where('id', '=', u.id)
      .execute();
    const list = await t.inject({ method: 'GET', url: `/api/users?q=${u.username}`, headers: admin.headers });
    const one = await t.inject({ method: 'GET', url: `/api/users/${u.id}`, headers: security.headers });
    for (const res of [list, one]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(/argon2|JBSWY3DP|passwordHash|password_hash|mfaSecret|mfa_secret/);
    }
    expect(list.json().items[0]).toMatchObject({
      username: u.username,
      mfaEnabled: true,
      departmentId: u.departmentId,
    });
  });

  it('filters by department, role and status and paginates with the full total', async () => {
    const dept = await t.department();
    for (let i = 0; i < 3; i++) await t.user(['dept_user'], { departmentId: dept.id });
    await t.user(['dept_specialist'], { departmentId: dept.id });
    const page = await t.inject({
      method: 'GET',
      url: `/api/users?departmentId=${dept.id}&role=dept_user&pageSize=2`,
      headers: admin.headers,
    });
    expect(page.json()).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page.json().items).toHaveLength(2);
    expect(page.json().items.every((u: { departmentName: string }) => u.departmentName === dept.name)).toBe(true);
    const all = await t.inject({
      method: 'GET',
      url: `/api/users?departmentId=${dept.id}&status=active`,
      headers: admin.headers,
    });
    expect(all.json().total).toBe(4);
  });

  it('is closed to department users and auditors', async () => {
    for (const roles of [['dept_leader'], ['auditor']] as const) {
      const who = await signedIn(t, [...roles]);
      expect((await t.inject({ method: 'GET', url: '/api/users', headers: who.headers })).statusCode).toBe(403);
    }
  });
});

describe('sessions follow account changes', () => {
  it('ends the sessions of a disabled account: its next request is 401', async () => {
    const victim = await signedIn(t, ['dept_user']);
    expect((await me(victim.headers)).statusCode).toBe(200);
    const res = await t.inject({
      method: 'PATCH',
      url: `/api/users/${victim.id}`,
      headers: admin.headers,
      payload: { status: 'disabled' },
    });
    expect(res.json().status).toBe('disabled');
    expect(await sessionsOf(victim.id)).toBe(0);
    expect((await me(victim.headers)).statusCode).toBe(401);
  });

  it('ends sessions when roles change, but not for a contact detail', async () => {
    const u = await signedIn(t, ['dept_user']);
    await t.inject({
      method: 'PATCH',
      url: `/api/users/${u.id}`,
      headers: admin.headers,
      payload: { email: 'new@example.cn' },
    });
    expect((await me(u.headers)).statusCode).toBe(200);
    await t.inject({
      method: 'PATCH',
      url: `/api/users/${u.id}`,
      headers: admin.headers,
      payload: { roles: ['dept_user', 'dept_leader'] },
    });
    expect(await sessionsOf(u.id)).toBe(0);
    expect((await me(u.headers)).statusCode).toBe(401);
  });
});

describe('security administrator actions', () => {
  it('unlocks an account locked by failed logins', async () => {
    const u = await t.user(['dept_user']);
    for (let i = 0; i < 5; i++)
      await t.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: 'wrong' } });
    const locked = await t.inject({ method: 'GET', url: `/api/users/${u.id}`, headers: security.headers });
    expect(locked.json().locked).toBe(true);
    expect(
      (await t.inject({ method: 'POST', url: `/api/users/${u.id}/unlock`, headers: admin.headers })).statusCode,
    ).toBe(403);
    const res = await t.inject({ method: 'POST', url: `/api/users/${u.id}/unlock`, headers: security.headers });
    expect(res.json()).toMatchObject({ locked: false, lockedUntil: null });
    await t.login(u.username);
  });

  it('resets a password under the policy and ends the old sessions', async () => {
    const u = await signedIn(t, ['dept_user']);
    const url = `/api/users/${u.id}/reset-password`;
    expect(
      (await t.inject({ method: 'POST', url, headers: admin.headers, payload: { password: 'Brand-New-Pass1' } }))
        .statusCode,
    ).toBe(403);
    const weak = await t.inject({ method: 'POST', url, headers: security.headers, payload: { password: 'abc' } });
    expect(weak.json().error.code).toBe('PASSWORD_POLICY');
    expect(
      (await t.inject({ method: 'POST', url, headers: security.headers, payload: { password: 'Brand-New-Pass1' } }))
        .statusCode,
    ).toBe(200);
    expect((await me(u.headers)).statusCode).toBe(401);
    const old = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: TEST_PASSWORD },
    });
    expect(old.statusCode).toBe(401);
    await t.login(u.username, 'Brand-New-Pass1');
  });

  it('resets the second factor', async () => {
    const u = await t.user(['dept_specialist']);
    await t.ctx.db
      .updateTable('app_user')
      .set({ mfa_secret: 'JBSWY3DPEHPK3PXP', mfa_enabled: true })
      .where('id', '=', u.id)
      .execute();
    const res = await t.inject({ method: 'POST', url: `/api/users/${u.id}/reset-mfa`, headers: security.headers });
    expect(res.statusCode).toBe(200);
    const row = await t.ctx.db
      .selectFrom('app_user')
      .select(['mfa_secret', 'mfa_enabled'])
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ mfa_secret: null, mfa_enabled: false });
    // Not on one's own account: that goes through the MFA step itself.
    expect(
      (await t.inject({ method: 'POST', url: `/api/users/${security.id}/reset-mfa`, headers: security.headers }))
        .statusCode,
    ).toBe(403);
  });

  it('records account administration in the audit log without the password', async () => {
    const username = `audited${process.pid}`;
    const res = await t.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { username, realName: '审计对象', roles: ['public_user'], password: 'Audit-Visible-9' },
    });
    expect(res.statusCode).toBe(201);
    const rows = await t.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'org.user.create')
      .where('target_id', '=', res.json().id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ category: 'admin', outcome: 'success', target_type: 'user' });
    expect(JSON.stringify(rows[0]!.detail)).not.toContain('Audit-Visible-9');
  });
});
