import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { govshare } from './cli-process';
import { catalogDepartment, expectStatus } from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { mask } from '../../src/server/platform/masking';
import { boundEntry, corpSource, digestOf, grantItems, USCC_RULE, type CorpSource } from './pull-fixtures';
import { pgTarget, type TargetDb } from './push-fixtures';

/**
 * Issue 5 point 3, push side: a real `govshare job push` process is killed with SIGKILL mid-run;
 * the next run resumes and the consumer's table holds every granted row once, masked (row count and
 * checksum against the center). Like the pull's, it needs a server the child can reach: PostgreSQL phase only.
 */
const ROWS = 30_000;

let t: TestApp;
let src: CorpSource;
let target: TargetDb;
const onPostgres = !!process.env.TEST_DATABASE_URL;

beforeAll(async () => {
  if (!onPostgres) return;
  t = await testApp();
  src = await corpSource(ROWS);
});
afterAll(async () => {
  await Promise.all([src?.drop(), target?.drop()]);
  await t?.close();
});

const jobPush = (grantNo: string) => govshare(t, ['job', 'push', grantNo, '--batch-size', '200', '--progress']);

describe.skipIf(!onPostgres)('a push killed with SIGKILL', () => {
  it('resumes after its last checkpointed batch with no lost and no duplicated rows', async () => {
    const b = await boundEntry(t, src);
    await runPull(t.ctx, b.binding.id);
    const consumer = await catalogDepartment(t);
    const grant = await grantItems(t, b.entry, consumer, 'table', ['corp_id', 'uscc', 'corp_name']);
    target = await pgTarget(t, consumer);
    expectStatus(
      await t.inject({
        method: 'PUT',
        url: `/api/exchange/grants/${grant.id}/push`,
        headers: consumer.specialist.headers,
        payload: { targetId: target.sourceId, table: 'corp' },
      }),
      200,
    );
    const runs = () => t.ctx.db.selectFrom('exchange_push_run').select(['id', 'status', 'rows_written']).execute();

    const first = jobPush(grant.no);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [run] = await runs();
      if (run && Number(run.rows_written) >= 2000) break;
      if (Date.now() > deadline)
        throw new Error(`the push made no progress:\n${(first.kill(), (await first.done).out)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill();
    expect((await first.done).signal).toBe('SIGKILL');
    const [interrupted] = await runs();
    expect(interrupted!.status).toBe('running');
    expect(Number(interrupted!.rows_written)).toBeLessThan(ROWS);

    const second = jobPush(grant.no);
    const finished = await second.done;
    expect(finished.code, finished.out).toBe(0);
    expect(finished.out).toContain('(resumed)');
    expect(await runs()).toMatchObject([{ status: 'done', rows_written: String(ROWS) }]);
    const summary = JSON.parse(finished.out.trim().split('\n').at(-1)!);
    expect(summary.reconciliation).toEqual({ centerRows: ROWS, targetRows: ROWS, match: true });

    const center = await sql<{
      corp_id: string;
      uscc: string;
      corp_name: string;
    }>`select corp_id::text, uscc, corp_name from rc.${sql.id(b.table)} order by corp_id`.execute(t.ctx.db);
    const pushed = await target.query('select corp_id::text, uscc, corp_name from corp order by corp_id');
    expect(digestOf(pushed.map((r) => [r.corp_id, r.uscc, r.corp_name]))).toEqual(
      digestOf(center.rows.map((r) => [r.corp_id, mask(USCC_RULE, r.uscc), r.corp_name])),
    );
  });
});
