import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, platformAdmin } from '../catalog/factory';
import { post } from '../sharing/factory';
import { approvedConsumer, call, consumerOf, newSystem, OPERATIONS, serviceEntry, upstreamInput } from './fixtures';
import { shanghaiDate } from '../../src/server/platform/calendar/dates';
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

const errorOf = async (res: Response) => {
  const text = await res.text();
  const body = JSON.parse(text) as { error?: { code: string } };
  if (!body.error) throw new Error(`not an error: ${res.status} ${text}`);
  return { status: res.status, gatewayError: res.headers.get('x-gateway-error'), code: body.error.code };
};

/** The gateway's audit events of a system, oldest first. */
async function callEvents(appKey: string) {
  return t.ctx.db
    .selectFrom('audit_event')
    .select(['action', 'outcome', 'status_code', 'row_count', 'department_id', 'target_id', 'detail'])
    .where('username', '=', `app:${appKey}`)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

describe('service gateway calls (R-23)', () => {
  it('relays a granted call: only granted items, masked, tagged with the grant and audited', async () => {
    const { entry } = await serviceEntry(t, up.url);
    const { grant, system, consumer } = await consumerOf(t, entry);
    const res = await call(t, base, system, `/${entry.code}/persons`, { query: { page: '1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-grant-no')).toBe(grant.no);
    expect(res.headers.get('x-gateway-error')).toBeNull();
    expect(res.headers.get('x-ratelimit-limit')).toBe('600');
    // An answer for a system, not a page: none of the browser headers of the console's answers.
    expect(res.headers.get('content-security-policy')).toBeNull();
    const body = await res.json();
    // total, page, phone (not granted), tags and internalNote (not mapped) are dropped; names and ids masked.
    expect(body).toEqual({
      data: [
        { name: '张**', idCard: '360000********1234', address: { city: '上饶市' } },
        { name: '李*', idCard: '360000********2345', address: { city: '上饶市' } },
      ],
    });
    const events = await waitForEvents(system.appKey, 1);
    expect(events[0]).toMatchObject({
      action: 'gateway.call',
      outcome: 'success',
      status_code: 200,
      row_count: 2,
      department_id: consumer.id,
      target_id: entry.id,
      detail: expect.objectContaining({ grantNo: grant.no, operation: 'listPersons', systemId: system.id }),
    });
  });

  it('refuses calls without a grant, under a revoked or an expired grant, and operations the grant leaves out', async () => {
    const { entry, provider } = await serviceEntry(t, up.url);
    const path = `/${entry.code}/persons`;
    const stranger = await catalogDepartment(t);
    const strangerSystem = await newSystem(t, stranger.specialist);
    expect(await errorOf(await call(t, base, strangerSystem, path))).toEqual({
      status: 403,
      gatewayError: 'GRANT_NONE',
      code: 'GATEWAY_GRANT_NONE',
    });

    const revoked = await consumerOf(t, entry);
    expect((await call(t, base, revoked.system, path)).status).toBe(200);
    expectStatus(
      await post(t, `/api/sharing/grants/${revoked.grant.id}/revoke`, provider.specialist, { reason: '停止合作' }),
      200,
    );
    // The gateway holds a grant's check for a second at most (or until sharing's event reaches it).
    await expect
      .poll(async () => (await call(t, base, revoked.system, path)).headers.get('x-gateway-error'), { timeout: 5_000 })
      .toBe('GRANT_REVOKED');

    const narrow = await consumerOf(t, entry, ['name'], shanghaiDate(t.clock.now()));
    expect((await call(t, base, narrow.system, path)).status).toBe(200);
    const today = t.clock.now();
    t.clock.advance(2 * 24 * 3600_000);
    // A new day is a new check: no waiting for the cache.
    expect((await errorOf(await call(t, base, narrow.system, path))).gatewayError).toBe('GRANT_EXPIRED');
    // Back, so that the sessions of this file stay valid.
    t.clock.set(today);

    const conditional = await serviceEntry(t, up.url, 'conditional');
    const only = await approvedConsumer(t, conditional.entry, conditional.provider.specialist, {
      operations: ['getPerson'],
    });
    expect(only.grant.terms.operations).toEqual(['getPerson']);
    const denied = await call(t, base, only.system, `/${conditional.entry.code}/persons`);
    expect(await errorOf(denied)).toMatchObject({ status: 403, gatewayError: 'OPERATION_NOT_GRANTED' });
    const allowed = await call(t, base, only.system, `/${conditional.entry.code}/persons/0`);
    expect(allowed.status).toBe(200);
    // Every item was granted: the mapped ones pass, the unmapped (tags, internalNote) do not.
    expect(await allowed.json()).toEqual({
      name: '张**',
      idCard: '360000********1234',
      phone: '13800138000',
      address: { city: '上饶市' },
    });
    // Refusals are audited too, as denied.
    const events = await waitForEvents(strangerSystem.appKey, 1);
    expect(events[0]).toMatchObject({
      outcome: 'denied',
      status_code: 403,
      detail: expect.objectContaining({ gatewayError: 'GRANT_NONE' }),
    });
  });

  it('masks XML (SOAP) responses by XPath and drops unmapped elements', async () => {
    const { entry } = await serviceEntry(t, up.url);
    const { system } = await consumerOf(t, entry, ['name']);
    const envelope =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>';
    const res = await call(t, base, system, `/${entry.code}/soap`, {
      method: 'POST',
      body: envelope,
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:sr:persons#Query"' },
    });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('<ns:name>张**</ns:name>');
    expect(xml).toContain('<ns:name>李*</ns:name>');
    // id numbers are not granted, notes not mapped.
    expect(xml).not.toMatch(/idCard|360000|note|内部/);
    const events = await waitForEvents(system.appKey, 1);
    expect(events[0]).toMatchObject({ row_count: 2, outcome: 'success' });
  });

  it('streams unmapped operations through, and never passes credentials or cookies upstream', async () => {
    const { entry } = await serviceEntry(t, up.url);
    const { system } = await consumerOf(t, entry);
    const body = Buffer.from('任意二进制内容\u0000\u0001');
    const res = await call(t, base, system, `/${entry.code}/echo`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream', cookie: 'gs_session=abc', 'x-trace': '1' },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    const seen = up.lastHeaders();
    expect(seen['x-upstream-key']).toBe('upstream-secret');
    for (const h of [
      'cookie',
      'authorization',
      'x-gw-key',
      'x-gw-signature',
      'x-gw-nonce',
      'x-gw-timestamp',
      'x-trace',
    ])
      expect(seen[h], h).toBeUndefined();

    // A bearer token does not reach the upstream either.
    const token = expectStatus(
      await t.inject({
        method: 'POST',
        url: '/api/gateway/token',
        payload: { appKey: system.appKey, appSecret: system.appSecret },
      }),
      200,
    ).json<{ accessToken: string }>().accessToken;
    const viaToken = await fetch(`${base}/${entry.code}/echo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: 'x',
    });
    expect(viaToken.status).toBe(200);
    expect(up.lastHeaders().authorization).toBeUndefined();
  });

  it("tells its own failures from the upstream's: down, slow, huge, broken, and the upstream's own 404", async () => {
    const { entry, provider } = await serviceEntry(t, up.url);
    const { system } = await consumerOf(t, entry);
    const own = await call(t, base, system, `/${entry.code}/persons/9`);
    expect(own.status).toBe(404);
    expect(own.headers.get('x-gateway-error')).toBeNull();
    expect(own.headers.get('x-upstream-status')).toBe('404');
    expect(await own.json()).toEqual({ message: 'no such person' });
    // An encoded "/" stays inside its path segment: the upstream gets the path as sent and answers itself.
    const encoded = await call(t, base, system, `/${entry.code}/persons/a%2Fb`);
    expect([encoded.status, encoded.headers.get('x-gateway-error')]).toEqual([404, null]);
    expect(up.lastPath()).toBe('/persons/a%2Fb');

    expect(await errorOf(await call(t, base, system, `/${entry.code}/slow`))).toMatchObject({
      status: 504,
      gatewayError: 'UPSTREAM_TIMEOUT',
    });
    expect(await errorOf(await call(t, base, system, `/${entry.code}/huge`))).toMatchObject({
      status: 502,
      gatewayError: 'UPSTREAM_RESPONSE_TOO_LARGE',
    });
    expect(await errorOf(await call(t, base, system, `/${entry.code}/broken`))).toMatchObject({
      status: 502,
      gatewayError: 'UPSTREAM_RESPONSE_INVALID',
    });
    expect(await errorOf(await call(t, base, system, `/${entry.code}/nowhere`))).toMatchObject({
      status: 404,
      gatewayError: 'OPERATION_NOT_FOUND',
    });
    const big = await call(t, base, system, `/${entry.code}/echo`, { method: 'POST', body: Buffer.alloc(2048, 1) });
    expect(await errorOf(big)).toMatchObject({ status: 413, gatewayError: 'REQUEST_TOO_LARGE' });

    // The upstream down: a port nothing listens on.
    const dead = await startUpstream();
    await dead.close();
    expectStatus(
      await t.inject({
        method: 'PUT',
        url: `/api/gateway/upstreams/${entry.id}`,
        headers: provider.specialist.headers,
        payload: upstreamInput(dead.url, { auth: { kind: 'header', name: 'X-Upstream-Key' } }),
      }),
      200,
    );
    expect(await errorOf(await call(t, base, system, `/${entry.code}/persons`))).toMatchObject({
      status: 502,
      gatewayError: 'UPSTREAM_UNAVAILABLE',
    });
    // The test clock stands still, so the events' times tie: compared as a set, not in order.
    const outcomes = (await waitForEvents(system.appKey, 7)).map((e) => [e.status_code, e.outcome]).sort();
    expect(outcomes).toEqual(
      [
        [404, 'failed'],
        [404, 'failed'],
        [504, 'failed'],
        [502, 'failed'],
        [502, 'failed'],
        [404, 'failed'],
        [502, 'failed'],
      ].sort(),
    );
    // Refused before its signature was checked, the call is still audited, with the key it presented.
    const early = await t.ctx.db
      .selectFrom('audit_event')
      .select(['status_code', 'detail', 'department_id'])
      .where('action', '=', 'gateway.call')
      .where('target_id', '=', entry.id)
      .where('status_code', '=', 413)
      .executeTakeFirst();
    expect(early).toMatchObject({
      department_id: null,
      detail: expect.objectContaining({ presentedKey: system.appKey }),
    });
  });

  it('answers an operation taken away for a month after the change (R-07), then no more', async () => {
    const { entry, provider } = await serviceEntry(t, up.url);
    const { system } = await consumerOf(t, entry);
    const fewer = upstreamInput(up.url, { operations: OPERATIONS.filter((o) => o.id !== 'getPerson') });
    expectStatus(
      await t.inject({
        method: 'PUT',
        url: `/api/gateway/upstreams/${entry.id}`,
        headers: provider.specialist.headers,
        payload: { ...fewer, auth: { kind: 'header', name: 'X-Upstream-Key' } },
      }),
      200,
    );
    // Held for the platform's review, then applied on approval.
    expectStatus(
      await post(t, `/api/gateway/upstreams/${entry.id}/change/review`, await platformAdmin(t), { approve: true }),
      200,
    );
    expect((await call(t, base, system, `/${entry.code}/persons/1`)).status).toBe(200);
    const today = t.clock.now();
    t.clock.advance(32 * 24 * 3600_000);
    expect((await errorOf(await call(t, base, system, `/${entry.code}/persons/1`))).gatewayError).toBe(
      'OPERATION_NOT_FOUND',
    );
    expect((await call(t, base, system, `/${entry.code}/persons`)).status).toBe(200);
    t.clock.set(today);
  });

  it('limits calls per minute and per day per grant, with Retry-After and X-RateLimit headers', async () => {
    const conditional = await serviceEntry(t, up.url, 'conditional');
    const { system, grant } = await approvedConsumer(t, conditional.entry, conditional.provider.specialist, {
      callsPerMinute: 3,
      dailyCallQuota: 5,
    });
    const path = `/${conditional.entry.code}/persons/1`;
    const minuteStart = Math.ceil(t.clock.now().getTime() / 60_000) * 60_000;
    t.clock.set(new Date(minuteStart + 1_000));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(t, base, system, path)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call(t, base, system, path);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorOf(limited)).toMatchObject({ status: 429, gatewayError: 'RATE_LIMITED' });

    // Two minutes on the window is clear; the day's quota (5) runs out after two more.
    t.clock.advance(120_000);
    expect((await call(t, base, system, path)).status).toBe(200);
    expect((await call(t, base, system, path)).status).toBe(200);
    const over = await call(t, base, system, path);
    expect(await errorOf(over)).toMatchObject({ status: 429, gatewayError: 'QUOTA_EXCEEDED' });
    expect(over.headers.get('x-quota-remaining')).toBe('0');

    // Counted in the database too (flushed each second), so a restart keeps the day's count.
    await expect.poll(() => usageOf(grant.id), { timeout: 5_000 }).toEqual({ calls: 5, refused: 3 });
  });
});

async function waitForEvents(appKey: string, n: number) {
  for (let i = 0; i < 100; i++) {
    const events = await callEvents(appKey);
    if (events.length >= n) return events;
    await new Promise((r) => setTimeout(r, 20));
  }
  return callEvents(appKey);
}

const usageOf = async (grantId: string) =>
  t.ctx.db.selectFrom('gw_usage').select(['calls', 'refused']).where('grant_id', '=', grantId).executeTakeFirst();
