import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { expectStatus } from '../catalog/factory';
import { get } from '../sharing/factory';
import { checkUpstreams } from '../../src/server/modules/gateway/monitoring-service';
import type { ServiceStats } from '../../src/server/modules/gateway/monitoring-service';
import { call, consumerOf, newSystem, serviceEntry, upstreamInput } from './fixtures';
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

it('counts calls, failures, refusals and latency per operation, probes the upstream, and shows it to the provider only (R-23, R-27)', async () => {
  const { entry, provider } = await serviceEntry(t, up.url);
  const { system, grant, consumer } = await consumerOf(t, entry);
  const stranger = await newSystem(t, provider.specialist, '提供部门自己的系统');
  for (let i = 0; i < 3; i++) expect((await call(t, base, system, `/${entry.code}/persons`)).status).toBe(200);
  expect((await call(t, base, system, `/${entry.code}/slow`)).status).toBe(504);
  expect((await call(t, base, stranger, `/${entry.code}/persons`)).status).toBe(403);

  // The upstream answers its base URL (404 is an answer): up. Then it is pointed at a closed port: down.
  await checkUpstreams(t.ctx);
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
  t.clock.advance(60_000);
  await checkUpstreams(t.ctx);

  const statsOf = async () =>
    expectStatus(
      await get(t, `/api/gateway/upstreams/${entry.id}/stats?days=1`, provider.specialist),
      200,
    ).json<ServiceStats>();
  // Counts are written behind the calls, within a second.
  await expect.poll(async () => (await statsOf()).operations.length, { timeout: 5_000 }).toBe(2);
  const s = await statsOf();
  const list = s.operations.find((o) => o.id === 'listPersons')!;
  expect(list).toMatchObject({ calls: 4, failures: 0, refusals: 1, errorRate: 0 });
  expect(list.p95Ms).toBeGreaterThan(0);
  const slow = s.operations.find((o) => o.id === 'slow')!;
  expect(slow).toMatchObject({ calls: 1, failures: 1, refusals: 0, errorRate: 1 });
  // The slow call waited for the 1 s timeout: its latency bucket is above it.
  expect(slow.p50Ms).toBeGreaterThanOrEqual(1000);
  expect(s.hourly.reduce((n, h) => n + h.calls, 0)).toBe(5);
  expect(s.availability).toMatchObject({ checks: 2, up: 1, ratio: 0.5, lastCheck: { ok: false, status: null } });
  expect(s.grants).toEqual([{ grantNo: grant.no, consumer: consumer.name, calls: 4, refused: 0 }]);

  // the resource's data quality carries its service's availability, by day, for every reader.
  const quality = expectStatus(
    await get(t, `/api/exchange/entries/${entry.id}/quality`, consumer.specialist),
    200,
  ).json<{
    service: { checks: number; up: number; ratio: number; daily: Array<{ day: string; ratio: number }> } | null;
  }>();
  expect(quality.service).toMatchObject({ checks: 2, up: 1, ratio: 0.5, daily: [{ day: '2026-11-24', ratio: 0.5 }] });

  // The consuming system's last call is recorded.
  const listed = expectStatus(await get(t, '/api/gateway/systems', consumer.specialist), 200).json<{
    items: Array<{ lastUsedAt: string | null }>;
  }>();
  expect(listed.items[0]!.lastUsedAt).not.toBeNull();

  // Other departments do not see the provider's monitoring.
  expect((await get(t, `/api/gateway/upstreams/${entry.id}/stats`, consumer.specialist)).statusCode).toBe(403);
});
