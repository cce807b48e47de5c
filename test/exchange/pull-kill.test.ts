import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { govshare } from './cli-process';
import { boundEntry, centerDigest, corpSource, type CorpSource } from './pull-fixtures';

/**
 * Issue 5 point 3: a real `govshare job run` process is killed with SIGKILL mid-run; the next run
 * resumes and the managed table equals the source (row count and checksum). Needs a server the
 * child process can reach, so it runs on PostgreSQL (CI's second test phase), not in-memory PGlite.
 */
const ROWS = 30_000;

let t: TestApp;
let src: CorpSource;
const onPostgres = !!process.env.TEST_DATABASE_URL;

beforeAll(async () => {
  if (!onPostgres) return;
  t = await testApp();
  src = await corpSource(ROWS);
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

const jobRun = (code: string) => govshare(t, ['job', 'run', code, '--batch-size', '200', '--progress']);

const runRows = (bindingId: string) =>
  t.ctx.db
    .selectFrom('exchange_run')
    .select(['id', 'status', 'rows_read'])
    .where('binding_id', '=', bindingId)
    .execute();

describe.skipIf(!onPostgres)('a pull killed with SIGKILL', () => {
  it('resumes after its last committed batch with no lost and no duplicated rows', async () => {
    const b = await boundEntry(t, src);
    const first = jobRun(b.entry.code);
    // Kill once a few batches are committed, while the run is in the middle of the table.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [run] = await runRows(b.binding.id);
      if (run && Number(run.rows_read) >= 2000) break;
      if (Date.now() > deadline)
        throw new Error(`the job made no progress:\n${(first.kill(), (await first.done).out)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill();
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const [interrupted] = await runRows(b.binding.id);
    expect(interrupted!.status).toBe('running');
    expect(Number(interrupted!.rows_read)).toBeLessThan(ROWS);

    const second = jobRun(b.entry.code);
    const finished = await second.done;
    expect(finished.code, finished.out).toBe(0);
    expect(finished.out).toContain('(resumed)');
    const runs = await runRows(b.binding.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'done', rows_read: String(ROWS) });
    const summary = JSON.parse(finished.out.trim().split('\n').at(-1)!);
    expect(summary.reconciliation).toEqual({ sourceRows: ROWS, centerRows: ROWS, match: true });
    expect(await centerDigest(t, b.table)).toEqual(await src.digest());
  });
});
