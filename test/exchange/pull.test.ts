import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { expectStatus, signInAgain } from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { schedulePulls } from '../../src/server/modules/exchange-ingest/bindings-service';
import { runDueJobs } from '../../src/server/platform/jobs/service';
import { registerBackgroundWork } from '../../src/server/compose';
import { boundEntry, centerDigest, corpSource, type CorpSource } from './pull-fixtures';

let t: TestApp;
let src: CorpSource;
beforeAll(async () => {
  t = await testApp();
  src = await corpSource(2500);
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

describe('table pulls into the data resource center (R-20, R-21)', () => {
  it('creates the managed table from the data items with the documented types', async () => {
    const b = await boundEntry(t, src);
    const cols = await sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns where table_schema = 'rc' and table_name = ${b.table} order by ordinal_position`.execute(
      t.ctx.db,
    );
    expect(cols.rows.map((c) => `${c.column_name}:${c.data_type}`)).toEqual([
      '_gs_key:text',
      'corp_id:bigint',
      'uscc:character varying',
      'corp_name:character varying',
      'reg_date:date',
      'active:boolean',
      'capital:numeric',
      '_gs_run:bigint',
      '_gs_loaded_at:timestamp with time zone',
    ]);
  });

  it('pulls everything in batches, reconciles, and reflects updates, inserts and deletions on the next full pull', async () => {
    const b = await boundEntry(t, src);
    const seen: number[] = [];
    const first = await runPull(t.ctx, b.binding.id, { batchSize: 700, onProgress: (p) => seen.push(p.read) });
    expect(first).toMatchObject({
      mode: 'full',
      read: 2500,
      written: 2500,
      total: 2500,
      deleted: 0,
      reconciliation: { sourceRows: 2500, centerRows: 2500, match: true },
    });
    expect(seen).toEqual([700, 1400, 2100, 2500]);
    expect(await centerDigest(t, b.table)).toEqual(await src.digest());

    await src.exec(`update corp set name = '改名后的企业', capital = 1.5 where id in (5, 6)`);
    await src.exec(`delete from corp where id in (7, 8, 9)`);
    await src.exec(
      `insert into corp values (9001, '913611000000090010', '新设企业', '2026-11-20', 1, 100, '2026-11-20 10:00:00')`,
    );
    const second = await runPull(t.ctx, b.binding.id, { batchSize: 1000 });
    expect(second).toMatchObject({
      read: 2498,
      deleted: 3,
      reconciliation: { sourceRows: 2498, centerRows: 2498, match: true },
    });
    expect(await centerDigest(t, b.table)).toEqual(await src.digest());

    const runs = expectStatus(
      await t.inject({
        method: 'GET',
        url: `/api/exchange/entries/${b.entry.id}/runs`,
        headers: b.provider.specialist.headers,
      }),
      200,
    ).json<Array<{ status: string; rowsRead: number }>>();
    expect(runs.map((r) => `${r.status}:${r.rowsRead}`)).toEqual(['done:2498', 'done:2500']);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['category', 'action', 'row_count'])
      .where('target_id', '=', b.entry.id)
      .where('username', '=', 'job-runner')
      .execute();
    expect(audit).toEqual([
      { category: 'aggregate', action: 'exchange.pull.full', row_count: 2500 },
      { category: 'aggregate', action: 'exchange.pull.full', row_count: 2498 },
    ]);
    await src.exec(`delete from corp where id = 9001`);
  });

  it('pulls only rows after the watermark once a full pull has run', async () => {
    const b = await boundEntry(t, src, { watermark: true });
    const first = await runPull(t.ctx, b.binding.id, { batchSize: 1000 });
    expect(first.mode).toBe('full');
    await src.exec(`update corp set name = '增量更新', updated_at = '2026-11-23 09:00:00' where id in (10, 11)`);
    const next = await runPull(t.ctx, b.binding.id, { batchSize: 1000 });
    expect(next).toMatchObject({ mode: 'incremental', read: 2, written: 2, reconciliation: null });
    const names = await sql<{
      corp_name: string;
    }>`select corp_name from rc.${sql.id(b.table)} where corp_id in (10, 11)`.execute(t.ctx.db);
    expect(names.rows.map((r) => r.corp_name)).toEqual(['增量更新', '增量更新']);
    expect((await runPull(t.ctx, b.binding.id)).read).toBe(0);
  });

  it('resumes an interrupted run from its checkpoint, without losing or doubling rows (the killed-process case: pull-kill.test.ts)', async () => {
    const b = await boundEntry(t, src);
    // A crash after two committed batches: the process is gone, the run row still says running.
    await expect(
      runPull(t.ctx, b.binding.id, {
        batchSize: 400,
        onProgress: (p) => {
          if (p.read === 800) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    await t.ctx.db
      .updateTable('exchange_run')
      .set({ status: 'running', finished_at: null, error: null })
      .where('binding_id', '=', b.binding.id)
      .execute();
    const resumed = await runPull(t.ctx, b.binding.id, { batchSize: 400 });
    expect(resumed).toMatchObject({ resumed: true, read: (await src.digest()).rows });
    expect(await centerDigest(t, b.table)).toEqual(await src.digest());
  });

  it('reshapes the managed table when a new version of the entry changes its items', async () => {
    const b = await boundEntry(t, src);
    const detail = (
      await t.inject({
        method: 'GET',
        url: `/api/catalog/entries/${b.entry.id}`,
        headers: b.provider.specialist.headers,
      })
    ).json();
    const draft = expectStatus(
      await t.inject({
        method: 'POST',
        url: `/api/catalog/entries/${b.entry.id}/changes`,
        headers: b.provider.specialist.headers,
        payload: {},
      }),
      201,
    ).json();
    const items = detail.current.items
      .filter((i: { fieldName: string }) => i.fieldName !== 'capital')
      .map(({ id: _i, position: _p, ...rest }: Record<string, unknown>) => rest);
    items.push({ name: '企业类型', fieldName: 'corp_type', dataType: 'C', length: 20, description: null });
    expectStatus(
      await t.inject({
        method: 'PATCH',
        url: `/api/catalog/versions/${draft.id}`,
        headers: b.provider.specialist.headers,
        payload: { items },
      }),
      200,
    );
    const { approveVersion } = await import('../catalog/factory');
    await approveVersion(t, draft.id, b.provider);
    // Removing an item is an impacting change: it takes effect a month later, published by the job runner.
    t.clock.advance(32 * 24 * 3600_000);
    const { publishDueVersions } = await import('../../src/server/modules/catalog/changes-service');
    expect(await publishDueVersions(t.ctx)).toBeGreaterThanOrEqual(1);
    // The center follows through the catalog.version.published event, delivered by the job runner.
    while ((await runDueJobs(t.ctx, 'w1')).claimed > 0);
    const cols = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_schema = 'rc' and table_name = ${b.table} order by ordinal_position`.execute(
      t.ctx.db,
    );
    expect(cols.rows.map((c) => c.column_name)).toEqual([
      '_gs_key',
      'corp_id',
      'uscc',
      'corp_name',
      'reg_date',
      'active',
      '_gs_run',
      '_gs_loaded_at',
      'corp_type',
    ]);
  });
  it('queues pulls by the entry’s update cycle, and the job runner runs them', async () => {
    registerBackgroundWork();
    await signInAgain(t); // the test before moved the clock a month on
    const b = await boundEntry(t, src);
    const pending = async () =>
      Number(
        (
          await sql<{
            n: string;
          }>`select count(*) as n from job where kind = 'exchange.pull' and status = 'pending' and payload->>'bindingId' = ${b.binding.id}`.execute(
            t.ctx.db,
          )
        ).rows[0]!.n,
      );
    await schedulePulls(t.ctx);
    expect(await pending()).toBe(1);
    await runDueJobs(t.ctx, 'w1');
    expect(await pending()).toBe(0);
    const runs = expectStatus(
      await t.inject({
        method: 'GET',
        url: `/api/exchange/entries/${b.entry.id}/runs`,
        headers: b.provider.specialist.headers,
      }),
      200,
    ).json<Array<{ status: string }>>();
    expect(runs.map((r) => r.status)).toEqual(['done']);
    // Daily: not again the same day, again a day later.
    await schedulePulls(t.ctx);
    expect(await pending()).toBe(0);
    t.clock.advance(25 * 3600_000);
    await schedulePulls(t.ctx);
    expect(await pending()).toBe(1);
  });
});
