import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { freshDatabase } from '../helpers/db';
import { testApp, type TestApp } from '../helpers/app';
import { creditCode } from '../org/fixtures';
import type { Database } from '../../src/server/db/open';
import type { DB } from '../../src/server/db/types';
import type { AppContext } from '../../src/server/app-context';
import { loadConfig } from '../../src/server/config';
import { ManualClock } from '../../src/server/platform/clock';
import { recordAudit, sealAuditLog, verifyAuditChain } from '../../src/server/platform/audit/service';

/** Issue "Structure before growth" point 5: appends without a global lock, and never after the fact. */

const silent = { info: () => {}, warn: () => {}, error: () => {} };
let database: Database & { url?: string };
let second: Kysely<DB> | undefined;
let ctx: AppContext;
/** A second process: its own pool on PostgreSQL, the same connection on PGlite. */
let ctx2: AppContext;

beforeAll(async () => {
  database = await freshDatabase();
  const clock = new ManualClock(new Date('2026-11-24T02:00:00Z'));
  ctx = { db: database.db, dbKind: database.kind, config: loadConfig({}), clock, log: silent };
  if (database.url) {
    const pool = new pg.Pool({ connectionString: database.url, max: 5 });
    pool.on('error', () => {});
    second = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  ctx2 = { ...ctx, db: second ?? database.db };
});
afterAll(async () => {
  await second?.destroy();
  await database.close();
});

const event = (action: string) => ({
  userId: null,
  username: 'tester',
  realName: null,
  departmentId: null,
  departmentName: null,
  roles: [],
  category: 'admin' as const,
  action,
  targetType: null,
  targetId: null,
  rowCount: null,
  ip: null,
  userAgent: null,
  outcome: 'success' as const,
  statusCode: null,
  detail: { n: 1 },
});
const seqOf = async (action: string) =>
  (await ctx.db.selectFrom('audit_event').select('seq').where('action', '=', action).executeTakeFirst())?.seq;

describe('audit appends', () => {
  it('form one valid chain from many writers in two processes, inside and outside transactions', async () => {
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 120; i++) {
      const c = i % 2 ? ctx : ctx2;
      writes.push(
        i % 3
          ? recordAudit(c, event(`race.plain.${i}`))
          : c.db.transaction().execute((trx) => recordAudit({ ...c, db: trx }, event(`race.tx.${i}`))),
      );
    }
    await Promise.all(writes);
    const report = await verifyAuditChain(ctx);
    expect(report).toMatchObject({ ok: true, unsealed: 0, problems: [] });
    const n = await ctx.db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', 'like', 'race.%')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(120);
  });

  it('keep one chain while batches overlap and the sealer and a second process move the head', async () => {
    const total = 3000;
    let sealing = true;
    const sealer = (async () => {
      // Yields a turn between passes: on PGlite its queries never leave the microtask queue.
      for (; sealing; await new Promise((r) => setImmediate(r))) await sealAuditLog(ctx2);
    })();
    await Promise.all(
      Array.from({ length: total }, (_, i) => {
        const c = i % 4 ? ctx : ctx2;
        return i % 10
          ? recordAudit(c, event(`overlap.plain.${i}`))
          : c.db.transaction().execute((trx) => recordAudit({ ...c, db: trx }, event(`overlap.tx.${i}`)));
      }),
    );
    sealing = false;
    await sealer;
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, unsealed: 0, problems: [] });
    const written = await ctx.db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', 'like', 'overlap.%')
      .where('seq', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(written.n)).toBe(total);
    const repeated =
      await sql`select seq from audit_event where seq is not null group by seq having count(*) > 1`.execute(ctx.db);
    expect(repeated.rows).toEqual([]);
  });

  it('fail the callers of a batch that could not be written, and go on with the next', async () => {
    await expect(recordAudit(ctx, { ...event('refused'), outcome: 'bogus' as 'success' })).rejects.toThrow();
    await recordAudit(ctx, event('after.refused'));
    expect(await seqOf('refused')).toBeUndefined();
    expect(await seqOf('after.refused')).toBeTruthy();
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true });
  });

  it('leave nothing of a transaction that rolled back, and the chain stays whole', async () => {
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        await recordAudit({ ...ctx, db: trx }, event('rolled.back'));
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    await recordAudit(ctx, event('after.rollback'));
    expect(await seqOf('rolled.back')).toBeUndefined();
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true });
  });

  it('chain an event whose transaction commits late after the events sealed meanwhile', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const wasInserted = new Promise<void>((r) => (inserted = r));
    const late = (second ?? ctx.db).transaction().execute(async (trx) => {
      await recordAudit({ ...ctx, db: trx }, event('late.commit'));
      inserted();
      await held;
    });
    await wasInserted;
    // On PGlite the one connection is the late transaction's until it commits.
    if (second) {
      await recordAudit(ctx, event('meanwhile'));
      expect(await seqOf('meanwhile')).toBeTruthy();
    }
    release();
    await late;
    await sealAuditLog(ctx);
    const lateSeq = BigInt((await seqOf('late.commit'))!);
    if (second) expect(lateSeq).toBeGreaterThan(BigInt((await seqOf('meanwhile'))!));
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, unsealed: 0 });
  });

  it('let the sealer fill a row’s place in the chain and nothing else: content and sealed rows stay as written', async () => {
    await ctx.db.transaction().execute((trx) => recordAudit({ ...ctx, db: trx }, event('unsealed.one')));
    const row = await ctx.db
      .selectFrom('audit_event')
      .select(['id', 'seq'])
      .where('action', '=', 'unsealed.one')
      .executeTakeFirstOrThrow();
    expect(row.seq).toBeNull();
    await expect(
      sql`update audit_event set action = 'changed', seq = 999999, prev_hash = repeat('0', 64), hash = repeat('0', 64) where id = ${row.id}`.execute(
        ctx.db,
      ),
    ).rejects.toThrow(/append-only/);
    await sealAuditLog(ctx);
    await expect(sql`update audit_event set seq = seq + 1000000 where id = ${row.id}`.execute(ctx.db)).rejects.toThrow(
      /append-only/,
    );
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true });
  });

  it('store what was recorded character for character, whatever it holds (the batches go in by COPY on PostgreSQL)', async () => {
    const awkward = {
      ...event('awkward.one'),
      username: 'tab\there\nnew line\\back "quote"',
      realName: '张三\r\n',
      roles: ['a"b', 'c\\d', 'e,f', '{g}', 'NULL', ''],
      targetId: '\\N',
      targetName: '企业\t登记（361100/000123）\\N',
      ip: '::1',
      userAgent: 'Mozilla/5.0 (中文 \u2028 \\t)',
      rowCount: 0,
      statusCode: 418,
      detail: { s: 'x\\y\t"z"\n', list: [1, null, 'a\\N'], nested: { 'k\tk': '中文' } },
    };
    const plain = { ...event('awkward.two'), detail: null, roles: ['dept_user'] };
    await recordAudit(ctx, event('awkward.before'));
    // Recorded at once, after the writer knows the head: they go out on its fast path.
    await Promise.all([recordAudit(ctx, awkward), recordAudit(ctx, plain)]);
    const rows = await ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', 'in', ['awkward.one', 'awkward.two'])
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.seq)).not.toContain(null);
    expect(rows[0]).toMatchObject({
      username: awkward.username,
      real_name: awkward.realName,
      roles: awkward.roles,
      target_id: '\\N',
      target_name: awkward.targetName,
      ip: '::1',
      user_agent: awkward.userAgent,
      row_count: 0,
      status_code: 418,
      detail: awkward.detail,
    });
    expect(rows[1]).toMatchObject({
      detail: null,
      roles: ['dept_user'],
      real_name: null,
      target_id: null,
      target_name: null,
    });
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, unsealed: 0, problems: [] });
  });
});

describe('an audited change and its event', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('commit together: when the event cannot be written the change is undone and the client told', async () => {
    const admin = await t.login((await t.user(['platform_admin'])).username);
    // The database refuses this one action's event, as a full disk or a broken connection would.
    await sql`
      create function refuse_event() returns trigger language plpgsql as $$
      begin
        if new.action = 'org.department.create' then raise exception 'audit storage unavailable'; end if;
        return new;
      end $$;
      create trigger refuse_event before insert on audit_event for each row execute function refuse_event();`.execute(
      t.ctx.db,
    );
    const res = await t.inject({
      method: 'POST',
      url: '/api/departments',
      headers: admin,
      payload: { creditCode: creditCode(), name: '审计失败测试局', kind: 'government', regionCode: '361100' },
    });
    expect(res.statusCode).toBe(500);
    const left = await t.ctx.db.selectFrom('department').select('id').where('name', '=', '审计失败测试局').execute();
    expect(left).toEqual([]);
    await sql`drop trigger refuse_event on audit_event; drop function refuse_event();`.execute(t.ctx.db);
  });
});
