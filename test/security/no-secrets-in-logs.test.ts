import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_PASSWORD, testApp, type TestApp } from '../helpers/app';
import { startSmtpInbox, type SmtpInbox } from '../helpers/smtp-inbox';
import { startRealNameDouble } from '../helpers/realname-double';
import { catalogDepartment, expectStatus } from '../catalog/factory';
import { call, consumerOf, serviceEntry } from '../gateway/fixtures';
import { startUpstream, UPSTREAM_KEY, type UpstreamDouble } from '../gateway/upstream-double';
import { MARIADB, mariaSource, type MariaDatabase } from '../exchange/sources-fixtures';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/app-context';
import { KEYS_COMMANDS } from '../../src/cli/keys-commands';
import { currentTotp } from '../../src/server/platform/auth/totp';
import { KeyRing, masterKeyOf } from '../../src/server/platform/crypto/key-ring';
import { signAsInstance } from '../../src/server/platform/crypto/instance-keys';
import { idNumberCheckChar } from '../../src/shared/org/id-number';

/**
 * no secret, password, token or key in the logs. A scenario runs through the real app with its
 * logger on at the most verbose level (trace), every log line captured — Fastify's pino log, ctx.log
 * and anything printed on the console (the CLI's output) — together with the audit log; then every
 * secret the scenario used is looked for in all of it, as given and in its base64, base64url and hex forms.
 */

const lines: string[] = [];
const secrets = new Map<string, string>();
/** A secret to look for; `what` names it in the failure. */
const secret = (what: string, value: string) => {
  secrets.set(value, what);
  return value;
};

let t: TestApp;
let app: FastifyInstance;
let logged: TestApp;
let inbox: SmtpInbox;
let realName: Awaited<ReturnType<typeof startRealNameDouble>>;
let up: UpstreamDouble;
let maria: MariaDatabase;
const masterHex = randomBytes(32).toString('hex');

beforeAll(async () => {
  [inbox, realName, up, maria] = await Promise.all([
    startSmtpInbox(),
    startRealNameDouble(),
    startUpstream(),
    mariaSource(),
  ]);
  t = await testApp({ smtpUrl: inbox.url, realNameUrl: realName.url, secretKey: masterHex, logLevel: 'trace' });
  const capture =
    (level: string) =>
    (...a: unknown[]) => {
      lines.push(`${level} ${a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x, errorFields))).join(' ')}`);
    };
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const)
    vi.spyOn(console, level).mockImplementation(capture(`console.${level}`));
  // The scenario's server: the same database and configuration, its log captured line by line.
  const ctx: AppContext = {
    ...t.ctx,
    log: { info: capture('ctx.info'), warn: capture('ctx.warn'), error: capture('ctx.error') },
  };
  app = await buildApp(ctx, { logger: true, logStream: { write: (line) => lines.push(line) } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  logged = {
    ...t,
    app,
    ctx,
    inject: (o) => app.inject(o),
    async login(username, password = TEST_PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const c = res.cookies.find((k) => k.name === 'gs_session')!;
      secret('session cookie', c.value);
      return { cookie: `gs_session=${c.value}` };
    },
  };
  secret('staff password', TEST_PASSWORD);
  secret('master key', masterHex);
}, 60_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await app?.close();
  await Promise.all([t?.close(), inbox?.close(), realName?.close(), up?.close(), maria?.drop()]);
});

/** Errors as JSON with their message and stack (JSON.stringify drops both). */
function errorFields(_k: string, v: unknown) {
  return v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v;
}

const inject = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, cookie?: string, payload?: object) =>
  app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(payload ? { payload } : {}) });

/** The forms a secret could be written in. */
const formsOf = (v: string) => {
  const b = Buffer.from(v, 'utf8');
  const forms = [v, b.toString('base64'), b.toString('base64url'), b.toString('hex')];
  if (/^[0-9a-f]+$/i.test(v) && v.length % 2 === 0) {
    const raw = Buffer.from(v, 'hex');
    forms.push(raw.toString('base64'), raw.toString('base64url'));
  }
  return [...new Set(forms.map((f) => f.replace(/=+$/, '')))];
};

