import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { freshDatabase } from '../helpers/db';
import type { Database } from '../../src/server/db/open';
import type { DB } from '../../src/server/db/types';
import type { AppContext } from '../../src/server/app-context';
import { loadConfig } from '../../src/server/config';
import { ManualClock } from '../../src/server/platform/clock';
import * as repo from '../../src/server/platform/jobs/repo';
import { startJobRunner } from '../../src/server/platform/jobs/runner';
import { registerBackgroundWork } from '../../src/server/compose';
import { testApp } from '../helpers/app';
import { approveVersion, catalogDepartment, expectStatus, publishedEntry } from '../catalog/factory';
import {
  ensurePeriodicTasks,
  findJob,
  listJobs,
  periodicKey,
  registerJobHandler,
  registerPeriodicTask,
  runDueJobs,
  scheduleJob,
} from '../../src/server/platform/jobs/service';

const silent = { info: () => {}, warn: () => {}, error: () => {} };
const MINUTE = 60_000;
let database: Database & { url?: string };
let second: Kysely<DB> | undefined;
let clock: ManualClock;
let ctx: AppContext;
/** A second process's view: its own pool on PostgreSQL, the same connection on PGlite. */
let ctx2: AppContext;

beforeAll(async () => {
  database = await freshDatabase();
  clock = new ManualClock(new Date('2026-11-24T02:00:00Z'));
  ctx = { db: database.db, dbKind: database.kind, config: loadConfig({}), clock, log: silent };
  if (database.url) {
    const pool = new pg.Pool({ connectionString: database.url, max: 5 });
    // Dropping the test database ends these sessions from the server side; that is expected, not a failure.
    pool.on('error', () => {});
    second = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  ctx2 = { ...ctx, db: second ?? database.db };
  // Every handler run leaves a row here, so a test counts what actually happened.
  await sql`create table job_test_run (n serial primary key, tag text not null)`.execute(ctx.db);
});
afterAll(async () => {
  await second?.destroy();
  await database.close();
});

async function runs(tag: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from job_test_run where tag = ${tag}`.execute(ctx.db);
  return Number(r.rows[0]?.n);
}
const record = (c: AppContext, tag: string) => sql`insert into job_test_run (tag) values (${tag})`.execute(c.db);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('job runner', () => {
  it('runs a job once when it is due and not before', async () => {
    registerJobHandler<{ tag: string }>('test.once', (c, p) => record(c, p.tag).then(() => undefined));
    const { id } = await scheduleJob(ctx, {
      kind: 'test.once',
      runAt: new Date(clock.now().getTime() + 60 * MINUTE),
      payload: { tag: 'once' },
    });
    expect((await runDueJobs(ctx, 'w1')).claimed).toBe(0);
    clock.advance(59 * MINUTE);
    await runDueJobs(ctx, 'w1');
    expect(await runs('once')).toBe(0);
    clock.advance(MINUTE);
    expect(await runDueJobs(ctx, 'w1')).toMatchObject({ claimed: 1, done: 1 });
    expect(await runDueJobs(ctx, 'w1')).toMatchObject({ claimed: 0 });
    expect(await runs('once')).toBe(1);
    expect(await findJob(ctx, id)).toMatchObject({ status: 'done', attempts: 1, locked_by: 'w1' });
  });

  it('retries with backoff, keeps the error and fails after the last attempt', async () => {
    registerJobHandler('test.broken', async () => {
      throw new Error('upstream unavailable / 上游不可用');
    });
    const { id } = await scheduleJob(ctx, { kind: 'test.broken', runAt: clock.now(), maxAttempts: 3 });
    expect(await runDueJobs(ctx, 'w1')).toMatchObject({ claimed: 1, retried: 1 });
    expect(await findJob(ctx, id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'upstream unavailable / 上游不可用',
    });
    expect((await runDueJobs(ctx, 'w1')).claimed).toBe(0); // backing off
    clock.advance(30_000);
    expect(await runDueJobs(ctx, 'w1')).toMatchObject({ retried: 1 });
    clock.advance(30_000);
    expect((await runDueJobs(ctx, 'w1')).claimed).toBe(0); // the second wait is twice as long
    clock.advance(30_000);
    expect(await runDueJobs(ctx, 'w1')).toMatchObject({ failed: 1 });
    const job = await findJob(ctx, id);
    expect(job).toMatchObject({ status: 'failed', attempts: 3, last_error: 'upstream unavailable / 上游不可用' });
    expect(job?.finished_at).toEqual(clock.now());
    clock.advance(60 * MINUTE);
    expect((await runDueJobs(ctx, 'w1')).claimed).toBe(0);
  });

  it('undoes a failed attempt’s writes, so the retry does not repeat them', async () => {
    let calls = 0;
    registerJobHandler('test.flaky', async (c) => {
      await record(c, 'flaky');
      if (++calls === 1) throw new Error('first attempt breaks after writing');
    });
    await scheduleJob(ctx, { kind: 'test.flaky', runAt: clock.now() });
    await runDueJobs(ctx, 'w1');
    expect(await runs('flaky')).toBe(0);
    clock.advance(30_000);
    expect(await runDueJobs(ctx, 'w1')).toMatchObject({ done: 1 });
    expect(await runs('flaky')).toBe(1);
  });

  it('does not duplicate a pending job with the same dedupe key, and reuses the key once it ran', async () => {
    registerJobHandler<{ tag: string }>('test.dedupe', (c, p) => record(c, p.tag).then(() => undefined));
    const a = await scheduleJob(ctx, {
      kind: 'test.dedupe',
      runAt: clock.now(),
      payload: { tag: 'dedupe' },
      dedupeKey: 'step:42',
    });
    const b = await scheduleJob(ctx2, {
      kind: 'test.dedupe',
      runAt: clock.now(),
      payload: { tag: 'dedupe' },
      dedupeKey: 'step:42',
    });
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    expect(await listJobs(ctx, { dedupeKey: 'step:42' })).toHaveLength(1);
    await runDueJobs(ctx, 'w1');
    expect(await runs('dedupe')).toBe(1);
    const c = await scheduleJob(ctx, {
      kind: 'test.dedupe',
      runAt: clock.now(),
      payload: { tag: 'dedupe' },
      dedupeKey: 'step:42',
    });
    expect(c.created).toBe(true);
    await runDueJobs(ctx, 'w1');
    expect(await runs('dedupe')).toBe(2);
  });

  it('puts a job back when its worker died mid-run, and fails it when no attempts are left', async () => {
    registerJobHandler<{ tag: string }>('test.orphan', (c, p) => record(c, p.tag).then(() => undefined));
    const revived = await scheduleJob(ctx, { kind: 'test.orphan', runAt: clock.now(), payload: { tag: 'orphan' } });
    const lastTry = await scheduleJob(ctx, {
      kind: 'test.orphan',
      runAt: clock.now(),
      payload: { tag: 'orphan' },
      maxAttempts: 1,
    });
    // A process claims both and crashes before finishing either.
    expect(await repo.claimDue(ctx.db, ['test.orphan'], 'dead', clock.now(), 10)).toHaveLength(2);
    clock.advance(5 * MINUTE);
    expect((await runDueJobs(ctx, 'alive', 10, { staleAfterMs: 10 * MINUTE })).claimed).toBe(0);
    clock.advance(6 * MINUTE);
    expect(await runDueJobs(ctx, 'alive', 10, { staleAfterMs: 10 * MINUTE })).toMatchObject({
      recovered: 1,
      claimed: 1,
      done: 1,
    });
    expect(await findJob(ctx, revived.id)).toMatchObject({ status: 'done', attempts: 2, locked_by: 'alive' });
    const failed = await findJob(ctx, lastTry.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.last_error).toContain('dead');
    expect(await runs('orphan')).toBe(1);
  });

  it('runs each of 50 due jobs exactly once while two runners race for them', async () => {
    registerJobHandler<{ tag: string }>('test.race', async (c, p) => {
      await sleep(1);
      await record(c, p.tag);
    });
    for (let i = 0; i < 50; i++)
      await scheduleJob(ctx, { kind: 'test.race', runAt: clock.now(), payload: { tag: `race-${i}` } });
    // Each runner polls from three loops at once, as a busy process would.
    const drain = async (c: AppContext, worker: string) => {
      while ((await runDueJobs(c, worker, 3)).claimed > 0);
    };
    await Promise.all([
      drain(ctx, 'a1'),
      drain(ctx2, 'b1'),
      drain(ctx, 'a2'),
      drain(ctx2, 'b2'),
      drain(ctx, 'a3'),
      drain(ctx2, 'b3'),
    ]);
    const r = await sql<{
      tag: string;
      n: string;
    }>`select tag, count(*) as n from job_test_run where tag like 'race-%' group by tag`.execute(ctx.db);
    expect(r.rows).toHaveLength(50);
    expect(r.rows.filter((x) => Number(x.n) !== 1)).toEqual([]);
    expect(await listJobs(ctx, { kind: 'test.race', status: 'done' })).toHaveLength(50);
  });
});

describe('periodic tasks', () => {
  it('keeps one pending instance across processes and runs once per period', async () => {
    registerPeriodicTask('test.tick', MINUTE, (c) => record(c, 'tick').then(() => undefined));
    await Promise.all([ensurePeriodicTasks(ctx), ensurePeriodicTasks(ctx2), ensurePeriodicTasks(ctx)]);
    expect(await listJobs(ctx, { kind: 'test.tick', status: 'pending' })).toHaveLength(1);

    const startedAt = clock.now().getTime();
    for (let minute = 0; minute < 5; minute++) {
      await Promise.all([runDueJobs(ctx, 'a'), runDueJobs(ctx2, 'b'), ensurePeriodicTasks(ctx2)]);
      clock.advance(20_000);
      await Promise.all([runDueJobs(ctx, 'a'), runDueJobs(ctx2, 'b')]);
      clock.advance(40_000);
    }
    expect(await runs('tick')).toBe(5);
    const pending = await listJobs(ctx, { kind: 'test.tick', status: 'pending' });
    expect(pending).toHaveLength(1);
    expect(pending[0]?.run_at.getTime()).toBe(startedAt + 5 * MINUTE);
    expect(pending[0]?.dedupe_key).toBe(periodicKey('test.tick'));
  });

  it('goes on after a failed run, without running twice to catch up', async () => {
    let calls = 0;
    registerPeriodicTask('test.shaky', MINUTE, async (c) => {
      await record(c, 'shaky');
      if (++calls === 1) throw new Error('first run fails');
    });
    await ensurePeriodicTasks(ctx);
    await runDueJobs(ctx, 'a');
    expect(calls).toBe(1);
    expect(await listJobs(ctx, { kind: 'test.shaky', status: 'failed' })).toMatchObject([
      { last_error: 'first run fails' },
    ]);
    // The process was away for ten minutes: one run on return, then the grid continues.
    clock.advance(10 * MINUTE + 1000);
    await runDueJobs(ctx, 'a');
    await runDueJobs(ctx, 'a');
    expect(calls).toBe(2);
    expect(await runs('shaky')).toBe(1);
    clock.advance(MINUTE);
    await runDueJobs(ctx, 'a');
    expect(calls).toBe(3);
    expect(await runs('shaky')).toBe(2);
  });
});

describe('startJobRunner', () => {
  it('polls for due jobs and stops cleanly', async () => {
    registerJobHandler<{ tag: string }>('test.polled', (c, p) => record(c, p.tag).then(() => undefined));
    const runner = startJobRunner(ctx, { workerId: 'poller', pollMs: 20 });
    await scheduleJob(ctx, { kind: 'test.polled', runAt: clock.now(), payload: { tag: 'polled' } });
    for (let i = 0; i < 200 && (await runs('polled')) === 0; i++) await sleep(10);
    expect(await runs('polled')).toBe(1);
    await runner.stop();
    await scheduleJob(ctx, { kind: 'test.polled', runAt: clock.now(), payload: { tag: 'polled' } });
    await sleep(100);
    expect(await runs('polled')).toBe(1);
  });
});

describe('catalog.publish-due', () => {
  it('publishes an announced deletion at its effective date, not before', async () => {
    const app = await testApp();
    try {
      registerBackgroundWork();
      const provider = await catalogDepartment(app);
      const consumer = await catalogDepartment(app);
      const { entry } = await publishedEntry(app, { provider, name: '公交线路站点' });
      expectStatus(
        await app.inject({
          method: 'POST',
          url: `/api/catalog/entries/${entry.id}/subscription`,
          headers: consumer.user.headers,
        }),
        200,
      );
      // A subscriber exists, so the deletion is announced and takes effect a calendar month later.
      const v = expectStatus(
        await app.inject({
          method: 'POST',
          url: `/api/catalog/entries/${entry.id}/deletion`,
          headers: provider.specialist.headers,
          payload: { reason: '线路已调整' },
        }),
        201,
      ).json();
      await approveVersion(app, v.id, provider, { submit: false });
      const status = async () =>
        (
          await app.ctx.db
            .selectFrom('catalog_entry')
            .select('status')
            .where('id', '=', entry.id)
            .executeTakeFirstOrThrow()
        ).status;

      // The events of the set-up's publications go first, so the next pass runs the task alone.
      while ((await runDueJobs(app.ctx, 'w')).claimed > 0);
      // What ensurePeriodicTasks does at start, without arming this file's test tasks in the second database.
      await scheduleJob(app.ctx, {
        kind: 'catalog.publish-due',
        runAt: app.clock.now(),
        dedupeKey: periodicKey('catalog.publish-due'),
        maxAttempts: 1,
      });
      expect(await runDueJobs(app.ctx, 'w')).toMatchObject({ done: 1 });
      expect(await status()).toBe('published');
      app.clock.advance(29 * 24 * 3600_000);
      await runDueJobs(app.ctx, 'w');
      expect(await status()).toBe('published');
      app.clock.advance(2 * 24 * 3600_000);
      expect(await runDueJobs(app.ctx, 'w')).toMatchObject({ done: 1, failed: 0 });
      expect(await status()).toBe('deleted');
      expect(await listJobs(app.ctx, { kind: 'catalog.publish-due', status: 'pending' })).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
