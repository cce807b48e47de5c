import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { expectStatus } from '../catalog/factory';
import { postgresPoolOf } from '../../src/server/db/open';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { boundEntry, corpSource, type CorpSource } from './pull-fixtures';

/**
 * An export holds a connection of the app's pool while it streams (on PostgreSQL: the COPY's). A
 * client that goes away half-way must give it back, or a few abandoned downloads would leave the
 * whole platform waiting for a connection.
 */

let t: TestApp;
let src: CorpSource;
let b: Awaited<ReturnType<typeof boundEntry>>;
let base: string;
// More than the socket buffers take: the server is still streaming when the client goes away.
const ROWS = 200_000;

beforeAll(async () => {
  t = await testApp();
  src = await corpSource(1);
  b = await boundEntry(t, src, { shareMethods: ['table', 'api'] });
  await runPull(t.ctx, b.binding.id);
  await sql`insert into rc.${sql.id(b.table)} (_gs_key, corp_id, uscc, corp_name, reg_date, active, capital, _gs_run, _gs_loaded_at)
    select g::text, g, '9136110000' || lpad(g::text, 8, '0'), '上饶测试企业' || g || '有限公司', date '2000-01-01' + g % 9000,
      g % 2 = 0, g * 1.25, 0, now()
    from generate_series(2, ${ROWS}) g`.execute(t.ctx.db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

/** Starts the download, and hangs up as soon as the first bytes of the file arrive. */
function abandonedExport(cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/v1/data/${b.entry.code}/export`, { headers: { cookie }, agent: false }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve(res.statusCode!);
      });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.setTimeout(30_000, () => reject(new Error('no first bytes within 30 s: the pool is exhausted')));
  });
}

describe('an export the client abandons', () => {
  it('gives its connection back: more abandoned exports than the pool has connections, then a whole one', async () => {
    const pool = postgresPoolOf(t.ctx.db);
    // PostgreSQL: more than its pool holds. PGlite has one connection, which three prove as well (each
    // export there reads its rows in whole first: seconds apiece).
    const n = pool ? (pool.options.max ?? 10) + 3 : 3;
    const { cookie } = b.provider.user.headers;
    for (let i = 0; i < n; i++) expect(await abandonedExport(cookie)).toBe(200);

    // Each was cut short (the audit's end event says so), not finished before the client left.
    await expect
      .poll(async () =>
        (
          await t.ctx.db
            .selectFrom('audit_event')
            .select(sql<boolean>`(detail->>'complete')::boolean`.as('complete'))
            .where('action', '=', 'exchange.records.export.end')
            .execute()
        ).map((r) => r.complete),
      )
      .toEqual(Array<boolean>(n).fill(false));
    if (pool) await expect.poll(() => pool.totalCount - pool.idleCount).toBe(0);

    const whole = expectStatus(
      await t.inject({ method: 'GET', url: `/api/v1/data/${b.entry.code}/export`, headers: b.provider.user.headers }),
      200,
    );
    expect(whole.body.trim().split('\n')).toHaveLength(ROWS + 1);
  });
});
