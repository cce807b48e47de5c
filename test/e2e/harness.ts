/**
 * Browser test harness: the real server in-process (fresh database, Shangrao demo data, the built
 * web app) and Debian's Chromium driven through playwright-core. No downloaded browsers.
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/app-context';
import { loadConfig, type Config } from '../../src/server/config';
import { systemClock, type Clock } from '../../src/server/platform/clock';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/server/demo/seed';
import { startJobRunner, type JobRunner } from '../../src/server/platform/jobs/runner';
import { registerBackgroundWork } from '../../src/server/compose';
import type { ModuleDefinition } from '../../src/server/platform/module';
import { freshDatabase } from '../helpers/db';

export { DEMO_PASSWORD };

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const hasChromium = fs.existsSync(CHROMIUM_PATH);
if (!hasChromium && !process.env.CI) {
  console.warn(
    `[e2e] ${CHROMIUM_PATH} not found: browser tests are skipped (apt-get install chromium fonts-wqy-microhei). In CI they fail instead.`,
  );
}

/**
 * describe() for browser tests: skipped on a developer machine without Chromium, but run in CI
 * (where startE2E then fails loudly) so a missing browser can never pass silently.
 */
export const describeBrowser = describe.skipIf(!hasChromium && !process.env.CI);

const ROOT = path.resolve(import.meta.dirname, '../..');
const WEB_INDEX = path.join(ROOT, 'dist/web/index.html');
const BUILD_LOCK = path.join(ROOT, 'dist/.web-build.lock');

/**
 * `npm test` builds dist/web first (scripts/ensure-web-build.mjs); a bare `vitest run test/e2e` on a
 * fresh clone builds it here, once, with a lock directory so parallel test files do not race.
 */
