/**
 * Server memory benchmark (issue #15 point 8). Run: `npx tsx bench/memory/run.ts` (or `npm run bench`);
 * BENCH_SHORT=1 for a CI-sized run; BENCH_DATABASE_URL names the PostgreSQL server.
 *
 * Starts the server as `npm start` does (scripts/serve.sh: the bundle dist/server/main.mjs with the same
 * heap budget, V8 flags and malloc settings) in a process of its own, with the Shangrao demo data, once on a fresh embedded PGlite data directory and
 * once on a fresh PostgreSQL database, and reads its resident memory (RSS, /proc/PID/status) while it
 * starts, while it idles, and under bench/portal's mixed load (CONCURRENCY clients over real HTTP, each
 * repeating a dataset page, a portal search and a signed-in console search). Goals: ≤ 500 MB on
 * PGlite, ≤ 250 MB on PostgreSQL (the server process; PostgreSQL's own processes are the database's).
 * Identical runs differ by up to ~40 MB, so the full run measures each database BENCH_ROUNDS times (3)
 * and judges the goal by the highest round.
 *
 * Baseline, side by side: the same server run from its TypeScript sources through tsx with the heap
 * budget only, as it started before the production build (full run only, one round).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PASSWORD } from '../../src/server/demo/seed';
import { databaseUrl, pgAdmin } from '../pg-admin';

const SHORT = process.env.BENCH_SHORT === '1';
const LOAD_SECONDS = SHORT ? 5 : 60;
const IDLE_SECONDS = SHORT ? 3 : 15;
const CONCURRENCY = 4;
const ROUNDS = SHORT ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const GOAL_MB = { pglite: 500, postgresql: 250 } as const;
const QUERIES = ['企业', '人口', '不动产', '上饶', '社保', '登记', ''];
const ROOT = path.resolve(import.meta.dirname, '../..');
const HEAP_MB = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { config: { heapMb: string } })
  .config.heapMb;

type Kind = keyof typeof GOAL_MB;
interface Build {
  label: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}
/** As `npm start` runs it (package.json → scripts/serve.sh, which execs node: the PID stays the server's). */
const BUNDLE: Build = {
  label: 'bundle',
  command: 'sh',
  args: ['scripts/serve.sh'],
  env: { npm_package_config_heapMb: HEAP_MB },
};
const TSX: Build = {
  label: 'tsx',
  command: process.execPath,
  args: [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', 'src/server/main.ts'],
};

/** Resident memory now and at its highest (VmHWM) of process `pid`, in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Samples the RSS of `pid` every 100 ms until `stop()`: the highest seen. */
function sampler(pid: number) {
  let max = 0;
  const timer = setInterval(() => (max = Math.max(max, memoryOf(pid).rss)), 100);
  return () => {
    clearInterval(timer);
    return Math.max(max, memoryOf(pid).rss);
  };
}

/** Starts the server; resolves with its origin once it prints that it is running. */
async function startServer(build: Build, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(build.command, build.args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEMO: '1', RATE_LIMIT_SCALE: '0', ...build.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out = (out + d.toString()).slice(-10_000);
      const m = /Open-data portal:\s+(http:\/\/\S+?)\/\s/.exec(out);
      if (m) {
        // The request log keeps coming: read and drop it, or the pipe fills and the server stalls.
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code} before it was running:\n${out}`)));
  });
  return { child, origin };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** bench/portal's mix over real HTTP: CONCURRENCY clients for LOAD_SECONDS; the number of requests. */
async function mixedLoad(origin: string): Promise<number> {
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await fetch(origin + url, { headers });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
    return body;
  };
  const codes = (
    JSON.parse(await get('/api/portal/datasets?pageSize=50')) as { items: Array<{ code: string }> }
  ).items.map((d) => d.code);
  if (codes.length === 0) throw new Error('no open datasets: the demo data did not load');
  const login = await fetch(`${origin}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'scj_yh', password: DEMO_PASSWORD }),
  });
  const cookie = /gs_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0];
  if (!cookie) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);

  const until = Date.now() + LOAD_SECONDS * 1000;
  let requests = 0;
  const client = async (c: number) => {
    for (let i = 0; Date.now() < until; i++) {
      const q = encodeURIComponent(QUERIES[(i + c) % QUERIES.length]!);
      const page = await get(`/datasets/${codes[(i * CONCURRENCY + c) % codes.length]}`);
      if (!page.includes('application/ld+json')) throw new Error('dataset page without JSON-LD');
      await get(`/api/portal/datasets?q=${q}&pageSize=20`);
      await get(`/api/catalog/search?q=${q}&pageSize=20`, { cookie });
      requests += 3;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, c) => client(c)));
  return requests;
}

