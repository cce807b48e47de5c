import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, TEST_PASSWORD, type TestApp } from '../helpers/app';
import { currentTotp } from '../../src/server/platform/auth/totp';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('login, session and logout', () => {
  it('logs in with a cookie session, answers /me, and logs out', async () => {
    const u = await t.user(['dept_user']);
    const res = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().token).toBeUndefined();
    const cookie = res.cookies.find((c) => c.name === 'gs_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    // The hint the web app reads before asking /me: readable by scripts, holding no secret.
    const hint = res.cookies.find((c) => c.name === 'gs_signed_in')!;
    expect(hint).toMatchObject({ value: '1', path: '/' });
    expect(hint.httpOnly).toBeFalsy();
    const headers = { cookie: `gs_session=${cookie.value}` };
    const me = await t.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect(me.json()).toMatchObject({ username: u.username, roles: ['dept_user'], departmentId: u.departmentId });
    const out = await t.inject({ method: 'POST', url: '/api/auth/logout', headers });
    expect(out.statusCode).toBe(200);
    expect(out.cookies.find((c) => c.name === 'gs_signed_in')?.value).toBe('');
    expect((await t.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(401);
  });

  it('gives API clients a bearer token', async () => {
    const u = await t.user(['auditor']);
    const res = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.username, password: TEST_PASSWORD, client: 'api' },
    });
    const { token } = res.json();
    expect(token).toMatch(/^[\w-]{40,}$/);
    const me = await t.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
  });

  it('locks the account for 15 minutes after 5 failed logins', async () => {
    const u = await t.user(['dept_user']);
    const attempt = (password: string) =>
      t.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password } });
    for (let i = 1; i <= 4; i++) {
      const r = await attempt('wrong');
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('INVALID_CREDENTIALS');
    }
    const fifth = await attempt('wrong');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.messageZh).toContain('锁定');
    // Even the right password is refused while locked.
    expect((await attempt(TEST_PASSWORD)).statusCode).toBe(423);
    t.clock.advance(14 * 60_000);
    expect((await attempt(TEST_PASSWORD)).statusCode).toBe(423);
    t.clock.advance(2 * 60_000);
    expect((await attempt(TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('expires an idle session', async () => {
    const u = await t.user(['dept_user']);
    const { cookie } = await t.login(u.username);
    t.clock.advance(31 * 60_000);
    expect((await t.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('rejects unknown fields in a body with the one error shape', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'a', password: 'b', admin: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: expect.objectContaining({
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        messageZh: expect.any(String),
      }),
    });
  });

  it('enforces the password policy on change', async () => {
    const u = await t.user(['dept_user']);
    const { cookie } = await t.login(u.username);
    const weak = await t.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie },
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('PASSWORD_POLICY');
    const ok = await t.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie },
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'Another-Passw0rd' },
    });
    expect(ok.statusCode).toBe(200);
    await t.login(u.username, 'Another-Passw0rd');
  });

  it('signs out the other sessions when the password changes, and keeps the one that changed it', async () => {
    const u = await t.user(['dept_user']);
    const here = await t.login(u.username);
    const elsewhere = await t.login(u.username);
    const me = (s: { cookie: string }) => t.inject({ method: 'GET', url: '/api/auth/me', headers: s });
    expect((await me(elsewhere)).statusCode).toBe(200);
    const changed = await t.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: here,
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'Another-Passw0rd' },
    });
    expect(changed.statusCode).toBe(200);
    expect((await me(elsewhere)).statusCode).toBe(401);
    expect((await me(here)).statusCode).toBe(200);
  });
});

describe('TOTP second factor', () => {
  it('forces enrolment for privileged roles when REQUIRE_MFA is on, then verification at each login', async () => {
    const m = await testApp({ requireMfa: true });
    try {
      const u = await m.user(['platform_admin']);
      const first = await m.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: u.username, password: TEST_PASSWORD },
      });
      expect(first.json().mfa).toBe('enrol');
      const cookie = `gs_session=${first.cookies.find((c) => c.name === 'gs_session')!.value}`;
      // Nothing but the MFA step works yet.
      const blocked = await m.inject({ method: 'GET', url: '/api/inbox/unread-count', headers: { cookie } });
      expect(blocked.statusCode).toBe(401);
      expect(blocked.json().error.code).toBe('MFA_REQUIRED');
      const setup = await m.inject({ method: 'POST', url: '/api/auth/mfa/setup', headers: { cookie } });
      const { secret, qrDataUrl, otpauthUri } = setup.json();
      expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
      expect(otpauthUri).toContain('otpauth://totp/');
      const wrong = await m.inject({
        method: 'POST',
        url: '/api/auth/mfa/enable',
        headers: { cookie },
        payload: { code: '000000' },
      });
      expect(wrong.statusCode).toBe(400);
      const enable = await m.inject({
        method: 'POST',
        url: '/api/auth/mfa/enable',
        headers: { cookie },
        payload: { code: currentTotp(secret, m.clock.now()) },
      });
      expect(enable.statusCode).toBe(200);
      expect((await m.inject({ method: 'GET', url: '/api/inbox/unread-count', headers: { cookie } })).statusCode).toBe(
        200,
      );

      const second = await m.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: u.username, password: TEST_PASSWORD },
      });
      expect(second.json().mfa).toBe('verify');
      const cookie2 = `gs_session=${second.cookies.find((c) => c.name === 'gs_session')!.value}`;
      // Cannot re-enrol to bypass the existing factor.
      expect(
        (await m.inject({ method: 'POST', url: '/api/auth/mfa/setup', headers: { cookie: cookie2 } })).statusCode,
      ).toBe(403);
      const verify = await m.inject({
        method: 'POST',
        url: '/api/auth/mfa/verify',
        headers: { cookie: cookie2 },
        payload: { code: currentTotp(secret, m.clock.now()) },
      });
      expect(verify.statusCode).toBe(200);
      expect(
        (await m.inject({ method: 'GET', url: '/api/inbox/unread-count', headers: { cookie: cookie2 } })).statusCode,
      ).toBe(200);
    } finally {
      await m.close();
    }
  });

  it('does not ask dept_user for a second factor', async () => {
    const m = await testApp({ requireMfa: true });
    try {
      const u = await m.user(['dept_user']);
      const r = await m.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: u.username, password: TEST_PASSWORD },
      });
      expect(r.json().mfa).toBe('none');
    } finally {
      await m.close();
    }
  });
});
