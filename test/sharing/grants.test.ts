import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, platformAdmin, sessionsOf, signInAgain } from '../catalog/factory';
import { checkGrant, expireDueGrants, requireGrant } from '../../src/server/modules/sharing/grants-service';
import { consumersOf } from '../../src/server/modules/catalog/changes-service';
import { deliveryStamp, GRANT_HEADER } from '../../src/server/modules/sharing/use-limits';
import type { Grant, GrantDetail, ShareRequest } from '../../src/server/modules/sharing/schemas';
import { shanghaiDate } from '../../src/server/platform/calendar/dates';
import { get, post, sharedEntry, submitRequest } from './factory';

const DAY = 24 * 3600_000;
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

/** An unconditional grant by API for the given items and period. */
async function grant(opts: { periodFrom?: string; periodTo?: string; itemCount?: number } = {}) {
  const { entry, provider } = await sharedEntry(t, 'unconditional');
  const consumer = await catalogDepartment(t);
  const itemIds = entry.current!.items.slice(0, opts.itemCount ?? 2).map((i) => i.id);
  const r = expectStatus(
    await submitRequest(t, consumer.user, entry, {
      letterId: null,
      itemIds,
      periodFrom: opts.periodFrom ?? shanghaiDate(t.clock.now()),
      periodTo: opts.periodTo ?? '2027-12-31',
    }),
    201,
  ).json<ShareRequest>();
  return { entry, provider, consumer, grant: r.grant!, itemIds, allItemIds: entry.current!.items.map((i) => i.id) };
}

