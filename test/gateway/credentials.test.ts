import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus } from '../catalog/factory';
import { get, post } from '../sharing/factory';
import { NonceStore } from '../../src/server/modules/gateway/nonce-store';
import { call, consumerOf, serviceEntry, signedHeaders, type AppCredentials } from './fixtures';
import { startUpstream, type UpstreamDouble } from './upstream-double';

let t: TestApp;
let up: UpstreamDouble;
let base: string;
beforeAll(async () => {
  t = await testApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/gw`;
  up = await startUpstream();
});
afterAll(async () => {
  await t.close();
  await up.close();
});

const refusal = async (res: Response) => [res.status, res.headers.get('x-gateway-error')];

const token = (c: AppCredentials) =>
  t.inject({ method: 'POST', url: '/api/gateway/token', payload: { appKey: c.appKey, appSecret: c.appSecret } });

describe('application credentials (R-23)', () => {
  it('refuses bad signatures, skewed clocks, malformed headers, unsigned calls and replays', async () => {
    const { entry } = await serviceEntry(t, up.url);
    const { system } = await consumerOf(t, entry);
    const path = `/${entry.code}/persons/0`;
    const now = Math.floor(t.clock.now().getTime() / 1000);
    expect(await refusal(await call(t, base, system, path, { secret: 'not-the-secret' }))).toEqual([
      401,
      'SIGNATURE_INVALID',
    ]);
    expect(await refusal(await call(t, base, system, path, { timestamp: now - 301 }))).toEqual([401, 'TIMESTAMP_SKEW']);
    expect(await refusal(await call(t, base, system, path, { timestamp: now + 301 }))).toEqual([401, 'TIMESTAMP_SKEW']);
    expect((await call(t, base, system, path, { timestamp: now - 299 })).status).toBe(200);
    expect(await refusal(await call(t, base, system, path, { nonce: 'short' }))).toEqual([401, 'SIGNATURE_MALFORMED']);
    expect(await refusal(await fetch(`${base}${path}`))).toEqual([401, 'CREDENTIALS_MISSING']);
    expect(await refusal(await call(t, base, { ...system, appKey: 'gw-nobody' }, path))).toEqual([
      401,
      'APP_KEY_UNKNOWN',
    ]);
    // A signature covers the query: signed for a=1, sent with a=2, it fails.
    const headers = signedHeaders(t, system, 'GET', `/gw${path}`, { query: { a: '1' } });
    expect((await fetch(`${base}${path}?a=1`, { headers })).status).toBe(200);
    const tampered = signedHeaders(t, system, 'GET', `/gw${path}`, { query: { a: '1' } });
    expect(await refusal(await fetch(`${base}${path}?a=2`, { headers: tampered }))).toEqual([401, 'SIGNATURE_INVALID']);

    // The same nonce twice: the second is a replay, even with a fresh signature.
    const nonce = 'replay-nonce-0123456789';
    expect((await call(t, base, system, path, { nonce })).status).toBe(200);
    expect(await refusal(await call(t, base, system, path, { nonce }))).toEqual([401, 'NONCE_REPLAYED']);
  });

  it('remembers nonces across a restart of the process (they are written behind)', async () => {
    const now = t.clock.now();
    const first = new NonceStore(t.ctx);
    expect(await first.take('gwkey', 'nonce-restart-0001', now)).toBe(true);
    expect(await first.take('gwkey', 'nonce-restart-0001', now)).toBe(false);
    await first.flush();
    const restarted = new NonceStore(t.ctx);
    expect(await restarted.take('gwkey', 'nonce-restart-0001', now)).toBe(false);
    expect(await restarted.take('gwkey', 'nonce-restart-0002', now)).toBe(true);
    // Past the window (twice the skew) a nonce is forgotten: a request that old is refused for its timestamp.
    const later = new NonceStore(t.ctx);
    expect(await later.take('gwkey', 'nonce-restart-0001', new Date(now.getTime() + 601_000))).toBe(true);
  });

  it('issues bearer tokens for key and secret, which end with their lifetime', async () => {
    const { entry } = await serviceEntry(t, up.url);
    const { system } = await consumerOf(t, entry);
    expect((await token({ ...system, appSecret: 'wrong' })).json().error.code).toBe('GATEWAY_CREDENTIALS_INVALID');
    const answer = expectStatus(await token(system), 200).json<{ accessToken: string; expiresIn: number }>();
    expect(answer.expiresIn).toBe(1800);
    const bearer = (value: string) =>
      fetch(`${base}/${entry.code}/persons/1`, { headers: { authorization: `Bearer ${value}` } });
    expect((await bearer(answer.accessToken)).status).toBe(200);
    expect(await refusal(await bearer('made-up'))).toEqual([401, 'TOKEN_INVALID']);
    const start = t.clock.now();
    t.clock.advance(1801_000);
    expect(await refusal(await bearer(answer.accessToken))).toEqual([401, 'TOKEN_INVALID']);
    t.clock.set(start);
  });

  it('shows a secret once, rotates with a grace period, and stops a disabled system at once', async () => {
    const { entry } = await serviceEntry(t, up.url);
    const { system, consumer } = await consumerOf(t, entry);
    const path = `/${entry.code}/persons/0`;
    const listed = expectStatus(await get(t, '/api/gateway/systems', consumer.specialist), 200).json<{
      items: object[];
    }>();
    expect(listed.items).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(system.appSecret);
    // Stored sealed: the secret is not in the table in clear.
    const row = await t.ctx.db
      .selectFrom('gw_system')
      .select('secret')
      .where('id', '=', system.id)
      .executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(system.appSecret);

    const rotated = expectStatus(
      await post(t, `/api/gateway/systems/${system.id}/rotate`, consumer.specialist, { graceMinutes: 10 }),
      200,
    ).json<{ appSecret: string; system: { previousSecretUntil: string } }>();
    const renewed = { ...system, appSecret: rotated.appSecret };
    expect(rotated.system.previousSecretUntil).not.toBeNull();
    expect((await call(t, base, renewed, path)).status).toBe(200);
    expect((await call(t, base, system, path)).status).toBe(200);
    const start = t.clock.now();
    t.clock.advance(11 * 60_000);
    expect(await refusal(await call(t, base, system, path))).toEqual([401, 'SIGNATURE_INVALID']);
    expect((await call(t, base, renewed, path)).status).toBe(200);
    t.clock.set(start);

    const bearer = expectStatus(await token(renewed), 200).json<{ accessToken: string }>().accessToken;
    expectStatus(await post(t, `/api/gateway/systems/${system.id}/disable`, consumer.specialist), 200);
    expect(await refusal(await call(t, base, renewed, path))).toEqual([403, 'SYSTEM_DISABLED']);
    const viaToken = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(await refusal(viaToken)).toEqual([401, 'TOKEN_INVALID']);
    expectStatus(await post(t, `/api/gateway/systems/${system.id}/enable`, consumer.specialist), 200);
    expect((await call(t, base, renewed, path)).status).toBe(200);

    // Another department neither sees nor manages the system.
    const other = await catalogDepartment(t);
    expect(
      expectStatus(await get(t, '/api/gateway/systems', other.specialist), 200).json<{ items: object[] }>().items,
    ).toEqual([]);
    expect((await post(t, `/api/gateway/systems/${system.id}/disable`, other.specialist)).statusCode).toBe(404);
    expect((await post(t, '/api/gateway/systems', other.user, { name: 'x' })).statusCode).toBe(403);
  });
});
