import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { startSmsGatewayDouble } from '../helpers/sms-gateway-double';
import { expectStatus } from '../catalog/factory';
import { idNumberCheckChar } from '../../src/shared/org/id-number';
import { senderFor } from '../../src/server/platform/notify/sender';
import { loadConfig } from '../../src/server/config';

/** a citizen who signs up with a mobile number gets the code by text message, through the city's gateway. */
let t: TestApp;
let gateway: Awaited<ReturnType<typeof startSmsGatewayDouble>>;
const TOKEN = 'sms-gateway-token';

beforeAll(async () => {
  gateway = await startSmsGatewayDouble();
  t = await testApp({ smsUrl: gateway.url, smsToken: TOKEN });
});
afterAll(async () => {
  await t?.close();
  await gateway?.close();
});

let n = 0;
const citizen = (mobile: string) => {
  const first17 = `36110219900101${String(++n).padStart(3, '0')}`;
  return {
    kind: 'citizen',
    personName: '李晓华',
    idNumber: first17 + idNumberCheckChar(first17),
    contactKind: 'mobile',
    contact: mobile,
    password: 'Gongzhong-2026!',
  };
};
const post = (url: string, payload: object) =>
  t.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
const errorCode = (res: { json: () => unknown }) => (res.json() as { error: { code: string } }).error.code;

describe('text messages through the SMS gateway (R-34)', () => {
  it('sends the registration code to the mobile number, which then confirms the account', async () => {
    const mobile = '13800138001';
    const res = expectStatus(await post('/api/portal/account/register', citizen(mobile)), 200);
    expect(res.json<{ sentTo: string }>().sentTo).not.toContain(mobile);
    const sms = gateway.state.sent.at(-1)!;
    expect(sms).toMatchObject({ to: mobile, authorization: `Bearer ${TOKEN}` });
    expect(sms.text).toContain('验证码');

    expectStatus(await post('/api/portal/account/confirm', { contact: mobile, code: gateway.codeFor(mobile) }), 200);
    expectStatus(await post('/api/auth/login', { username: mobile, password: 'Gongzhong-2026!' }), 200);
  });

  it('says so when the gateway does not take the message, keeps nothing, and registers once it is back', async () => {
    const mobile = '13900139002';
    const body = citizen(mobile);
    gateway.state.down = true;
    const refused = expectStatus(await post('/api/portal/account/register', body), 503);
    expect(errorCode(refused)).toBe('SMS_UNAVAILABLE');
    expect((refused.json() as { error: { messageZh: string } }).error.messageZh).toContain('短信发送失败');
    // The registration went with the message: no pending account is left behind.
    expect(await t.ctx.db.selectFrom('app_user').select('id').where('username', '=', mobile).execute()).toEqual([]);

    gateway.state.down = false;
    expectStatus(await post('/api/portal/account/register', body), 200);
    expectStatus(await post('/api/portal/account/confirm', { contact: mobile, code: gateway.codeFor(mobile) }), 200);
  });

  it('refuses a channel no sender is configured for, pointing to the other one', async () => {
    const base = loadConfig({});
    const mailOnly = senderFor({ ...base, smtpUrl: 'smtp://127.0.0.1:1' });
    await expect(mailOnly.send({ channel: 'sms', to: '13800138000', subject: '', text: '' })).rejects.toMatchObject({
      code: 'SMS_NOT_CONFIGURED',
    });
    const smsOnly = senderFor({ ...base, smsUrl: gateway.url });
    await expect(smsOnly.send({ channel: 'email', to: 'a@example.cn', subject: '', text: '' })).rejects.toMatchObject({
      code: 'MAIL_NOT_CONFIGURED',
    });
  });
});