/** Where a secret appears (a short code must stand alone: not part of a longer number). */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const [value, what] of secrets)
    for (const form of formsOf(value)) {
      const hit = /^\d{1,8}$/.test(form)
        ? new RegExp(`(?<![0-9])${form}(?![0-9])`).exec(text)
        : text.includes(form)
          ? { index: text.indexOf(form) }
          : null;
      if (hit)
        found.push(
          `${what} (${form === value ? 'as is' : 'encoded'}): …${text.slice(Math.max(0, hit.index - 80), hit.index + 80)}…`,
        );
    }
  return found;
}

describe('no secret in the logs (R-44)', () => {
  it('a full scenario at log level trace leaves no secret in any log line or audit record', async () => {
    // Staff: a failed and a good login, TOTP set up and used, the password changed, a logout.
    const admin = await t.user(['platform_admin']);
    expectStatus(
      await inject('POST', '/api/auth/login', undefined, {
        username: admin.username,
        password: secret('wrong password', 'Wrong-Passw0rd-xyz!'),
      }),
      401,
    );
    const { cookie } = await logged.login(admin.username);
    const setup = expectStatus(await inject('POST', '/api/auth/mfa/setup', cookie), 200).json<{
      secret: string;
      otpauthUri: string;
    }>();
    secret('TOTP secret', setup.secret);
    const code = secret('TOTP code', currentTotp(setup.secret, t.clock.now()));
    expectStatus(await inject('POST', '/api/auth/mfa/enable', cookie, { code }), 200);
    // Nor in the database: the TOTP secret is sealed there.
    const stored = await t.ctx.db
      .selectFrom('app_user')
      .select('mfa_secret')
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    expect(stored.mfa_secret).toMatch(/^gs2:/);
    expectStatus(await inject('POST', '/api/auth/logout', cookie), 200);
    const second = await logged.login(admin.username);
    t.clock.advance(60_000);
    const code2 = secret('TOTP code', currentTotp(setup.secret, t.clock.now()));
    expectStatus(await inject('POST', '/api/auth/mfa/verify', second.cookie, { code: code2 }), 200);
    const newPassword = secret('new staff password', `Neu-${randomBytes(6).toString('hex')}-Pw!`);
    expectStatus(
      await inject('POST', '/api/auth/password', second.cookie, { currentPassword: TEST_PASSWORD, newPassword }),
      200,
    );
    await logged.login(admin.username, newPassword);

    // The gateway: an upstream with its credential, a system's secret, a token, signed calls, a rotation.
    secret('upstream credential', UPSTREAM_KEY);
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/gw`;
    const { entry, provider } = await serviceEntry(logged, up.url);
    const { consumer, system } = await consumerOf(logged, entry);
    secret('app secret', system.appSecret);
    const gwPath = `/${entry.code}/persons/0`;
    expect((await call(logged, base, system, gwPath)).status).toBe(200);
    expect(
      (await call(logged, base, system, gwPath, { secret: secret('a wrong app secret', 'not-the-app-secret-123') }))
        .status,
    ).toBe(401);
    const token = expectStatus(
      await inject('POST', '/api/gateway/token', undefined, { appKey: system.appKey, appSecret: system.appSecret }),
      200,
    ).json<{ accessToken: string }>().accessToken;
    secret('gateway access token', token);
    expect((await fetch(`${base}${gwPath}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const rotated = expectStatus(
      await inject('POST', `/api/gateway/systems/${system.id}/rotate`, consumer.specialist.headers.cookie, {
        graceMinutes: 0,
      }),
      200,
    ).json<{ appSecret: string }>();
    secret('rotated app secret', rotated.appSecret);
    expect((await call(logged, base, { ...system, appSecret: rotated.appSecret }, gwPath)).status).toBe(200);
    void provider;

    // A source database's password: registered, tested, changed to a wrong one and tested again.
    secret('source password', maria.password);
    const dept = await catalogDepartment(logged);
    const source = expectStatus(
      await inject('POST', '/api/exchange/sources', dept.specialist.headers.cookie, {
        name: '人口库',
        kind: 'mysql',
        host: MARIADB.host,
        port: MARIADB.port,
        database: maria.database,
        username: maria.username,
        password: maria.password,
      }),
      201,
    ).json<{ id: string }>();
    expect(
      expectStatus(
        await inject('POST', `/api/exchange/sources/${source.id}/test`, dept.specialist.headers.cookie),
        200,
      ).json().ok,
    ).toBe(true);
    const wrong = secret('wrong source password', `Bad-${randomBytes(6).toString('hex')}`);
    expectStatus(
      await inject('PATCH', `/api/exchange/sources/${source.id}`, dept.specialist.headers.cookie, { password: wrong }),
      200,
    );
    expect(
      expectStatus(
        await inject('POST', `/api/exchange/sources/${source.id}/test`, dept.specialist.headers.cookie),
        200,
      ).json().ok,
    ).toBe(false);

    // An open-portal account: registered with an identity number, confirmed by a mailed code, an API key used.
    const first17 = `36110219900101${String(Date.now() % 1_000).padStart(3, '0')}`;
    const idNumber = secret('identity number', first17 + idNumberCheckChar(first17));
    const contact = `citizen${randomBytes(3).toString('hex')}@example.cn`;
    const portalPassword = secret('portal password', `Gz-${randomBytes(6).toString('hex')}-2026!`);
    expectStatus(
      await inject('POST', '/api/portal/account/register', undefined, {
        kind: 'citizen',
        personName: '张晓明',
        idNumber,
        contactKind: 'email',
        contact,
        password: portalPassword,
      }),
      200,
    );
    const mailed = secret('confirmation code', inbox.codeFor(contact));
    expectStatus(await inject('POST', '/api/portal/account/confirm', undefined, { contact, code: mailed }), 200);
    const portal = await logged.login(contact, portalPassword);
    const key = expectStatus(
      await inject('POST', '/api/portal/me/keys', portal.cookie, { name: '测试应用' }),
      201,
    ).json<{ key: string }>().key;
    secret('open API key', key);
    expect(
      (await app.inject({ method: 'GET', url: '/open/api/v1/datasets', headers: { 'x-api-key': key } })).statusCode,
    ).toBe(200);
    // A key given where it does not belong (the query) is refused, and not logged either.
    await app.inject({ method: 'GET', url: `/open/api/v1/datasets?apiKey=${encodeURIComponent(key)}&token=${token}` });

    // Key rotations, as the CLI runs them; then the keys themselves are secrets too.
    const rotate = (ctx: AppContext, flag: string) =>
      KEYS_COMMANDS['keys rotate']!.run!(ctx, { positional: [], flags: { [flag]: true } });
    const cliCtx = (secretKey: string): AppContext => ({
      ...t.ctx,
      config: { ...t.ctx.config, secretKey },
      log: logged.ctx.log,
    });
    await signAsInstance(logged.ctx, 'x');
    expect(await rotate(cliCtx(masterHex), 'data-key')).toBe(0);
    expect(await rotate(cliCtx(masterHex), 'instance-key')).toBe(0);
    const newMaster = secret('new master key', randomBytes(32).toString('hex'));
    process.env.GOVSHARE_PREVIOUS_SECRET_KEY = masterHex;
    try {
      expect(await rotate(cliCtx(newMaster), 'master-key')).toBe(0);
    } finally {
      delete process.env.GOVSHARE_PREVIOUS_SECRET_KEY;
    }
    expect((await call(logged, base, { ...system, appSecret: rotated.appSecret }, gwPath)).status).toBe(200);
    const ring = new KeyRing([masterKeyOf(Buffer.from(newMaster, 'hex'))]);
    for (const k of await t.ctx.db.selectFrom('data_key').selectAll().execute())
      secret(`data key ${k.kid}`, ring.unwrap(k).toString('hex'));
    for (const k of await t.ctx.db.selectFrom('instance_key').selectAll().execute())
      secret(`instance private key ${k.kid}`, await ring.open(t.ctx.db, k.private_key_sealed, `instance_key:${k.kid}`));

    // The log was written (at trace, with requests and their URLs), and holds none of it.
    const log = lines.join('\n');
    const audit = JSON.stringify(await t.ctx.db.selectFrom('audit_event').selectAll().execute());
    expect(leaks(log)).toEqual([]);
    expect(leaks(audit)).toEqual([]);
    expect(app.log.level).toBe('trace');
    expect(log).toContain('/api/auth/login');
    expect(log).toContain('apiKey=[redacted]');
    expect(log).toContain('Data key');
    expect(audit).toContain('keys.rotate_master_key');
    expect(secrets.size).toBeGreaterThan(20);
  });
});
