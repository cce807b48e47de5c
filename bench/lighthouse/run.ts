/**
 * Lighthouse on the open portal (issue #12 point 9, R-30). Run: `npx tsx bench/lighthouse/run.ts` (or
 * `npm run bench`); BENCH_SHORT=1 for a CI-sized run; BENCH_DATABASE_URL names the PostgreSQL server.
 *
 * Starts the app as a demo user meets it (fresh database, Shangrao demo seed, the built web app),
 * then runs Lighthouse 12 in Debian's Chromium on the home `/` and on one dataset page
 * `/datasets/<prefix>/<seq>` (server-rendered, then hydrated), with Lighthouse's mobile default
 * (simulated slow 4G and 4× CPU slowdown) and its desktop preset. Prints the performance,
 * accessibility, best-practices and SEO scores of each page (median and range over LIGHTHOUSE_RUNS
 * runs, default 3; 1 in short mode, which runs the dataset page with the desktop preset only) and,
 * for every category under 90, the audits that failed. Goal: ≥ 90 in each category.
 * LIGHTHOUSE_PAGES=home,dataset and LIGHTHOUSE_PRESETS=mobile,desktop choose what runs.
 *
 * Performance depends on the machine's load (Lighthouse times the real main thread, then simulates
 * the network): compare it only between runs on an otherwise idle machine. The other three
 * categories do not depend on load. LIGHTHOUSE_VERBOSE=1 lists failed audits of every category;
 * LIGHTHOUSE_SAVE=<dir> writes each run's full report there as JSON (open it in the Lighthouse viewer)
 * and its trace (open it in DevTools' Performance panel).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { desktopConfig, type Result } from 'lighthouse';
import { openPostgres } from '../../src/server/db/open';
import { migrateToLatest } from '../../src/server/db/migrate';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/platform/clock';
import { seedDemoIfEmpty } from '../../src/server/demo/seed';
import type { AppContext } from '../../src/server/app-context';
import { databaseUrl, pgAdmin } from '../pg-admin';

const SHORT = process.env.BENCH_SHORT === '1';
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? (SHORT ? 1 : 3));
const VERBOSE = process.env.LIGHTHOUSE_VERBOSE === '1';
const SAVE = process.env.LIGHTHOUSE_SAVE;
const GOAL = 90;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The browser tests' flags (test/e2e/harness.ts); chrome-launcher adds its own for a clean profile.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ROOT = path.resolve(import.meta.dirname, '../..');
type Preset = 'mobile' | 'desktop';
// LIGHTHOUSE_PRESETS / LIGHTHOUSE_PAGES (comma-separated) narrow a run to what is being worked on.
const PRESETS = (process.env.LIGHTHOUSE_PRESETS?.split(',') ??
  (SHORT ? ['desktop'] : ['mobile', 'desktop'])) as Preset[];
const PAGES = process.env.LIGHTHOUSE_PAGES?.split(',') ?? (SHORT ? ['dataset'] : ['home', 'dataset']);

type Scores = Record<(typeof CATEGORIES)[number], number>;
interface Failure {
  id: string;
  title: string;
  detail: string;
}

const quietLog = { info: () => {}, warn: () => {}, error: (...a: unknown[]) => console.error(...a) };

/** Scores 0–100 and, per category under the goal (or all with LIGHTHOUSE_VERBOSE), what failed. */
function summarize(lhr: Result): { scores: Scores; failures: Map<string, Failure[]> } {
  const scores = {} as Scores;
  const failures = new Map<string, Failure[]>();
  for (const c of CATEGORIES) {
    const cat = lhr.categories[c];
    if (!cat || cat.score === null)
      throw new Error(`Lighthouse gave no ${c} score: ${lhr.runtimeError?.message ?? ''}`);
    scores[c] = Math.round(cat.score * 100);
    if (scores[c] >= GOAL && !VERBOSE) continue;
    const failed: Failure[] = [];
    for (const ref of cat.auditRefs) {
      const a = lhr.audits[ref.id];
      if (!a || a.score === null || a.scoreDisplayMode === 'informative' || a.scoreDisplayMode === 'notApplicable')
        continue;
      // Performance: the weighted metrics that lose points, and any diagnostic that flags a problem.
      if (a.score >= (c === 'performance' ? 0.9 : 1)) continue;
      if (c === 'performance' && ref.weight === 0 && a.score >= 0.5) continue;
      failed.push({ id: a.id, title: a.title, detail: a.displayValue ?? '' });
    }
    failures.set(c, failed);
  }
  return { scores, failures };
}

