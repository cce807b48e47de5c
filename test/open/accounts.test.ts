import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { startSmtpInbox, type SmtpInbox } from '../helpers/smtp-inbox';
import { startRealNameDouble } from '../helpers/realname-double';
import { expectStatus } from '../catalog/factory';
import { idNumberCheckChar } from '../../src/shared/org/id-number';
import { completeCreditCode } from '../../src/shared/org/credit-code';
import { currentTotp } from '../../src/server/platform/auth/totp';
import { senderFor } from '../../src/server/platform/notify/sender';
import { loadConfig } from '../../src/server/config';

let t: TestApp;
let inbox: SmtpInbox;
let realName: Awaited<ReturnType<typeof startRealNameDouble>>;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  realName = await startRealNameDouble();
  t = await testApp({ smtpUrl: inbox.url, realNameUrl: realName.url });
});
afterAll(async () => {
  await t?.close();
  await inbox?.close();
  await realName?.close();
});

const PASSWORD = 'Gongzhong-2026!';
let n = 0;
/** A synthetic identity number: region 361102, a birth date, a sequence, and its check character. */
const idNumber = (seq = ++n) => {
  const first17 = `36110219900101${String(seq).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
};
const email = () => `citizen${++n}@example.cn`;

const post = (url: string, payload: object, cookie?: string) =>
  t.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: cookie ? { cookie } : {} });
const get = (url: string, cookie: string) => t.inject({ method: 'GET', url, headers: { cookie } });
const citizen = (over: Record<string, unknown> = {}) => ({
  kind: 'citizen',
  personName: '张晓明',
  idNumber: idNumber(),
  contactKind: 'email',
  contact: email(),
  password: PASSWORD,
  ...over,
});
const login = (username: string, password = PASSWORD) => post('/api/auth/login', { username, password });
const cookieOf = (res: Awaited<ReturnType<typeof login>>) => {
  const c = res.cookies.find((k) => k.name === 'gs_session');
  if (!c) throw new Error('no session cookie');
  return `gs_session=${c.value}`;
};
const errorOf = (res: { json: () => unknown }) =>
  (res.json() as { error: { code: string; details?: { field?: string } } }).error;

/** Registers and confirms with the mailed code; returns the signed-in cookie. */
async function registered(body = citizen()): Promise<{ cookie: string; contact: string }> {
  expectStatus(await post('/api/portal/account/register', body), 200);
  const contact = body.contact as string;
  expectStatus(await post('/api/portal/account/confirm', { contact, code: inbox.codeFor(contact) }), 200);
  return { cookie: cookieOf(expectStatus(await login(contact), 200)), contact };
}

describe('registering a public account (R-34)', () => {
  it('registers a citizen, mails a code over SMTP, and lets them in only after confirming it', async () => {
    const body = citizen();
    const res = expectStatus(await post('/api/portal/account/register', body), 200);
    expect(res.json<{ sentTo: string }>().sentTo).toMatch(/^c\*+@example\.cn$/);
    const mail = inbox.mails.at(-1)!;
    expect(mail.to).toEqual([body.contact]);
    expect(mail.subject).toContain('注册验证码');

    // Not before the address is confirmed, and not with a wrong code (the try is counted).
    expect(errorOf(expectStatus(await login(body.contact), 403)).code).toBe('ACCOUNT_NOT_CONFIRMED');
    const code = inbox.codeFor(body.contact);
    const wrong = code === '000000' ? '111111' : '000000';
    const bad = expectStatus(await post('/api/portal/account/confirm', { contact: body.contact, code: wrong }), 400);
    expect(bad.json<{ error: { messageZh: string } }>().error.messageZh).toContain('还可尝试4次');
    expectStatus(await post('/api/portal/account/confirm', { contact: body.contact, code }), 200);
    // A code works once.
    expectStatus(await post('/api/portal/account/confirm', { contact: body.contact, code }), 404);

    const cookie = cookieOf(expectStatus(await login(body.contact), 200));
    const me = expectStatus(await get('/api/portal/account', cookie), 200).json<Record<string, unknown>>();
    expect(me).toMatchObject({
      kind: 'citizen',
      personName: '张晓明',
      contact: body.contact,
      realNameStatus: 'verified',
      realNameProvider: 'http',
      mfaEnabled: false,
    });
    expect(me.idNumberMasked).toBe(`${body.idNumber.slice(0, 6)}********${body.idNumber.slice(-4)}`);
    expect(realName.state.calls.at(-1)).toEqual({
      path: '/verify/person',
      body: { name: '张晓明', idNumber: body.idNumber },
    });

    // The identity number is stored sealed and digested, never in clear.
    const row = await t.ctx.db.selectFrom('public_account').selectAll().where('person_name', '=', '张晓明').execute();
    expect(JSON.stringify(row)).not.toContain(body.idNumber);
  });

  it('refuses numbers with a wrong check character, in Chinese, pointing at the field, and stores nothing', async () => {
    const id = idNumber();
    const wrongCheck = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
    const contact = email();
    const r1 = expectStatus(
      await post('/api/portal/account/register', citizen({ idNumber: wrongCheck, contact })),
      400,
    );
    expect(errorOf(r1)).toMatchObject({ code: 'ACCOUNT_ID_NUMBER_INVALID', details: { field: 'idNumber' } });
    expect(r1.json<{ error: { messageZh: string } }>().error.messageZh).toContain('校验位');

    const code = completeCreditCode('91361100', 'MA35TE01');
    const badCode = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const r2 = expectStatus(
      await post(
        '/api/portal/account/register',
        citizen({ kind: 'legal_person', orgName: '上饶市某某科技有限公司', creditCode: badCode, contact }),
      ),
      400,
    );
    expect(errorOf(r2)).toMatchObject({ code: 'ACCOUNT_CREDIT_CODE_INVALID', details: { field: 'creditCode' } });
    const r3 = expectStatus(await post('/api/portal/account/register', citizen({ contact: 'not-an-address' })), 400);
    expect(errorOf(r3).details?.field).toBe('contact');

    const users = await t.ctx.db.selectFrom('app_user').select('id').where('username', '=', contact).execute();
    expect(users).toEqual([]);
  });

  it('registers a legal person with its agent, checking both with the real-name service', async () => {
    const creditCode = completeCreditCode('91361100', 'MA35LP01');
    const body = citizen({ kind: 'legal_person', personName: '李经办', orgName: '上饶市示例数据有限公司', creditCode });
    const { cookie } = await registered(body);
    const me = expectStatus(await get('/api/portal/account', cookie), 200).json<Record<string, unknown>>();
    expect(me).toMatchObject({ kind: 'legal_person', orgName: '上饶市示例数据有限公司', creditCode });
    expect(realName.state.calls.slice(-2).map((c) => c.path)).toEqual(['/verify/person', '/verify/organisation']);
  });

  it('refuses a name the real-name service does not match, and keeps a registration unverified while it is down', async () => {
    const id = idNumber();
    realName.state.refuse.add(`王冒名|${id}`);
    const refused = expectStatus(
      await post('/api/portal/account/register', citizen({ personName: '王冒名', idNumber: id })),
      400,
    );
    expect(errorOf(refused).code).toBe('REALNAME_MISMATCH');

    realName.state.down = true;
    let cookie: string;
    try {
      ({ cookie } = await registered(citizen({ personName: '赵待核' })));
    } finally {
      realName.state.down = false;
    }
    const me = expectStatus(await get('/api/portal/account', cookie), 200).json<Record<string, unknown>>();
    expect(me).toMatchObject({ realNameStatus: 'unverified', realNameMessage: 'unavailable: HTTP 503' });
    const again = expectStatus(await post('/api/portal/account/realname', {}, cookie), 200);
    expect(again.json()).toMatchObject({ realNameStatus: 'verified', realNameMessage: null });
  });

  it('lets an unconfirmed registration give way, but not a confirmed one', async () => {
    const id = idNumber();
    const first = citizen({ idNumber: id });
    expectStatus(await post('/api/portal/account/register', first), 200);
    // Same person, other address, before confirming: the first registration gives way.
    const second = citizen({ idNumber: id });
    expectStatus(await post('/api/portal/account/register', second), 200);
    expectStatus(
      await post('/api/portal/account/confirm', { contact: second.contact, code: inbox.codeFor(second.contact) }),
      200,
    );
    expectStatus(await login(first.contact as string), 401);

    const third = expectStatus(await post('/api/portal/account/register', citizen({ idNumber: id })), 409);
    expect(errorOf(third).code).toBe('ACCOUNT_IDENTITY_TAKEN');
    const sameAddress = expectStatus(
      await post('/api/portal/account/register', citizen({ contact: second.contact })),
      409,
    );
    expect(errorOf(sameAddress).code).toBe('ACCOUNT_CONTACT_TAKEN');
  });

  it('sends a new code at most once a minute', async () => {
    const body = citizen();
    expectStatus(await post('/api/portal/account/register', body), 200);
    const soon = expectStatus(await post('/api/portal/account/resend', { contact: body.contact }), 429);
    expect(errorOf(soon).code).toBe('ACCOUNT_CODE_TOO_SOON');
    const old = inbox.codeFor(body.contact as string);
    t.clock.advance(61_000);
    expectStatus(await post('/api/portal/account/resend', { contact: body.contact }), 200);
    const fresh = inbox.codeFor(body.contact as string);
    // Only the newest code counts.
    if (old !== fresh) {
      expectStatus(await post('/api/portal/account/confirm', { contact: body.contact, code: old }), 400);
    }
    expectStatus(await post('/api/portal/account/confirm', { contact: body.contact, code: fresh }), 200);
  });
});

describe('a public account afterwards', () => {
  it('resets a forgotten password with a mailed code, signing out every session, and tells strangers nothing', async () => {
    const { cookie, contact } = await registered();
    const before = inbox.mails.length;
    expectStatus(await post('/api/portal/account/password/forgot', { contact: 'nobody@example.cn' }), 200);
    expect(inbox.mails.length).toBe(before);

    expectStatus(await post('/api/portal/account/password/forgot', { contact }), 200);
    expect(inbox.mails.at(-1)!.subject).toContain('重置密码');
    const weak = await post('/api/portal/account/password/reset', {
      contact,
      code: inbox.codeFor(contact),
      newPassword: '123',
    });
    expect(weak.statusCode).toBe(400);
    const next = 'Xin-Mima-2026!';
    expectStatus(
      await post('/api/portal/account/password/reset', { contact, code: inbox.codeFor(contact), newPassword: next }),
      200,
    );
    expectStatus(await get('/api/portal/account', cookie), 401);
    expectStatus(await login(contact), 401);
    expectStatus(await login(contact, next), 200);
  });

  it('takes a TOTP second factor, asked at every sign-in from then on', async () => {
    const { cookie, contact } = await registered();
    const setup = expectStatus(await post('/api/auth/mfa/setup', {}, cookie), 200).json<{ secret: string }>();
    const code = currentTotp(setup.secret, t.clock.now());
    expectStatus(await post('/api/auth/mfa/enable', { code }, cookie), 200);
    const again = expectStatus(await login(contact), 200);
    expect(again.json<{ mfa: string }>().mfa).toBe('verify');
    const pending = cookieOf(again);
    expectStatus(await get('/api/portal/account', pending), 401);
    expectStatus(await post('/api/auth/mfa/verify', { code: currentTotp(setup.secret, t.clock.now()) }, pending), 200);
    expect(expectStatus(await get('/api/portal/account', pending), 200).json()).toMatchObject({ mfaEnabled: true });
  });

  it('never reaches the console: every staff API refuses a public user', async () => {
    const { cookie } = await registered();
    for (const url of [
      '/api/catalog/search',
      '/api/users',
      '/api/sharing/requests',
      '/api/audit/events',
      '/api/open/datasets',
    ]) {
      expect((await get(url, cookie)).statusCode, url).toBe(403);
    }
    const me = expectStatus(await get('/api/auth/me', cookie), 200).json<{ roles: string[]; permissions: string[] }>();
    expect(me.roles).toEqual(['public_user']);
    expect(me.permissions).not.toContain('catalog.read');
  });
});

describe('the outbox sender (demo mode, no SMTP server)', () => {
  it('writes e-mail and text messages as JSON lines anyone running the demo can read', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'govshare-outbox-'));
    const config = { ...loadConfig({}), outboxFile: path.join(dir, 'outbox.jsonl') };
    await senderFor(config).send({ channel: 'sms', to: '13800000000', subject: 's', text: '验证码 123456' });
    await senderFor(config).send({ channel: 'email', to: 'a@example.cn', subject: 'e', text: 'x' });
    const lines = (await fs.readFile(config.outboxFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toMatchObject([
      { channel: 'sms', to: '13800000000', text: '验证码 123456' },
      { channel: 'email', to: 'a@example.cn' },
    ]);
    await fs.rm(dir, { recursive: true });
  });
});