async function ensureWebBuild(): Promise<void> {
  if (fs.existsSync(WEB_INDEX)) return;
  fs.mkdirSync(path.dirname(BUILD_LOCK), { recursive: true });
  let owner = false;
  try {
    fs.mkdirSync(BUILD_LOCK);
    owner = true;
  } catch {
    // Another worker is building; wait for its result below.
  }
  if (owner) {
    try {
      if (!fs.existsSync(WEB_INDEX)) execSync('npm run build:web', { cwd: ROOT, stdio: 'inherit' });
    } finally {
      fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
    return;
  }
  const deadline = Date.now() + 180_000;
  while (!fs.existsSync(WEB_INDEX) || fs.existsSync(BUILD_LOCK)) {
    if (Date.now() > deadline) throw new Error('timed out waiting for another worker to build dist/web');
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface E2E {
  baseUrl: string;
  app: FastifyInstance;
  ctx: AppContext;
  browser: Browser;
  /** A fresh browser context (own cookies, zh-CN, 1440×900) and a page in it. */
  newPage(): Promise<Page>;
  /** A phone's browser context (zh-CN, touch, 390 px wide and `height` high, default 844); closed with the harness. */
  phoneContext(height?: number): Promise<BrowserContext>;
  /** Logs in through the login form and waits for the home page; returns the page. */
  login(username: string, password?: string): Promise<Page>;
  /** Calls the API in-process as a demo user (for arranging data a test does not drive through the UI). */
  apiAs(
    username: string,
  ): Promise<(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) => Promise<unknown>>;
  close(): Promise<void>;
}

/**
 * Real time plus an offset a test can move. Unlike ManualClock it keeps ticking, so rows made one
 * after another still get distinct, ordered times (steps are listed oldest first).
 */
export class MovableClock implements Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  reset(): void {
    this.offset = 0;
  }
}

export interface E2EOptions {
  /** The server's clock; a MovableClock or ManualClock lets a test move time past a deadline (the browser keeps its own). */
  clock?: Clock;
  /**
   * Runs the job runner as main.ts does (queued pulls, reminders, periodic tasks), polling every
   * `pollMs` (default 500) so a queued job starts soon after the browser asks for it. Off by default.
   */
  jobs?: boolean | { pollMs?: number };
  /** The modules to compose instead of compose.ts's (supervision with indicators of the test's own). */
  modules?: ModuleDefinition[];
}

const quietLog = { info: () => {}, warn: () => {}, error: (...a: unknown[]) => console.error(...a) };

export async function startE2E(overrides: Partial<Config> = {}, options: E2EOptions = {}): Promise<E2E> {
  if (!hasChromium)
    throw new Error(
      `Chromium is required for the browser tests but ${CHROMIUM_PATH} does not exist (CI=${process.env.CI}). Install Debian's chromium and fonts-wqy-microhei.`,
    );
  await ensureWebBuild();

  const database = await freshDatabase();
  // No synthetic table rows: every browser test file seeds the demo, and none needs them. A master
  // key of its own (as testApp has): on PostgreSQL the server makes none, and sources store passwords.
  const config: Config = {
    ...loadConfig({}),
    databaseUrl: database.url,
    demo: true,
    demoRows: 0,
    requireMfa: false,
    secureCookies: false,
    secretKey: randomBytes(32).toString('hex'),
    // The limits stay on, ten times looser: one browser signs in and searches more than a person would.
    rateLimitScale: 10,
    ...overrides,
  };
  const ctx: AppContext = {
    db: database.db,
    dbKind: database.kind,
    config,
    clock: options.clock ?? systemClock,
    log: quietLog,
  };
  await seedDemoIfEmpty(ctx);
  const app = await buildApp(ctx, { serveWeb: true, modules: options.modules });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  } catch (e) {
    await app.close();
    await database.close();
    throw e;
  }
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];
  let runner: JobRunner | undefined;
  if (options.jobs) {
    registerBackgroundWork(options.modules);
    runner = startJobRunner(ctx, {
      pollMs: (typeof options.jobs === 'object' ? options.jobs.pollMs : undefined) ?? 500,
    });
  }

  const e2e: E2E = {
    baseUrl,
    app,
    ctx,
    browser,
    async newPage() {
      const context = await browser.newContext({
        baseURL: baseUrl,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        viewport: { width: 1440, height: 900 },
      });
      // Generous for a loaded CI machine; waits still end as soon as the page shows what is awaited.
      context.setDefaultTimeout(30_000);
      contexts.push(context);
      const page = await context.newPage();
      // Script errors in the app are test failures' usual cause; show them next to the failure.
      page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
      page.on('console', (msg) => {
        // Something the content security policy refused (platform/http/security-headers.ts) is a bug of the page or the policy.
        if (/Content Security Policy/.test(msg.text())) cspViolations.push(msg.text());
        // Chromium logs every 4xx fetch as an error; the app handles those itself (e.g. 401 before login).
        const expected = /Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text());
        if ((msg.type() === 'error' && !expected) || process.env.E2E_DEBUG)
          console.error(`[browser ${msg.type()}] ${msg.text()}`);
      });
      return page;
    },
    async phoneContext(height = 844) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        viewport: { width: 390, height },
        isMobile: true,
        hasTouch: true,
      });
      contexts.push(context);
      return context;
    },
    async login(username, password = DEMO_PASSWORD) {
      const page = await e2e.newPage();
      await page.goto('/login');
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(password);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('welcome').waitFor();
      return page;
    },
    async apiAs(username) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: DEMO_PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const token = res.cookies.find((c) => c.name === 'gs_session')?.value;
      if (!token) throw new Error('no session cookie');
      return async (method, url, payload) => {
        const r = await app.inject({ method, url, payload: payload as never, cookies: { gs_session: token } });
        if (r.statusCode >= 400) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
        return r.body ? (JSON.parse(r.body) as unknown) : undefined;
      };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await app.close();
      // Jobs write to the database: the runner finishes its pass before the database closes.
      await runner?.stop();
      await database.close();
      if (cspViolations.length) throw new Error(`content security policy violations:\n${cspViolations.join('\n')}`);
    },
  };
  return e2e;
}

/** Saves a screenshot under /tmp when E2E_SCREENSHOTS is set (for looking at the layout by hand). */
export async function maybeScreenshot(page: Page, name: string): Promise<void> {
  if (!process.env.E2E_SCREENSHOTS) return;
  await page.screenshot({ path: path.join('/tmp', `govshare-${name}.png`), fullPage: true });
}
