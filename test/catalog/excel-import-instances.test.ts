import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment } from './factory';
import { bigWorkbook, entryCount, upload, waitForImport } from './excel-helpers';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/app-context';
import { openPostgres } from '../../src/server/db/open';
import type { ImportState } from '../../src/server/modules/catalog/excel-jobs';
import { findJob, runDueJobs, runJobNow } from '../../src/server/platform/jobs/service';

// runJobNow as it is, except when a test makes the server that took an upload "die" before starting it.
vi.mock('../../src/server/platform/jobs/service', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/server/platform/jobs/service')>();
  return { ...original, runJobNow: vi.fn(original.runJobNow) };
});

/**
 * Two app servers behind a load balancer: one database (on PostgreSQL each with its own pool), one
 * shared FILES_DIR. An upload taken by one is polled, and if need be processed, by the other.
 */
let a: TestApp;
let b: { app: FastifyInstance; ctx: AppContext; close(): Promise<void> };

beforeAll(async () => {
  a = await testApp();
  const own = a.databaseUrl ? await openPostgres(a.databaseUrl, 5) : undefined;
  const ctx: AppContext = { ...a.ctx, db: own?.db ?? a.ctx.db };
  const app = await buildApp(ctx);
  b = {
    app,
    ctx,
    close: async () => {
      await app.close();
      await own?.close();
    },
  };
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const poll = (app: FastifyInstance, headers: { cookie: string }, id: string) =>
  app.inject({ method: 'GET', url: `/api/catalog/excel/imports/${id}`, headers });

describe('Excel import on two app servers', () => {
  it('is polled through the other server while the one that took the upload does the work', async () => {
    const dept = await catalogDepartment(a);
    const res = await upload(a, dept.specialist.headers, await bigWorkbook(40, '甲服务器导入'));
    expect(res.statusCode).toBe(202);
    const { importId } = res.json<ImportState>();
    const seen = await waitForImport({ ...a, inject: (o) => b.app.inject(o) }, dept.specialist.headers, importId);
    expect(seen.at(-1)).toMatchObject({ importId, status: 'done', total: 40, processed: 40 });
    expect(seen.at(-1)!.created).toHaveLength(40);
    expect(await entryCount(a, dept.id)).toBe(40);
  });

  it('is processed by the other server when the one that took the upload stops before starting it', async () => {
    const dept = await catalogDepartment(a);
    // Server A commits the upload and its job, then dies before it runs it.
    vi.mocked(runJobNow).mockResolvedValueOnce(null);
    const res = await upload(a, dept.specialist.headers, await bigWorkbook(30, '乙服务器导入'));
    expect(res.statusCode).toBe(202);
    const { importId } = res.json<ImportState>();

    const queued = await poll(b.app, dept.specialist.headers, importId);
    expect(queued.json()).toMatchObject({ importId, status: 'validating', total: 0, processed: 0 });
    // One import at a time per user, whichever server is asked.
    const second = await upload(
      { ...a, inject: (o) => b.app.inject(o) },
      dept.specialist.headers,
      await bigWorkbook(1, '重复上传'),
    );
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('EXCEL_IMPORT_RUNNING');

    // Server B's job runner finds the job in the table and the workbook in the shared files folder.
    await runDueJobs(b.ctx, 'server-b');
    const done = (await poll(b.app, dept.specialist.headers, importId)).json<ImportState>();
    expect(done).toMatchObject({ importId, status: 'done', total: 30, processed: 30 });
    expect(done.created).toHaveLength(30);
    // A (were it back) answers the same from the database.
    expect((await poll(a.app, dept.specialist.headers, importId)).json()).toEqual(done);
    expect(await entryCount(a, dept.id)).toBe(30);
    const row = await a.ctx.db
      .selectFrom('catalog_import')
      .select('job_id')
      .where('id', '=', importId)
      .executeTakeFirstOrThrow();
    expect((await findJob(b.ctx, row.job_id))?.status).toBe('done');
    // The workbook is gone from the shared folder once imported.
    const dir = path.join(a.ctx.config.filesDir, 'catalog-imports');
    expect((await readdir(dir)).filter((f) => f.startsWith(importId))).toEqual([]);
  });
});
