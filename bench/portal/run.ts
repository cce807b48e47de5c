/**
 * Open portal benchmark (issue #12 point 9, R-30). Run: `npx tsx bench/portal/run.ts` (or `npm run
 * bench`); BENCH_SHORT=1 for a CI-sized run; BENCH_DATABASE_URL names the server.
 *
 * Loads 100k published entries (5k short) with the catalog-search loader, opens them all (无条件开放,
 * reviewed: on the portal), then runs CONCURRENCY clients at once, each repeating, interleaved:
 *   page     GET /datasets/{code}: a dataset page as server-rendered HTML with its JSON-LD;
 *   portal   GET /api/portal/datasets?q=…: the portal's search (anonymous, with facets);
 *   console  GET /api/catalog/search?q=…: the console's search for a signed-in user — the baseline
 *            the portal is compared with, measured in the same run under the same load.
 * Twice: with the search result cache off (every search matched, ranked and counted) and as configured
 * (recent results cached). Goal: page and portal search p95 ≤ 50 ms. Then each query alone (one
 * client, cache off): what it costs by itself.
 *
 * BENCH_KEEP=1 leaves the loaded database in place (its name is printed); BENCH_REUSE=<name> times
 * again on such a database without loading it (minutes saved when comparing two versions of the code).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/platform/clock';
import { hashPassword } from '../../src/server/platform/auth/password';
import type { AppContext } from '../../src/server/app-context';
import { withOpenCatalog } from '../open-all';
import { percentile } from '../stats';

const SHORT = process.env.BENCH_SHORT === '1';
const ENTRIES = SHORT ? 5_000 : 100_000;
const ROUNDS = SHORT ? 5 : 40;
const CONCURRENCY = 4;
const GOAL_MS = 50;
const QUERIES = ['企业登记', '户籍人口', '不动产', '上饶', '社保', '空气质量', '公交线路', '医疗机构', '行政处罚', ''];

const ms = (x: number) => x.toFixed(1);

/** 500 entries' codes, for the dataset pages the clients open. */
async function sampleCodes(ctx: AppContext): Promise<string[]> {
  const r = await sql<{ code: string }>`select code from catalog_entry order by random() limit 500`.execute(ctx.db);
  return r.rows.map((x) => x.code);
}

async function signedInCookie(ctx: AppContext, app: Awaited<ReturnType<typeof buildApp>>) {
  const dept = await ctx.db.selectFrom('department').select('id').limit(1).executeTakeFirstOrThrow();
  const password = 'Bench-Passw0rd!';
  // Unique: a reused database (BENCH_REUSE) has the last run's user.
  const username = `bench_${randomBytes(4).toString('hex')}`;
  await ctx.db
    .insertInto('app_user')
    .values({
      username,
      real_name: '基准测试',
      department_id: dept.id,
      roles: ['dept_user'],
      email: null,
      phone: null,
      password_hash: await hashPassword(password),
      locked_until: null,
      mfa_secret: null,
      last_login_at: null,
      updated_at: new Date(),
    })
    .execute();
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  const c = res.cookies.find((k) => k.name === 'gs_session');
  if (!c) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return `gs_session=${c.value}`;
}

