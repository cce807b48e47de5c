import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, type CatalogDepartment } from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { runPush } from '../../src/server/modules/exchange-delivery/push-service';
import { runDueJobs } from '../../src/server/platform/jobs/service';
import { registerBackgroundWork } from '../../src/server/compose';
import { mask } from '../../src/server/platform/masking';
import type { Push } from '../../src/server/modules/exchange-delivery/push-schemas';
import { boundEntry, corpSource, corpUscc as uscc, grantItems, USCC_RULE, type CorpSource } from './pull-fixtures';
import { mariaTarget, pgTarget, type TargetDb } from './push-fixtures';

/** Issue 5 point 3 (push half), R-20, R-43: a 库表 grant delivered, masked, into the consumer's own databases. */

const ROWS = 240;

let t: TestApp;
let src: CorpSource;
let b: Awaited<ReturnType<typeof boundEntry>>;
let consumer: CatalogDepartment;
let grant: { id: string; no: string };
let maria: TargetDb;
let pgdb: TargetDb;

beforeAll(async () => {
  t = await testApp();
  registerBackgroundWork();
  src = await corpSource(ROWS);
  b = await boundEntry(t, src, { watermark: true });
  await runPull(t.ctx, b.binding.id);
  // The load's event finds no push yet: delivered now, as the job runner would within seconds.
  while ((await runDueJobs(t.ctx, 'test-worker')).claimed > 0);
  consumer = await catalogDepartment(t);
  grant = await grantItems(t, b.entry, consumer, 'table', ['corp_id', 'uscc', 'corp_name', 'active', 'capital']);
  maria = await mariaTarget(t, consumer);
  pgdb = await pgTarget(t, consumer);
});
afterAll(async () => {
  await Promise.all([src?.drop(), maria?.drop(), pgdb?.drop()]);
  await t?.close();
});

const pushUrl = () => `/api/exchange/grants/${grant.id}/push`;
const drainJobs = async () => {
  while ((await runDueJobs(t.ctx, 'test-worker')).claimed > 0);
};
const configure = async (target: TargetDb, table: string) =>
  expectStatus(
    await t.inject({
      method: 'PUT',
      url: pushUrl(),
      headers: consumer.specialist.headers,
      payload: { targetId: target.sourceId, table },
    }),
    200,
  ).json<Push>();
const latestRun = async () =>
  await t.ctx.db.selectFrom('exchange_push_run').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();

