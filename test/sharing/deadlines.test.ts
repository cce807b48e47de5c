import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { expectStatus, platformAdmin, signInAgain, sessionsOf } from '../catalog/factory';
import type { AppContext } from '../../src/server/app-context';
import type { DB } from '../../src/server/db/types';
import { runDueJobs } from '../../src/server/platform/jobs/service';
import { registerBackgroundWork } from '../../src/server/compose';
import { overdueStepCounts } from '../../src/server/modules/sharing/steps-service';
import type { RequestSummary, ShareRequest } from '../../src/server/modules/sharing/schemas';
import { conditionalRequest, get, post } from './factory';

const DAY = 24 * 3600_000;
let t: TestApp;
/** A second app process's view of the same database: its own pool on PostgreSQL. */
let second: Kysely<DB> | undefined;
let ctx2: AppContext;

beforeAll(async () => {
  // Submitted on Monday 2026-09-28, just before the National Day holiday.
  t = await testApp({}, new Date('2026-09-28T02:00:00Z'));
  registerBackgroundWork();
  if (t.databaseUrl) {
    const pool = new pg.Pool({ connectionString: t.databaseUrl, max: 3 });
    pool.on('error', () => {});
    second = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  ctx2 = { ...t.ctx, db: second ?? t.ctx.db };
});
afterAll(async () => {
  await second?.destroy();
  await t.close();
});

const notices = async (userId: string, kind: string, requestId: string) =>
  Number(
    (
      await t.ctx.db
        .selectFrom('notification')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .where('kind', '=', kind)
        .where('link', '=', `/console/sharing/requests/${requestId}`)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('review deadlines (R-13 – R-15)', () => {
  it('counts working days across the National Day holiday (start day not counted)', async () => {
    const { request } = await conditionalRequest(t, { periodFrom: '2026-10-10' });
    // 9-29 and 9-30 are working days, 10-01 … 10-07 are off: the third working day is Thursday 10-08.
    expect(request.currentStep!.dueAt).toBe('2026-10-08T15:59:59.999Z');
  });

  it('flags an overdue step once even when two processes run the job, notifies, and counts it', async () => {
    const { request, consumer, provider } = await conditionalRequest(t, { periodFrom: '2026-10-30' });
    const admin = await platformAdmin(t);
    const due = new Date(request.currentStep!.dueAt).getTime();
    t.clock.set(new Date(due - 60_000));
    await Promise.all([runDueJobs(t.ctx, 'p1'), runDueJobs(ctx2, 'p2')]);
    await signInAgain(t, ...sessionsOf(consumer, provider));
    expect(
      expectStatus(await get(t, `/api/sharing/requests/${request.id}`, consumer.user), 200).json<ShareRequest>()
        .overdue,
    ).toBe(false);

    t.clock.set(new Date(due + 60_000));
    await signInAgain(t, ...sessionsOf(consumer, provider));
    const [a, b] = await Promise.all([runDueJobs(t.ctx, 'p1'), runDueJobs(ctx2, 'p2')]);
    expect(a.done + b.done).toBeGreaterThanOrEqual(1);
    const step = await t.ctx.db
      .selectFrom('share_review_step')
      .select(['overdue_at'])
      .where('request_id', '=', request.id)
      .executeTakeFirstOrThrow();
    expect(step.overdue_at).not.toBeNull();
    expect(await notices(admin.id, 'sharing.step.overdue', request.id)).toBe(1);
    expect(await notices(consumer.user.id, 'sharing.step.overdue', request.id)).toBe(1);
    // Running again changes nothing.
    await Promise.all([runDueJobs(t.ctx, 'p1'), runDueJobs(ctx2, 'p2')]);
    expect(await notices(admin.id, 'sharing.step.overdue', request.id)).toBe(1);

    const seen = expectStatus(
      await get(t, `/api/sharing/requests/${request.id}`, consumer.user),
      200,
    ).json<ShareRequest>();
    expect(seen).toMatchObject({ overdue: true, currentStep: { overdue: true, overdueAt: expect.any(String) } });
    const list = expectStatus(await get(t, '/api/sharing/requests?overdue=true&pageSize=200', admin), 200).json<{
      items: RequestSummary[];
    }>();
    expect(list.items.map((i) => i.id)).toContain(request.id);

    // Forwarding late still counts the pre-review as late; the provider's step starts fresh.
    const fwd = expectStatus(
      await post(t, `/api/sharing/requests/${request.id}/prereview`, admin, { decision: 'forward' }),
      200,
    ).json<ShareRequest>();
    expect(fwd.steps.map((s) => `${s.kind}:${s.overdue}`)).toEqual(['admin_prereview:true', 'provider_decision:false']);
    const counts = await overdueStepCounts(t.ctx, new Date(0));
    expect(counts.find((c) => c.kind === 'admin_prereview' && c.providerDepartmentId === provider.id)).toMatchObject({
      overdue: 1,
    });
    // A later provider answer within its own deadline is not overdue.
    t.clock.advance(DAY);
    await signInAgain(t, ...sessionsOf(consumer, provider));
    const ok = expectStatus(
      await post(t, `/api/sharing/requests/${request.id}/decision`, provider.specialist, { decision: 'approve' }),
      200,
    ).json<ShareRequest>();
    expect(ok.steps.at(-1)).toMatchObject({ kind: 'provider_decision', decision: 'approve', overdue: false });
  });
});