interface Reading {
  kind: Kind;
  build: string;
  startPeak: number;
  idle: number;
  loadPeak: number;
  afterLoad: number;
  requests: number;
}

/** One server's life: start (with the demo data loaded), idle, load, stop. */
async function measure(kind: Kind, build: Build): Promise<Reading> {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'govshare-memory-'));
  if (kind === 'postgresql') await pgAdmin(`create database ${name}`);
  // PostgreSQL keeps no key file of its own: the master key comes from the environment, as in production.
  const env = {
    DATA_DIR: dataDir,
    ...(kind === 'postgresql'
      ? { DATABASE_URL: databaseUrl(name), GOVSHARE_SECRET_KEY: randomBytes(32).toString('hex') }
      : {}),
  };
  try {
    const { child, origin } = await startServer(build, env);
    try {
      const pid = child.pid!;
      const startPeak = memoryOf(pid).peak;
      await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
      const idle = memoryOf(pid).rss;
      const stopSampling = sampler(pid);
      const requests = await mixedLoad(origin);
      const loadPeak = stopSampling();
      const afterLoad = memoryOf(pid).rss;
      return { kind, build: build.label, startPeak, idle, loadPeak, afterLoad, requests };
    } finally {
      await stopServer(child);
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (kind === 'postgresql') await pgAdmin(`drop database if exists ${name} with (force)`);
  }
}

async function main() {
  console.log(
    `server memory benchmark: RSS in MB; idle ${IDLE_SECONDS} s, then ${CONCURRENCY} clients for ${LOAD_SECONDS} s${SHORT ? ' (short: no tsx baseline)' : ''}`,
  );
  // The bundle as npm start builds it (npm run bench may run before any npm start).
  await new Promise<void>((resolve, reject) =>
    spawn(process.execPath, ['scripts/ensure-server-build.mjs'], { cwd: ROOT, stdio: 'inherit' }).on('exit', (c) =>
      c === 0 ? resolve() : reject(new Error(`server build exited ${c}`)),
    ),
  );
  const readings: Reading[] = [];
  for (const kind of ['pglite', 'postgresql'] as const) {
    for (let round = 0; round < ROUNDS; round++) readings.push(await measure(kind, BUNDLE));
    if (!SHORT) readings.push(await measure(kind, TSX));
  }
  const mb = (x: number) => x.toFixed(0).padStart(6);
  const worstOf = (r: Reading) => Math.max(r.idle, r.loadPeak);
  console.log(
    `\n  ${'database'.padEnd(12)}${'run'.padEnd(8)}  start  idle  load peak  after   requests   goal  worst / goal`,
  );
  for (const r of readings) {
    console.log(
      `  ${r.kind.padEnd(12)}${r.build.padEnd(8)}${mb(r.startPeak)}${mb(r.idle)}${mb(r.loadPeak).padStart(11)}${mb(r.afterLoad)}${String(r.requests).padStart(11)}${mb(GOAL_MB[r.kind])}  ${(worstOf(r) / GOAL_MB[r.kind]).toFixed(2)}`,
    );
  }
  console.log(
    '  start = highest RSS while starting (migrations, demo seed on a fresh database); worst = max(idle, load peak)\n',
  );
  for (const kind of ['pglite', 'postgresql'] as const) {
    const worst = readings
      .filter((r) => r.kind === kind && r.build === BUNDLE.label)
      .map(worstOf)
      .sort((a, b) => a - b);
    const highest = worst[worst.length - 1]!;
    const median = worst[Math.floor(worst.length / 2)]!;
    const baseline = readings.find((r) => r.kind === kind && r.build === TSX.label);
    console.log(
      `  ${kind.padEnd(12)}worst ${median.toFixed(0)} MB median of ${worst.length} (${worst[0]!.toFixed(0)}–${highest.toFixed(0)})` +
        (baseline ? `, ${(median / worstOf(baseline)).toFixed(2)}× tsx` : '') +
        `; goal ${GOAL_MB[kind]} MB: ${highest <= GOAL_MB[kind] ? 'met' : 'MISSED'} by the highest round`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
