/**
 * Audit append benchmark (issue "Structure before growth", point 5). Run: `npx tsx bench/audit/run.ts`
 * (or `npm run bench`); BENCH_SHORT=1 for a CI-sized run. Needs the PostgreSQL of BENCH_DATABASE_URL.
 *
 * EVENTS audit events recorded by CONCURRENCY callers at once (as that many requests would), into a
 * fresh database, in the same run. 256 callers: a gateway serving 20,000 calls a second whose calls
 * take 13 ms on average (a department's API behind it, plus the audit commit) has that many in flight
 * (Little's law); each caller waits for its event's commit before it records the next.
 *   baseline  the append before this change: each event one transaction that locks the chain's head
 *             row (SELECT … FOR UPDATE), inserts the event with its SM3 link and moves the head;
 *   govshare  recordAudit outside a transaction (reads, denials, gateway calls): the chaining writer
 *             writes overlapping batches, each one transaction; then sealAuditLog for anything left.
 * For information also govshare with 64 callers, and the events recorded inside callers' transactions
 * (a state change and its event commit together): plain unsealed INSERTs, then the sealer — one commit
 * per event, so the database's commit rate bounds it, not a lock.
 * Every variant ends with the chain verified. Goal: govshare ≥ 20,000 events/s.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AppContext } from '../../src/server/app-context';
import { loadConfig } from '../../src/server/config';
import { migrateToLatest } from '../../src/server/db/migrate';
import { openPostgres } from '../../src/server/db/open';
import { chainHash } from '../../src/server/platform/audit/chain';
import type { AuditInput } from '../../src/server/platform/audit/repo';
import { recordAudit, sealAuditLog, verifyAuditChain } from '../../src/server/platform/audit/service';
import { systemClock } from '../../src/server/platform/clock';
import { databaseUrl, pgAdmin } from '../pg-admin';

const SHORT = process.env.BENCH_SHORT === '1';
const EVENTS = Number(process.env.BENCH_EVENTS ?? (SHORT ? 3_000 : 100_000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);
const GOAL = 20_000;
const silent = { info: () => {}, warn: () => {}, error: () => {} };

function event(i: number): Omit<AuditInput, 'at'> {
  return {
    userId: null,
    username: `user${i % 500}`,
    realName: '测试用户',
    departmentId: null,
    departmentName: '上饶市大数据发展管理局',
    roles: ['dept_user'],
    category: 'query',
    action: 'gw.call',
    targetType: 'service',
    targetId: `svc-${i % 50}`,
    targetName: `接口服务${i % 50}（svc-${i % 50}）`,
    rowCount: i % 100,
    ip: '127.0.0.1',
    userAgent: 'bench',
    outcome: 'success',
    statusCode: 200,
    detail: { path: `/gw/svc-${i % 50}/items`, ms: i % 37 },
    providerDepartmentId: null,
    consumerDepartmentId: null,
  };
}

/** Runs `total` calls of `one` with `concurrency` in flight; returns events per second. */
async function drive(total: number, concurrency: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

/** The append as it was: one transaction per event, serialised on the head row's lock. */
async function lockedAppend(ctx: AppContext, i: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const head = await trx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const input = { ...event(i), at: ctx.clock.now() };
    const seq = String(BigInt(head.seq) + 1n);
    const hash = chainHash(head.hash, seq, input);
    await trx
      .insertInto('audit_event')
      .values({
        seq,
        at: input.at,
        user_id: input.userId,
        username: input.username,
        real_name: input.realName,
        department_id: input.departmentId,
        department_name: input.departmentName,
        roles: input.roles,
        category: input.category,
        action: input.action,
        target_type: input.targetType,
        target_id: input.targetId,
        target_name: input.targetName,
        row_count: input.rowCount,
        ip: input.ip,
        user_agent: input.userAgent,
        outcome: input.outcome,
        status_code: input.statusCode,
        detail: JSON.stringify(input.detail),
        prev_hash: head.hash,
        hash,
      })
      .execute();
    await trx.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute();
  });
}

async function withDatabase<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const name = `bench_audit_${randomBytes(4).toString('hex')}`;
  await pgAdmin(`create database ${name}`);
  const database = await openPostgres(databaseUrl(name), Math.min(CONCURRENCY, 32));
  try {
    await migrateToLatest(database.db);
    const ctx: AppContext = {
      db: database.db,
      dbKind: 'postgresql',
      config: loadConfig({}),
      clock: systemClock,
      log: silent,
    };
    return await fn(ctx);
  } finally {
    await database.close();
    await pgAdmin(`drop database if exists ${name} with (force)`);
  }
}

async function verified(ctx: AppContext, expected: number): Promise<void> {
  const r = await verifyAuditChain(ctx);
  if (!r.ok || r.checked !== expected) {
    throw new Error(`chain not valid: ok=${r.ok} checked=${r.checked}/${expected} ${JSON.stringify(r.problems[0])}`);
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  console.log(`audit append: ${EVENTS} events, ${CONCURRENCY} callers at once, PostgreSQL`);
  // The locked append is slow enough that a tenth of the events gives its rate.
  const baseline = await withDatabase(async (ctx) => {
    const n = Math.max(1_000, Math.round(EVENTS / 10));
    const rate = await drive(n, CONCURRENCY, (i) => lockedAppend(ctx, i));
    await verified(ctx, n);
    return rate;
  });
  console.log(`  baseline (lock on the head, one transaction per event): ${fmt(baseline)} events/s`);

  const writerWith = (callers: number, n: number) =>
    withDatabase(async (ctx) => {
      const start = performance.now();
      await drive(n, callers, (i) => recordAudit(ctx, event(i)));
      await sealAuditLog(ctx);
      const rate = n / ((performance.now() - start) / 1000);
      await verified(ctx, n);
      return rate;
    });
  const writer = await writerWith(CONCURRENCY, EVENTS);
  console.log(`  govshare (chaining writer, overlapping batches):        ${fmt(writer)} events/s`);
  const writer64 = await writerWith(64, Math.min(EVENTS, SHORT ? EVENTS : 50_000));
  console.log(`  for information: govshare with 64 callers: ${fmt(writer64)} events/s`);

  const inTx = await withDatabase(async (ctx) => {
    const n = Math.min(EVENTS, SHORT ? EVENTS : 30_000);
    const start = performance.now();
    await drive(n, CONCURRENCY, (i) =>
      ctx.db.transaction().execute((trx) => recordAudit({ ...ctx, db: trx }, event(i))),
    );
    await sealAuditLog(ctx);
    const rate = n / ((performance.now() - start) / 1000);
    await verified(ctx, n);
    return rate;
  });
  console.log(`  for information: inside callers' transactions, then sealed: ${fmt(inTx)} events/s`);
  console.log(
    `  ratio govshare / baseline: ${(writer / baseline).toFixed(1)}×; goal ≥ ${fmt(GOAL)} events/s: ${
      writer >= GOAL ? 'met' : 'NOT met'
    }`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
