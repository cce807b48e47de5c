import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { freshDatabase } from '../helpers/db';
import type { Database } from '../../src/server/db/open';
import type { DB } from '../../src/server/db/types';
import type { AppContext } from '../../src/server/app-context';
import { loadConfig } from '../../src/server/config';
import { ManualClock } from '../../src/server/platform/clock';
import { eventJobKind, on, publish, subscribe, subscribersOf } from '../../src/server/platform/events';
import { listJobs, retryDelayMs, runDueJobs } from '../../src/server/platform/jobs/service';

declare module '../../src/server/platform/events' {
  interface EventMap {
    'test.thing.changed': { tag: string };
    'test.thing.raced': { tag: string };
  }
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };
let database: Database & { url?: string };
let second: Kysely<DB> | undefined;
let clock: ManualClock;
let ctx: AppContext;
/** A second process: its own pool on PostgreSQL, the same connection on PGlite. */
let ctx2: AppContext;

beforeAll(async () => {
  database = await freshDatabase();
  clock = new ManualClock(new Date('2026-11-24T02:00:00Z'));
  ctx = { db: database.db, dbKind: database.kind, config: loadConfig({}), clock, log: silent };
  if (database.url) {
    const pool = new pg.Pool({ connectionString: database.url, max: 5 });
    pool.on('error', () => {});
    second = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  ctx2 = { ...ctx, db: second ?? database.db };
  // The "change" a publisher makes, and what each handler run did.
  await sql`create table event_test_change (tag text primary key)`.execute(ctx.db);
  await sql`create table event_test_seen (n serial primary key, subscriber text not null, tag text not null)`.execute(
    ctx.db,
  );
});
afterAll(async () => {
  await second?.destroy();
  await database.close();
});

const change = (c: AppContext, tag: string) => sql`insert into event_test_change (tag) values (${tag})`.execute(c.db);
const seen = async (subscriber: string, tag: string) =>
  Number(
    (
      await sql<{
        n: string;
      }>`select count(*) as n from event_test_seen where subscriber = ${subscriber} and tag = ${tag}`.execute(ctx.db)
    ).rows[0]!.n,
  );
const changed = async (tag: string) =>
  (await sql`select 1 from event_test_change where tag = ${tag}`.execute(ctx.db)).rows.length === 1;

describe('domain events through the job table', () => {
  let failNext = 0;
  beforeAll(() => {
    subscribe(
      on('test.thing.changed', 'test.flaky', async (c, e) => {
        await sql`insert into event_test_seen (subscriber, tag) values ('flaky', ${e.payload.tag})`.execute(c.db);
        if (failNext > 0) {
          failNext--;
          throw new Error('subscriber is down');
        }
      }),
    );
    subscribe(
      on('test.thing.changed', 'test.steady', async (c, e) => {
        await sql`insert into event_test_seen (subscriber, tag) values ('steady', ${e.payload.tag})`.execute(c.db);
      }),
    );
  });

  it('exists only if the change it describes committed', async () => {
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        const t = { ...ctx, db: trx };
        await change(t, 'rolled-back');
        await publish(t, 'test.thing.changed', { tag: 'rolled-back' });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    await runDueJobs(ctx, 'w1');
    expect(await changed('rolled-back')).toBe(false);
    expect(await seen('steady', 'rolled-back')).toBe(0);
  });

  it('retries a failing subscriber without rolling back the publication or the other subscribers', async () => {
    expect(subscribersOf('test.thing.changed')).toEqual(['test.flaky', 'test.steady']);
    failNext = 1;
    await ctx.db.transaction().execute(async (trx) => {
      const t = { ...ctx, db: trx };
      await change(t, 'published');
      expect(await publish(t, 'test.thing.changed', { tag: 'published' })).toBe(2);
    });
    expect(await runDueJobs(ctx, 'w1')).toMatchObject({ claimed: 2, done: 1, retried: 1 });
    // The failed attempt's own writes went with it; the publisher's change and the other subscriber's stay.
    expect(await changed('published')).toBe(true);
    expect(await seen('flaky', 'published')).toBe(0);
    expect(await seen('steady', 'published')).toBe(1);
    const [pending] = await listJobs(ctx, { kind: eventJobKind('test.flaky'), status: 'pending' });
    expect(pending).toMatchObject({ attempts: 1 });
    expect(pending!.last_error).toContain('subscriber is down');

    clock.advance(retryDelayMs(1));
    expect(await runDueJobs(ctx, 'w1')).toMatchObject({ claimed: 1, done: 1 });
    expect(await seen('flaky', 'published')).toBe(1);
    expect(await seen('steady', 'published')).toBe(1);
  });

  it('delivers each event once to each subscriber while two processes race for them', async () => {
    for (const s of ['race-a', 'race-b'])
      subscribe(
        on('test.thing.raced', s, async (c, e) => {
          await sql`insert into event_test_seen (subscriber, tag) values (${s}, ${e.payload.tag})`.execute(c.db);
        }),
      );
    for (let i = 0; i < 30; i++) await publish(ctx, 'test.thing.raced', { tag: `raced-${i}` });
    const drain = async (c: AppContext, worker: string) => {
      while ((await runDueJobs(c, worker, 3)).claimed > 0);
    };
    await Promise.all([drain(ctx, 'a1'), drain(ctx2, 'b1'), drain(ctx, 'a2'), drain(ctx2, 'b2')]);
    const r = await sql<{ subscriber: string; tag: string; n: string }>`
      select subscriber, tag, count(*) as n from event_test_seen where tag like 'raced-%' group by subscriber, tag`.execute(
      ctx.db,
    );
    expect(r.rows).toHaveLength(60);
    expect(r.rows.filter((x) => Number(x.n) !== 1)).toEqual([]);
  });
});