async function audit(url: string, port: number, preset: Preset): Promise<{ lhr: Result; trace: unknown }> {
  const result = await lighthouse(
    url,
    { port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] },
    preset === 'desktop' ? desktopConfig : undefined,
  );
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  if (result.lhr.runtimeError)
    throw new Error(`${url}: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`);
  return { lhr: result.lhr, trace: result.artifacts.Trace };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const spread = (xs: number[]) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? `${lo}` : `${median(xs)} (${lo}–${hi})`;
};

async function main() {
  console.log(
    `Lighthouse on the open portal: ${RUNS} run(s) per page and preset (${PRESETS.join(', ')})${SHORT ? ' (short)' : ''}`,
  );
  // The pages under test are the built web app's: build it when src/web is newer (as `npm test` does).
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/ensure-web-build.mjs')], { cwd: ROOT, stdio: 'inherit' });

  const name = `bench_${randomBytes(5).toString('hex')}`;
  await pgAdmin(`create database ${name}`);
  const database = await openPostgres(databaseUrl(name), 10);
  let chrome: chromeLauncher.LaunchedChrome | undefined;
  try {
    await migrateToLatest(database.db);
    const ctx: AppContext = {
      db: database.db,
      dbKind: 'postgresql',
      config: { ...loadConfig({}), demo: true, requireMfa: false, secureCookies: false },
      clock: systemClock,
      log: quietLog,
    };
    await seedDemoIfEmpty(ctx);
    const app = await buildApp(ctx, { serveWeb: true });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const list = await fetch(`${origin}/api/portal/datasets?pageSize=1`);
      const first = ((await list.json()) as { items: Array<{ code: string }> }).items[0];
      if (!first) throw new Error('the demo put no dataset on the portal');
      const pages = [
        { label: 'home', path: '/' },
        { label: 'dataset', path: `/datasets/${first.code}` },
      ].filter((p) => PAGES.includes(p.label));

      chrome = await chromeLauncher.launch({
        chromePath: CHROMIUM_PATH,
        chromeFlags: CHROMIUM_FLAGS,
        logLevel: 'error',
      });
      console.log(
        `  load average before: ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')} — performance scores are comparable only on an otherwise idle machine`,
      );
      let worst = 100;
      const header = `  ${'page'.padEnd(30)}${'preset'.padEnd(9)}${CATEGORIES.map((c) => c.padEnd(17)).join('')}`;
      const lines: string[] = [];
      const notes: string[] = [];
      for (const page of pages) {
        for (const preset of PRESETS) {
          const runs: Array<ReturnType<typeof summarize>> = [];
          for (let i = 0; i < RUNS; i++) {
            const { lhr, trace } = await audit(`${origin}${page.path}`, chrome.port, preset);
            if (SAVE) {
              fs.mkdirSync(SAVE, { recursive: true });
              fs.writeFileSync(path.join(SAVE, `${page.label}-${preset}-${i + 1}.json`), JSON.stringify(lhr));
              fs.writeFileSync(path.join(SAVE, `${page.label}-${preset}-${i + 1}.trace.json`), JSON.stringify(trace));
            }
            runs.push(summarize(lhr));
          }
          const cells = CATEGORIES.map((c) => {
            const xs = runs.map((r) => r.scores[c]);
            worst = Math.min(worst, median(xs));
            return spread(xs).padEnd(17);
          });
          lines.push(`  ${`${page.label} ${page.path}`.slice(0, 29).padEnd(30)}${preset.padEnd(9)}${cells.join('')}`);
          // The failures of the last run (they are the same between runs except for performance).
          for (const [c, failed] of runs.at(-1)!.failures) {
            if (!failed.length) continue;
            notes.push(`  ${page.label} ${preset} ${c}:`);
            for (const f of failed) notes.push(`    ${f.id.padEnd(34)}${f.title}${f.detail ? ` (${f.detail})` : ''}`);
          }
        }
      }
      console.log(`\n${header}\n${lines.join('\n')}`);
      if (notes.length)
        console.log(`\n  failed audits${VERBOSE ? '' : ` (categories under ${GOAL})`}:\n${notes.join('\n')}`);
      console.log(
        `\n  lowest median score: ${worst} — goal ≥ ${GOAL} each: ${worst >= GOAL ? 'met' : 'MISSED'}${SHORT ? ' (short run: one page, one preset)' : ''}`,
      );
    } finally {
      await app.close();
    }
  } finally {
    chrome?.kill();
    await database.close();
    await pgAdmin(`drop database if exists ${name} with (force)`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
