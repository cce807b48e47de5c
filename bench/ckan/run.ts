/**
 * Harvesting at scale (issue #13 point 4, R-35). Run: `npx tsx bench/ckan/run.ts` (or `npm run bench`);
 * BENCH_SHORT=1 for a CI-sized run; BENCH_DATABASE_URL names the server; BENCH_KEEP=1 keeps the
 * loaded database, BENCH_REUSE=<name> times again on one (bench/portal's databases serve too).
 *
 * Loads 100,000 open entries (5,000 short) and serves the app over real HTTP from a process of its
 * own (bench/ckan/serve.ts, so that its memory is the server's alone), then:
 *   - the portal's search (the baseline, printed beside: what a person's search costs here);
 *   - CKAN package_search with rows=1000 at random starts, sorted by id (a harvester's page), and
 *     with fq=organization:"x" (a harvester limited to one provider): goal p95 ≤ 300 ms;
 *   - a full harvest walk (rows=1000&start=N&sort=id asc until an empty page), with the process's
 *     RSS after each page: flat memory is the goal;
 *   - a full /catalog.ttl walk along Hydra's nextPage: goal server RSS growth ≤ 50 MB.
 * The server's RSS is read from /proc after each page.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { databaseUrl } from '../pg-admin';
import { withOpenCatalog } from '../open-all';
import { percentile } from '../stats';

const SHORT = process.env.BENCH_SHORT === '1';
const ENTRIES = SHORT ? 5_000 : 100_000;
const SAMPLES = SHORT ? 10 : 40;
const SEARCH_GOAL_MS = 300;
const RSS_GOAL_MB = 50;

const mb = (bytes: number) => bytes / 1024 / 1024;

/**
 * The heap budget `npm start` gives the server (package.json config.heapMb, or GOVSHARE_HEAP_MB): the
 * server measured is the one deployed. V8 collects by the budget; with Node's default on a large
 * machine (up to 4 GB) it lets a long walk's garbage pile up to about three times the live heap before
 * its first full collection (~+150 MB here), and the walk's RSS would measure that, not the walk.
 */
const HEAP_MB =
  process.env.GOVSHARE_HEAP_MB ??
  (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { config: { heapMb: string } }).config.heapMb;