async function main() {
  console.log(
    `open portal benchmark: ${ENTRIES} open entries, ${CONCURRENCY} concurrent clients${SHORT ? ' (short)' : ''}`,
  );
  await withOpenCatalog(ENTRIES, async (db) => {
    const ctx: AppContext = {
      db,
      dbKind: 'postgresql',
      // One load generator stands for many visitors: the per-address abuse limits would refuse it.
      config: { ...loadConfig({}), demo: false, requireMfa: false, secureCookies: false, rateLimitScale: 0 },
      clock: systemClock,
      log: console,
    };
    const codes = await sampleCodes(ctx);
    // Two servers on the one database: as configured (recent results cached), and computing every
    // search (SEARCH_CACHE_SIZE=0), to show what a search the cache has not seen costs.
    const cachedApp = await buildApp(ctx, { serveWeb: true });
    const uncachedApp = await buildApp({ ...ctx, config: { ...ctx.config, searchCacheSize: 0 } }, { serveWeb: true });
    const cookie = await signedInCookie(ctx, cachedApp);

    const getter =
      (app: typeof cachedApp) =>
      async (url: string, headers: Record<string, string> = {}) => {
        const t = performance.now();
        const res = await app.inject({ method: 'GET', url, headers });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        return { ms: performance.now() - t, body: res.body };
      };
    // The page must really be the dataset's, with its JSON-LD: a fast wrong answer proves nothing.
    const sample = await getter(cachedApp)(`/datasets/${codes[0]}`);
    if (!sample.body.includes('application/ld+json')) throw new Error('dataset page without JSON-LD');

    const load = () =>
      loadavg()
        .map((x) => x.toFixed(1))
        .join(' ');
    type Times = { page: number[]; portal: number[]; console: number[] };
    /** CONCURRENCY clients at once, after one client's warm-up round (plan cache, jieba dictionary, buffers). */
    const measure = async (app: typeof cachedApp): Promise<Times> => {
      const get = getter(app);
      let times: Times = { page: [], portal: [], console: [] };
      const client = async (c: number) => {
        for (let i = 0; i < ROUNDS * QUERIES.length; i++) {
          const q = encodeURIComponent(QUERIES[(i + c) % QUERIES.length]!);
          times.page.push((await get(`/datasets/${codes[(i * CONCURRENCY + c) % codes.length]}`)).ms);
          times.portal.push((await get(`/api/portal/datasets?q=${q}&pageSize=20`)).ms);
          times.console.push((await get(`/api/catalog/search?q=${q}&pageSize=20`, { cookie })).ms);
        }
      };
      await client(0);
      times = { page: [], portal: [], console: [] };
      console.log(`  load average before timing: ${load()} (comparable only on an otherwise idle machine)`);
      await Promise.all(Array.from({ length: CONCURRENCY }, (_, c) => client(c)));
      return times;
    };
    const report = (title: string, times: Times) => {
      const con = percentile(times.console, 95);
      console.log(`\n  ${title}`);
      console.log(`  ${'request'.padEnd(34)}${'n'.padEnd(7)}${'p50'.padEnd(8)}${'p95'.padEnd(8)}p95 / console p95`);
      for (const [label, xs] of [
        ['dataset page (HTML, /datasets/…)', times.page],
        ['portal search (/api/portal/…)', times.portal],
        ['console search (/api/catalog/…)', times.console],
      ] as const) {
        const p95 = percentile(xs, 95);
        console.log(
          `  ${label.padEnd(34)}${String(xs.length).padEnd(7)}${ms(percentile(xs, 50)).padEnd(8)}${ms(p95).padEnd(8)}${(p95 / con).toFixed(2)}`,
        );
      }
      console.log(`  load average after timing: ${load()}`);
      const worst = Math.max(percentile(times.page, 95), percentile(times.portal, 95));
      console.log(
        `  worst portal p95: ${ms(worst)} ms under ${CONCURRENCY} concurrent clients — goal ≤ ${GOAL_MS} ms: ${worst <= GOAL_MS ? 'met' : 'MISSED'}${SHORT ? ' (short run: timings indicative only)' : ''}`,
      );
    };

    const uncached = await measure(uncachedApp);
    const cached = await measure(cachedApp);
    // Each query alone, one client, computed every time: what a search costs by itself.
    const alone: Array<[string, number, string]> = [];
    for (const q of QUERIES) {
      const xs: number[] = [];
      let body = '';
      for (let i = 0; i < ROUNDS; i++) {
        const r = await getter(uncachedApp)(`/api/portal/datasets?q=${encodeURIComponent(q)}&pageSize=20`);
        xs.push(r.ms);
        body = r.body;
      }
      const { total, approximate } = JSON.parse(body) as { total: number; approximate?: boolean };
      alone.push([q || '(browse)', percentile(xs, 50), `${approximate ? '~' : ''}${total}`]);
    }
    await Promise.all([cachedApp.close(), uncachedApp.close()]);

    report('every search computed (SEARCH_CACHE_SIZE=0): what a search the cache has not seen costs', uncached);
    report(
      'as configured (recent results cached; the clients repeat ten searches, as a portal hears popular ones)',
      cached,
    );
    console.log(`\n  portal search, each query alone (one client, computed every time, median of ${ROUNDS}):`);
    for (const [q, p50, total] of alone) console.log(`    ${q.padEnd(10)}${ms(p50).padStart(7)} ms   ${total} matches`);
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
