/**
 * Export benchmark (issue 5 point 12). Run: `npx tsx bench/export/run.ts` (or `npm run bench`);
 * BENCH_SHORT=1 for a CI-sized run. Needs PostgreSQL (BENCH_DATABASE_URL) and MariaDB (the binding's
 * source is registered, not read) plus the psql client.
 *
 * 1M rows × 12 columns in a resource's managed table, exported in the same run:
 *   baseline  `psql -c "\copy (select … order by key) to stdout with csv header"`;
 *   govshare  GET /api/v1/data/{code}/export over real HTTP as the providing department: access
 *             check, audit, and — nothing being masked — PostgreSQL's COPY … TO STDOUT in pages of
 *             100,000 rows streamed to the response (masked exports go through the masking plan
 *             and a CSV writer instead; records.test.ts checks both give the same file).
 * The server runs in a process of its own (server.ts), as `npm start` runs it; this one is the client.
 * Prints rows/s of each, the ratio and the server process's peak RSS. Goals: ratio ≥ 0.7, RSS ≤ 300 MB.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { sql } from 'kysely';
import { openPostgres } from '../../src/server/db/open';
import { migrateToLatest } from '../../src/server/db/migrate';
import { loadConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/platform/clock';
import type { AppContext } from '../../src/server/app-context';
import { ensureManagedTable } from '../../src/server/modules/exchange-ingest/center-service';
import { databaseUrl, pgAdmin } from '../pg-admin';
import { startListening } from '../child-process';
import { setUpBinding } from '../exchange/setup';

const SHORT = process.env.BENCH_SHORT === '1';
const ROWS = Number(process.env.BENCH_ROWS ?? (SHORT ? 20_000 : 1_000_000));
const MARIA = { host: '127.0.0.1', port: 3306, user: 'root' };

/** The server's resident memory now and the most it ever had (the kernel's VmRSS and VmHWM). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** The platform's server in its own process (server.ts), as `npm start` runs it. */
const startServer = (url: string, secretKey: string) =>
  startListening(['--import', 'tsx', 'bench/export/server.ts', url, secretKey]);

function timed(command: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn('bash', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${command} exited ${code}`)),
    );
  });
}

async function main() {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  console.log(`export benchmark: ${ROWS} rows × 12 columns, database ${name}`);
  await pgAdmin(`create database ${name}`);
  const maria = await mysql.createConnection({ ...MARIA, multipleStatements: true });
  // The binding needs a real source table to describe; its rows are not read here.
  await maria.query(`create database ${name}; create table ${name}.corp (id int primary key, uscc char(18), name varchar(100), legal_rep varchar(50), id_no char(18),
    phone varchar(20), address varchar(200), reg_date date, capital decimal(14,2), employees int, active tinyint(1), updated_at datetime)`);
  const database = await openPostgres(databaseUrl(name), 4);
  try {
    await migrateToLatest(database.db);
    const secretKey = randomBytes(32).toString('hex');
    const ctx: AppContext = {
      db: database.db,
      dbKind: 'postgresql',
      config: {
        ...loadConfig({}),
        databaseUrl: databaseUrl(name),
        secretKey,
        demo: false,
        requireMfa: false,
        secureCookies: false,
      },
      clock: systemClock,
      log: { info: () => {}, warn: console.warn, error: console.error } as never,
    };
    const { bindingId } = await setUpBinding(ctx, name);
    const b = await ctx.db
      .selectFrom('exchange_binding')
      .select('entry_id')
      .where('id', '=', bindingId)
      .executeTakeFirstOrThrow();
    const table = (await ensureManagedTable(ctx, b.entry_id)).name;
    await sql`insert into rc.${sql.id(table)} (_gs_key, id, uscc, name, legal_rep, id_no, phone, address, reg_date, capital, employees, active, updated_at, _gs_run, _gs_loaded_at)
      select g::text, g, '9136110000' || lpad(g::text, 8, '0'), '上饶测试企业' || g || '有限公司', '张' || (g % 1000), '36110219900101' || lpad((g % 10000)::text, 4, '0'),
        '138' || lpad(g::text, 8, '0'), '江西省上饶市信州区测试路' || g || '号', date '2000-01-01' + (g % 9000), g * 1.25, g % 500, g % 2 = 0, timestamp '2026-11-01 08:00:00', 0, now()
      from generate_series(1, ${ROWS}) g`.execute(ctx.db);
    await sql`analyze rc.${sql.id(table)}`.execute(ctx.db);
    const code = (await sql<{ code: string }>`select code from catalog_entry where id = ${b.entry_id}`.execute(ctx.db))
      .rows[0]!.code;

    let before = 0;
    let peak = 0;
    let ms = 0;
    let bytes = 0;
    let lines = 0;
    const columns =
      'id, uscc, name, legal_rep, id_no, phone, address, reg_date, capital, employees, active, updated_at';
    const baselineMs = await timed(
      `psql -q "${databaseUrl(name)}" -c "\\copy (select ${columns} from rc.${table} order by _gs_key) to stdout with (format csv, header)" > /dev/null`,
    );

    const server = await startServer(databaseUrl(name), secretKey);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bench_zy', password: 'Bench@Passw0rd2026' }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      before = memoryOf(server.pid).rss;
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/data/${code}/export`, { headers: { cookie } });
      if (!res.ok || !res.body) throw new Error(`export answered ${res.status}`);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        // indexOf, not a loop over bytes: the client must not be what the benchmark measures.
        for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
      }
      ms = performance.now() - t0;
      peak = memoryOf(server.pid).peak;
    } finally {
      await server.stop();
    }
    if (lines !== ROWS + 1) throw new Error(`export gave ${lines - 1} rows, expected ${ROWS}`);

    const rate = (x: number) => Math.round(ROWS / (x / 1000));
    const ratio = baselineMs / ms;
    console.log(
      `  baseline psql \\copy to stdout  ${rate(baselineMs).toLocaleString()} rows/s (${(baselineMs / 1000).toFixed(1)} s)`,
    );
    console.log(
      `  govshare CSV export (HTTP)     ${rate(ms).toLocaleString()} rows/s (${(ms / 1000).toFixed(1)} s, ${(bytes / 1024 / 1024).toFixed(0)} MB)`,
    );
    console.log(
      `  ratio ${ratio.toFixed(2)} (goal ≥ 0.7: ${ratio >= 0.7 ? 'met' : 'MISSED'}); server's peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB (${(before / 1024 / 1024).toFixed(0)} MB before the export; goal ≤ 300: ${peak <= 300 * 1024 * 1024 ? 'met' : 'MISSED'})${SHORT ? ' (short run: indicative only)' : ''}`,
    );
  } finally {
    await database.close();
    await pgAdmin(`drop database if exists ${name} with (force)`);
    await maria.query(`drop database if exists ${name}`);
    await maria.end();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