/** The server process: started on the database, its port once it listens. */
async function serve(url: string) {
  const flags = ['--expose-gc', `--max-old-space-size=${HEAP_MB}`, '--import', 'tsx'];
  const child = spawn(process.execPath, [...flags, 'bench/ckan/serve.ts'], {
    env: { ...process.env, BENCH_SERVE_URL: url },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const m = /^\{"port":(\d+)\}$/.exec(line);
    if (m) return { child, port: Number(m[1]) };
  }
  throw new Error('the server did not start');
}

async function main() {
  console.log(
    `CKAN and DCAT harvesting benchmark: ${ENTRIES} open entries${SHORT ? ' (short)' : ''}; server heap budget ${HEAP_MB} MB (as npm start)`,
  );
  await withOpenCatalog(ENTRIES, async (db, name) => {
    // Each walk gets a server of its own, started afresh: what one walk leaves behind is not counted
    // against the next.
    let server = await serve(databaseUrl(name));
    const restart = async () => {
      server.child.kill('SIGTERM');
      server = await serve(databaseUrl(name));
    };
    /** The server's heap in use once its garbage is collected: what it holds on to. */
    const liveHeap = () =>
      new Promise<number>((resolve) => {
        server.child.once('message', (m: { heapUsed: number }) => resolve(m.heapUsed));
        server.child.send({ gc: true });
      });
    const rss = () =>
      Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]) * 1024;
    const get = async (path: string) => {
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
      return { ms: performance.now() - t, body };
    };
    const timed = async (label: string, paths: () => string, goal?: number) => {
      await get(paths()); // warm-up
      const xs: number[] = [];
      for (let i = 0; i < SAMPLES; i++) xs.push((await get(paths())).ms);
      const p95 = percentile(xs, 95);
      console.log(
        `  ${label.padEnd(58)}${String(xs.length).padEnd(5)}${percentile(xs, 50).toFixed(1).padStart(8)}${p95.toFixed(1).padStart(8)}${goal ? `   goal ≤ ${goal}: ${p95 <= goal ? 'met' : 'MISSED'}` : ''}`,
      );
      return p95;
    };

    const total = (
      await db
        .selectFrom('open_dataset')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    const org = (
      await sql<{ name: string }>`select lower(d.credit_code) as name from department d
        join catalog_entry e on e.provider_department_id = d.id group by d.id order by count(*) desc limit 1`.execute(
        db,
      )
    ).rows[0]!.name;
    const start = () => Math.floor(Math.random() * Math.max(1, Number(total) - 1000));
    const words = ['企业登记', '户籍人口', '不动产', '社保', '公交线路'];
    let w = 0;
    console.log(`\n  ${'request'.padEnd(58)}${'n'.padEnd(5)}${'p50'.padStart(8)}${'p95'.padStart(8)}  (ms)`);
    await timed(
      'portal search /api/portal/datasets?q=… (baseline)',
      () => `/api/portal/datasets?q=${encodeURIComponent(words[w++ % words.length]!)}&pageSize=20`,
    );
    const p95 = await timed(
      'package_search rows=1000, random start, sort=id asc',
      () => `/api/3/action/package_search?rows=1000&start=${start()}&sort=${encodeURIComponent('id asc')}`,
      SEARCH_GOAL_MS,
    );
    const p95org = await timed(
      'package_search rows=1000, fq=organization:"…", sort=id asc',
      () =>
        `/api/3/action/package_search?rows=1000&fq=${encodeURIComponent(`organization:"${org}"`)}&sort=${encodeURIComponent('id asc')}`,
      SEARCH_GOAL_MS,
    );

    // ckanext-harvest's gather walk, start by start until an empty page.
    const walk = async (label: string, pages: AsyncGenerator<number>) => {
      const heapBefore = await liveHeap();
      const before = rss();
      let peak = before;
      let n = 0;
      let items = 0;
      const t0 = performance.now();
      const samples: number[] = [];
      for await (const got of pages) {
        n++;
        items += got;
        const now = rss();
        peak = Math.max(peak, now);
        samples.push(now);
      }
      // Every tenth of the walk: a ramp of the live heap would be a leak; RSS saws as the collector works.
      const tenths = Array.from(
        { length: 10 },
        (_, i) => samples[Math.max(0, Math.floor(((i + 1) * samples.length) / 10) - 1)]!,
      );
      console.log(`    server RSS by tenths of the walk (MB): ${tenths.map((x) => mb(x).toFixed(0)).join(' ')}`);
      // Collected only after the walk, so that the RSS above is the collector's own doing.
      const heapGrowth = mb((await liveHeap()) - heapBefore);
      console.log(
        `    server heap in use after a full collection: ${mb(heapBefore).toFixed(0)} MB before, ${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)} MB after`,
      );
      const growth = mb(peak - before);
      console.log(
        `  ${label}: ${n} pages, ${items} datasets in ${((performance.now() - t0) / 1000).toFixed(1)} s; server RSS ${mb(before).toFixed(0)} MB before, peak +${growth.toFixed(1)} MB, after +${mb(rss() - before).toFixed(1)} MB`,
      );
      return { items, growth, heapGrowth };
    };
    async function* harvest() {
      for (let s = 0; ; s += 1000) {
        const { body } = await get(
          `/api/3/action/package_search?rows=1000&start=${s}&sort=${encodeURIComponent('id asc')}`,
        );
        const n = (JSON.parse(body) as { result: { results: unknown[] } }).result.results.length;
        if (!n) return;
        yield n;
      }
    }
    async function* catalog() {
      let next: string | undefined = '/catalog.ttl?page=1';
      while (next) {
        const { body } = await get(next);
        yield body.match(/ (?:a|rdf:type) dcat:Dataset[ .;]/g)?.length ?? 0;
        const m = /hydra:nextPage "([^"]+)"/.exec(body);
        next = m ? new URL(m[1]!).pathname + new URL(m[1]!).search : undefined;
      }
    }
    console.log();
    await restart();
    await get('/api/3/action/package_search?rows=1000'); // warm-up: the server's first page of this kind
    const h = await walk('harvest walk (package_search rows=1000, sort=id asc)', harvest());
    await restart();
    await get('/catalog.ttl');
    const c = await walk('/catalog.ttl walk (Hydra nextPage)', catalog());
    server.child.kill('SIGTERM');
    const ok = (b: boolean) => (b ? 'met' : 'MISSED');
    console.log(
      `\n  package_search rows=1000 p95 ${Math.max(p95, p95org).toFixed(1)} ms — goal ≤ ${SEARCH_GOAL_MS} ms: ${ok(Math.max(p95, p95org) <= SEARCH_GOAL_MS)}`,
    );
    console.log(
      `  harvest walk saw ${h.items} of ${total}: ${ok(h.items === Number(total))}; catalog walk saw ${c.items}: ${ok(c.items === Number(total))}`,
    );
    console.log(
      `  catalog walk server RSS growth ${c.growth.toFixed(1)} MB — goal ≤ ${RSS_GOAL_MB} MB: ${ok(c.growth <= RSS_GOAL_MB)}${SHORT ? ' (short run: indicative only)' : ''}`,
    );
    // What the walks hold on to (a leak would show here), apart from garbage not yet collected.
    console.log(
      `  live heap growth over the walks: harvest ${h.heapGrowth.toFixed(1)} MB, catalog ${c.heapGrowth.toFixed(1)} MB`,
    );
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