describe('grants (R-16) and checkGrant', () => {
  it('lets a use within the grant through and says why others are refused', async () => {
    const g = await grant();
    // An unconditional table grant gets the method's default terms: export allowed, no cap, any address.
    expect(g.grant.terms).toEqual({
      bulkExport: true,
      dailyRowCap: null,
      ipRanges: [],
      callsPerMinute: null,
      dailyCallQuota: null,
      operations: null,
    });
    const use = { departmentId: g.consumer.id, entryId: g.entry.id };
    expect(await checkGrant(t.ctx, { ...use, use: 'push', itemIds: g.itemIds })).toMatchObject({
      ok: true,
      grant: { id: g.grant.id },
    });
    expect(await checkGrant(t.ctx, { ...use, use: 'query', ip: '10.0.0.1' })).toMatchObject({
      ok: false,
      reason: 'method_not_allowed',
    });
    expect(await checkGrant(t.ctx, { ...use, use: 'push', itemIds: g.allItemIds })).toMatchObject({
      ok: false,
      reason: 'items',
    });
    const stranger = await catalogDepartment(t);
    expect(await checkGrant(t.ctx, { departmentId: stranger.id, entryId: g.entry.id, use: 'push' })).toEqual({
      ok: false,
      reason: 'no_grant',
      grant: null,
    });
    await expect(requireGrant(t.ctx, { ...use, use: 'download', ip: '10.0.0.1' })).rejects.toMatchObject({
      status: 403,
      code: 'SHARING_GRANT_METHOD_NOT_ALLOWED',
    });
  });

  it('refuses a grant before its first and after its last day', async () => {
    const g = await grant({ periodFrom: '2026-12-01', periodTo: '2026-12-10' });
    const use = { departmentId: g.consumer.id, entryId: g.entry.id, use: 'push' as const };
    expect(await checkGrant(t.ctx, use)).toMatchObject({ ok: false, reason: 'not_yet_valid' });
    expect(await checkGrant(t.ctx, { ...use, at: new Date('2026-12-10T15:00:00Z') })).toMatchObject({ ok: true });
    // 2026-12-11 00:30 in Shanghai is past the last day.
    expect(await checkGrant(t.ctx, { ...use, at: new Date('2026-12-10T16:30:00Z') })).toMatchObject({
      ok: false,
      reason: 'expired',
    });
  });

  it('is revoked by the provider with a reason, which the consumer is told; a revoked grant refuses every use', async () => {
    const g = await grant();
    const bystander = await catalogDepartment(t);
    expect(
      (await post(t, `/api/sharing/grants/${g.grant.id}/revoke`, bystander.leader, { reason: 'x' })).statusCode,
    ).toBe(404);
    expect(
      (await post(t, `/api/sharing/grants/${g.grant.id}/revoke`, g.consumer.specialist, { reason: 'x' })).statusCode,
    ).toBe(403);
    expect(
      (await post(t, `/api/sharing/grants/${g.grant.id}/revoke`, g.provider.specialist, { reason: '  ' })).json().error
        .code,
    ).toBe('SHARING_REASON_REQUIRED');
    const revoked = expectStatus(
      await post(t, `/api/sharing/grants/${g.grant.id}/revoke`, g.provider.specialist, { reason: '发现超范围使用' }),
      200,
    ).json<Grant>();
    expect(revoked).toMatchObject({
      status: 'revoked',
      revokeReason: '发现超范围使用',
      actions: { revoke: false, renew: false },
    });
    expect(await checkGrant(t.ctx, { departmentId: g.consumer.id, entryId: g.entry.id, use: 'push' })).toMatchObject({
      ok: false,
      reason: 'revoked',
    });
    const inbox = (await get(t, '/api/inbox', g.consumer.user)).json<{ items: Array<{ kind: string; body: string }> }>()
      .items;
    expect(inbox.find((n) => n.kind === 'sharing.grant.revoked')).toMatchObject({ body: '发现超范围使用' });
    expect(
      (await post(t, `/api/sharing/grants/${g.grant.id}/renew`, g.provider.specialist, { validTo: '2027-06-30' }))
        .statusCode,
    ).toBe(409);
    const detail = expectStatus(
      await get(t, `/api/sharing/grants/${g.grant.id}`, g.consumer.user),
      200,
    ).json<GrantDetail>();
    expect(detail.events.map((e) => e.kind)).toEqual(['created', 'revoked']);
  });

  it('expires after its last day by the job, and can be renewed by the provider or the platform', async () => {
    const g = await grant({ periodTo: '2026-11-30' });
    const admin = await platformAdmin(t);
    expect(await expireDueGrants(t.ctx)).toBe(0);
    t.clock.advance(7 * DAY); // 2026-12-01 10:00 Shanghai
    await signInAgain(t, ...sessionsOf(g.consumer, g.provider));
    expect(await expireDueGrants(t.ctx)).toBeGreaterThanOrEqual(1);
    const expired = expectStatus(
      await get(t, `/api/sharing/grants/${g.grant.id}`, g.consumer.user),
      200,
    ).json<GrantDetail>();
    expect(expired).toMatchObject({ status: 'expired' });
    expect(expired.events.map((e) => e.kind)).toEqual(['created', 'expired']);
    expect(
      (await post(t, `/api/sharing/grants/${g.grant.id}/renew`, admin, { validTo: '2026-11-30' })).json().error.code,
    ).toBe('SHARING_RENEW_DATE');
    const renewed = expectStatus(
      await post(t, `/api/sharing/grants/${g.grant.id}/renew`, admin, { validTo: '2027-06-30' }),
      200,
    ).json<Grant>();
    expect(renewed).toMatchObject({ status: 'active', validTo: '2027-06-30' });
    expect(await checkGrant(t.ctx, { departmentId: g.consumer.id, entryId: g.entry.id, use: 'push' })).toMatchObject({
      ok: true,
    });
  });

  it('shows each side its grants, and the platform all', async () => {
    const g = await grant();
    const consumerSide = expectStatus(await get(t, '/api/sharing/grants?side=consumer', g.consumer.user), 200).json<{
      items: Grant[];
    }>();
    expect(consumerSide.items.map((i) => i.id)).toEqual([g.grant.id]);
    expect(consumerSide.items[0]!.actions).toEqual({ revoke: false, renew: false });
    const providerSide = expectStatus(await get(t, '/api/sharing/grants?side=provider', g.provider.leader), 200).json<{
      items: Grant[];
    }>();
    expect(providerSide.items.map((i) => i.id)).toEqual([g.grant.id]);
    expect(providerSide.items[0]!.actions).toEqual({ revoke: true, renew: true });
    expect((await get(t, '/api/sharing/grants?side=consumer', g.provider.leader)).json().items).toEqual([]);
    const stranger = await catalogDepartment(t);
    expect((await get(t, `/api/sharing/grants/${g.grant.id}`, stranger.user)).statusCode).toBe(404);
  });

  it('makes grant holders hear of the entry’s changes like subscribers (R-07)', async () => {
    const g = await grant();
    expect(await consumersOf(t.ctx, g.entry.id)).toEqual([g.consumer.id]);
  });

  it('stamps deliveries with the grant number (R-19)', () => {
    const stamp = deliveryStamp({
      no: 'SQ-2026-000001',
      consumerDepartmentName: '上饶市人力资源和社会保障局',
      validTo: '2027-06-30',
    });
    expect(stamp.header).toEqual([GRANT_HEADER, 'SQ-2026-000001']);
    expect(stamp.notice).toContain('SQ-2026-000001');
    expect(stamp.notice).toContain('上饶市人力资源和社会保障局');
  });
});
