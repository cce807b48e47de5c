import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { cliEnvironment, runGovshare } from '../helpers/cli';

/** Each run gets either a temp PGlite folder or (with TEST_DATABASE_URL) a fresh PostgreSQL database. */
const cli = cliEnvironment('cli');
const govshare = (args: string[], extra: NodeJS.ProcessEnv = {}) => runGovshare(args, { ...cli.env(), ...extra });

describe('govshare CLI', () => {
  it('prints help for every command', async () => {
    const overview = await govshare(['--help']);
    expect(overview.code).toBe(0);
    const commands = ['migrate', 'seed-demo', 'create-admin', 'audit verify', 'calendar import'];
    const helps = await Promise.all(commands.map((cmd) => govshare([...cmd.split(' '), '--help'])));
    commands.forEach((cmd, i) => {
      expect(overview.out).toContain(cmd);
      expect(helps[i]!.code, cmd).toBe(0);
      expect(helps[i]!.out).toContain(`govshare ${cmd}`);
    });
    expect((await govshare(['frobnicate'])).code).toBe(2);
  });

  it('migrates, creates an admin, imports a calendar year and verifies the audit log', async () => {
    expect((await govshare(['migrate'])).out).toMatch(/Applied|up to date/);
    expect((await govshare(['migrate'])).out).toContain('up to date');

    const missing = await govshare(['create-admin', '--username', 'root_admin', '--real-name', '王管理']);
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('GOVSHARE_PASSWORD');
    const created = await govshare(
      ['create-admin', '--username', 'root_admin', '--real-name', '王管理', '--role', 'security_admin'],
      { GOVSHARE_PASSWORD: 'Very-Secret-2026' },
    );
    expect(created.out).toContain('Created security_admin root_admin');
    const weak = await govshare(['create-admin', '--username', 'weak_admin', '--real-name', '弱密码'], {
      GOVSHARE_PASSWORD: 'weak',
    });
    expect(weak.code).toBe(1);
    expect(weak.out).toContain('密码');

    const file = path.join(cli.env().DATA_DIR!, '2027.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        $schema: 'x',
        year: 2027,
        papers: [],
        days: [{ name: '元旦', date: '2027-01-01', isOffDay: true }],
      }),
    );
    const imported = await govshare(['calendar', 'import', file]);
    expect(imported.out).toContain('Imported 1 days for 2027');

    const verify = await govshare(['audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/intact: \d+ events/);
  });

  it('reports a tampered audit log with exit code 1', async () => {
    const env = cli.env();
    if (env.DATABASE_URL) {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      await c.query(`set session_replication_role = replica; update audit_event set action = 'forged' where seq = 1`);
      await c.end();
    } else {
      const { openPglite } = await import('../../src/server/db/open');
      const { sql } = await import('kysely');
      const d = await openPglite(env.DATA_DIR!);
      await d.db.connection().execute(async (c) => {
        await sql`set session_replication_role = replica`.execute(c);
        await sql`update audit_event set action = 'forged' where seq = 1`.execute(c);
      });
      await d.close();
    }
    const verify = await govshare(['audit', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.out).toContain('TAMPERED');
    expect(verify.out).toContain('seq 1: modified');
  });
});

// PGlite's own (DATABASE_URL emptied below): the same in CI's PostgreSQL pass, so it runs in the PGlite one.
describe.skipIf(!!process.env.TEST_DATABASE_URL)('embedded database lock', () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill('SIGTERM');
  });

  it('stops a second process that opens the same ./data with a clear message', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govshare-lock-'));
    const e = { ...process.env, DATA_DIR: dir, DATABASE_URL: '', DEMO: '0', PORT: '0' };
    // The server as `npm start` runs it: the production bundle (built if missing or stale).
    execFileSync(process.execPath, ['scripts/ensure-server-build.mjs'], { stdio: 'inherit' });
    server = spawn(process.execPath, ['--enable-source-maps', 'dist/server/main.mjs'], {
      env: e,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('govshare is running')) {
          clearTimeout(timer);
          resolve();
        }
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', onData);
      server!.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
    const second = await runGovshare(['migrate'], e);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/in use by another govshare process/);
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    server = undefined;
    // Once the first process has gone, the folder opens again.
    const third = await runGovshare(['migrate'], e);
    expect(third.stdout).toContain('up to date');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