describe('push jobs into a consumer’s database (R-21)', () => {
  it('refuses a push to anyone but the consumer’s specialist, and to another department’s database', async () => {
    const res = await t.inject({
      method: 'PUT',
      url: pushUrl(),
      headers: b.provider.specialist.headers,
      payload: { targetId: maria.sourceId, table: 'corp' },
    });
    expect(res.statusCode).toBe(403);
    const provSource = await t.inject({
      method: 'PUT',
      url: pushUrl(),
      headers: consumer.specialist.headers,
      payload: { targetId: b.source.id, table: 'corp' },
    });
    // Another department's database is not even visible to the consumer.
    expect(provSource.statusCode).toBe(404);
    const badName = await t.inject({
      method: 'PUT',
      url: pushUrl(),
      headers: consumer.specialist.headers,
      payload: { targetId: maria.sourceId, table: 'Robert"; drop' },
    });
    expect(badName.statusCode).toBe(400);
  });

  it('delivers the granted items, masked per grant, into MariaDB, with the grant on the table', async () => {
    const push = await configure(maria, 'corp_share');
    expect(push).toMatchObject({ grantNo: grant.no, targetKind: 'mysql', canManage: true });
    await drainJobs();
    const run = await latestRun();
    expect(run).toMatchObject({ status: 'done', mode: 'full', rows_written: String(ROWS) });
    expect(run.reconciliation).toEqual({ centerRows: ROWS, targetRows: ROWS, match: true });
    const rows = await maria.query('select * from corp_share order by corp_id');
    expect(rows).toHaveLength(ROWS);
    // Only the granted items (reg_date was not asked for), the credit code masked by its rule.
    expect(Object.keys(rows[0]!).sort()).toEqual(['_gs_key', 'active', 'capital', 'corp_id', 'corp_name', 'uscc']);
    expect(rows[4]).toMatchObject({
      corp_id: 5,
      uscc: mask(USCC_RULE, uscc(5)),
      corp_name: '上饶测试企业5有限公司',
      active: 1,
      capital: '52.5000',
    });
    expect(rows[4]!.uscc).not.toBe(uscc(5));
    const [comment] = await maria.query(
      `select table_comment as c from information_schema.tables where table_schema = database() and table_name = 'corp_share'`,
    );
    expect(String(comment!.c)).toContain(grant.no);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['category', 'row_count', 'detail'])
      .where('action', '=', 'exchange.push.full')
      .where('target_id', '=', b.entry.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ category: 'share', row_count: ROWS });
    expect(audit[0]!.detail).toMatchObject({ grantNo: grant.no, masked: ['uscc'] });
  });

  it('follows each load of the center with an incremental push of the changed rows only', async () => {
    await src.exec(
      `update corp set name = concat(name, '（更名）'), updated_at = '2026-11-20 10:00:00' where id in (3, 4, 5)`,
    );
    await src.exec(
      `insert into corp values (1001, '913611000000010010', '新设企业一', '2026-11-20', 1, 100, '2026-11-20 10:00:00'), (1002, '913611000000010020', '新设企业二', null, 0, null, '2026-11-20 10:00:01')`,
    );
    await runPull(t.ctx, b.binding.id);
    await drainJobs();
    const run = await latestRun();
    expect(run).toMatchObject({ status: 'done', mode: 'incremental', rows_written: '5' });
    expect(run.reconciliation).toMatchObject({ targetRows: ROWS + 2, match: true });
    const renamed = await maria.query('select corp_name from corp_share where corp_id = 4');
    expect(renamed[0]!.corp_name).toBe('上饶测试企业4有限公司（更名）');
  });

  it('pushes in full again after a full pull removed rows', async () => {
    await src.exec('delete from corp where id in (1001, 1002)');
    await runPull(t.ctx, b.binding.id, { mode: 'full' });
    await drainJobs();
    const run = await latestRun();
    expect(run).toMatchObject({ status: 'done', mode: 'full', rows_written: String(ROWS) });
    expect(await maria.query('select count(*) as n from corp_share')).toEqual([{ n: ROWS }]);
  });

  it('resumes a PostgreSQL push cut off between the target’s commit and the checkpoint, without doubling rows', async () => {
    await configure(pgdb, 'public.corp_share');
    const push = (
      await t.ctx.db.selectFrom('exchange_push').select('id').where('grant_id', '=', grant.id).executeTakeFirstOrThrow()
    ).id;
    // Batches of 10, windows of 20 batches: interrupt in the second window, after the first is committed.
    let batches = 0;
    await expect(
      runPush(t.ctx, push, {
        batchSize: 10,
        onProgress: () => {
          if (++batches === 22) throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    // The open window's COPY was abandoned: the stage holds the first window only.
    const cut = await latestRun();
    expect(Number(cut.rows_written)).toBe(200);
    expect((await pgdb.query('select count(*)::int as n from corp_share__gs_stage'))[0]!.n).toBe(200);
    // What a killed process can leave in the worst case: the run still "running", and the target holding
    // batches the platform never recorded — here the checkpoint is put back ten batches to make it so.
    const key = await sql<{
      k: string;
    }>`select _gs_key as k from rc.${sql.id(b.table)} order by _gs_key offset 99 limit 1`.execute(t.ctx.db);
    const checkpoint = JSON.stringify({ key: key.rows[0]!.k, batch: 10 });
    await t.ctx.db
      .updateTable('exchange_push_run')
      .set({ status: 'running', finished_at: null, error: null, rows_written: 100, checkpoint })
      .where('id', '=', cut.id)
      .execute();

    const summary = await runPush(t.ctx, push, { batchSize: 10 });
    expect(summary).toMatchObject({
      resumed: true,
      mode: 'full',
      written: ROWS,
      reconciliation: { centerRows: ROWS, targetRows: ROWS, match: true },
    });
    const rows = await pgdb.query(
      'select corp_id::text as id, uscc, capital::text as capital, active from public.corp_share order by corp_id',
    );
    expect(rows).toHaveLength(ROWS);
    expect(new Set(rows.map((r) => r.id)).size).toBe(ROWS);
    expect(rows[0]).toEqual({ id: '1', uscc: mask(USCC_RULE, uscc(1)), capital: '10.5000', active: true });
    expect(await pgdb.query(`select to_regclass('public.corp_share__gs_stage') as s`)).toEqual([{ s: null }]);
  });

  it('lets the provider watch the delivery but not change it, and stops when the grant is revoked', async () => {
    const seen = expectStatus(
      await t.inject({ method: 'GET', url: pushUrl(), headers: b.provider.specialist.headers }),
      200,
    ).json<Push>();
    expect(seen).toMatchObject({ canManage: false, targetKind: 'postgresql' });
    expect(seen.runs.length).toBeGreaterThan(0);
    const stranger = await catalogDepartment(t);
    expect((await t.inject({ method: 'GET', url: pushUrl(), headers: stranger.specialist.headers })).statusCode).toBe(
      404,
    );

    expectStatus(
      await t.inject({
        method: 'POST',
        url: `/api/sharing/grants/${grant.id}/revoke`,
        headers: b.provider.specialist.headers,
        payload: { reason: '共享协议到期终止' },
      }),
      200,
    );
    const push = (
      await t.ctx.db.selectFrom('exchange_push').select('id').where('grant_id', '=', grant.id).executeTakeFirstOrThrow()
    ).id;
    await expect(runPush(t.ctx, push)).rejects.toMatchObject({ code: 'SHARING_GRANT_REVOKED' });
    expect(await latestRun()).toMatchObject({ status: 'failed' });
  });
});
