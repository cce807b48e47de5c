import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/app-context';
import { loadConfig, type Config } from '../../src/server/config';
import { ManualClock } from '../../src/server/platform/clock';
import { hashPassword } from '../../src/server/platform/auth/password';
import type { Role } from '../../src/server/platform/rbac/roles';
import type { ModuleDefinition } from '../../src/server/platform/module';
import { freshDatabase } from './db';

export const TEST_PASSWORD = 'Test-Passw0rd!';
let cachedHash: Promise<string> | undefined;

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: ManualClock;
  /** The PostgreSQL database's URL (TEST_DATABASE_URL runs), for a second "process" with its own pool. */
  databaseUrl?: string;
  close(): Promise<void>;
  /** Logs in through the real endpoint and returns headers carrying the session cookie. */
  login(username: string, password?: string): Promise<{ cookie: string }>;
  /** A user with the given roles (and a department for department roles), inserted directly. */
  user(
    roles: Role[],
    opts?: { username?: string; departmentId?: string | null; realName?: string },
  ): Promise<{ id: string; username: string; departmentId: string | null }>;
  department(opts?: { name?: string; creditCode?: string; regionCode?: string }): Promise<{ id: string; name: string }>;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

let seq = 0;
const uniq = () => `${process.pid}${Date.now().toString(36)}${(seq++).toString(36)}`;

export async function testApp(
  overrides: Partial<Config> = {},
  start = new Date('2026-11-24T02:00:00Z'),
  opts: { modules?: ModuleDefinition[] } = {},
): Promise<TestApp> {
  const database = await freshDatabase();
  const clock = new ManualClock(start);
  // A key and a files folder of its own per test app, so no test writes into ./data in the checkout.
  const config: Config = {
    ...loadConfig({}),
    databaseUrl: database.url,
    demo: false,
    requireMfa: false,
    secureCookies: false,
    secretKey: randomBytes(32).toString('hex'),
    filesDir: path.join(os.tmpdir(), `govshare-files-${uniq()}`),
    // Tests sign in and search far faster than people; test/platform/abuse-limits.test.ts turns limits on.
    rateLimitScale: 0,
    ...overrides,
  };
  const ctx: AppContext = { db: database.db, dbKind: database.kind, config, clock, log: console };
  const app = await buildApp(ctx, { modules: opts.modules });

  async function ensureRegion(code: string) {
    await ctx.db
      .insertInto('region')
      .values({ code, name: `区划${code}`, level: 'city', parent_code: null })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  const t: TestApp = {
    app,
    ctx,
    clock,
    databaseUrl: database.url,
    inject: (o) => app.inject(o),
    close: async () => {
      await app.close();
      await database.close();
    },
    async department(opts = {}) {
      const regionCode = opts.regionCode ?? '361100';
      await ensureRegion(regionCode);
      const name = opts.name ?? `测试部门${uniq()}`;
      const row = await ctx.db
        .insertInto('department')
        .values({
          credit_code: opts.creditCode ?? `T${uniq()}`.padEnd(18, '0').slice(0, 18),
          name,
          kind: 'government',
          region_code: regionCode,
          short_name: null,
          parent_id: null,
        })
        .returning(['id', 'name'])
        .executeTakeFirstOrThrow();
      return row;
    },
    async user(roles, opts = {}) {
      const needsDept = roles.some((r) => r.startsWith('dept_'));
      const departmentId =
        opts.departmentId !== undefined ? opts.departmentId : needsDept ? (await t.department()).id : null;
      const username = opts.username ?? `u${uniq()}`;
      const row = await ctx.db
        .insertInto('app_user')
        .values({
          username,
          real_name: opts.realName ?? `测试用户${username.slice(-4)}`,
          department_id: departmentId,
          roles,
          email: null,
          phone: null,
          password_hash: await (cachedHash ??= hashPassword(TEST_PASSWORD)),
          locked_until: null,
          mfa_secret: null,
          last_login_at: null,
        })
        .returning(['id', 'username', 'department_id'])
        .executeTakeFirstOrThrow();
      return { id: row.id, username: row.username, departmentId: row.department_id };
    },
    async login(username, password = TEST_PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const c = res.cookies.find((k) => k.name === 'gs_session');
      if (!c) throw new Error('no session cookie');
      return { cookie: `gs_session=${c.value}` };
    },
  };
  return t;
}
