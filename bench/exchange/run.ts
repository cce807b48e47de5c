/**
 * Table exchange benchmark (issue 5 point 12). Run: `npx tsx bench/exchange/run.ts` (or `npm run
 * bench`); BENCH_SHORT=1 for a CI-sized run. Needs MariaDB at 127.0.0.1:3306 (root) and PostgreSQL at
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), plus the mysql and psql
 * command-line clients for the baseline.
 *
 * 1M rows × 12 columns in MariaDB, then, in the same run:
 *   baseline  `mysql --quick -B -N -e 'select …' | psql -c '\copy … from stdin'` (raw rows, no checks);
 *   govshare  the real table job (runPull): keyset batches, checkpoints, upserts into the managed
 *             table, reconciliation — what the platform does for a 库表 resource.
 * Prints rows/s of each, the ratio and the peak RSS of this process during the job. Goals: ratio ≥
 * 0.5, peak RSS ≤ 300 MB. (The grant-side push with masked columns comes with the push job.)
 */
import { execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { sql } from 'kysely';
import { openPostgres } from '../../src/server/db/open';
import { migrateToLatest } from '../../src/server/db/migrate';
import { loadConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/platform/clock';
import type { AppContext } from '../../src/server/app-context';
import { runPull } from '../../src/server/modules/exchange/pull-service';
import { setUpBinding } from './setup';
import { databaseUrl, pgAdmin } from '../pg-admin';

const SHORT = process.env.BENCH_SHORT === '1';
const ROWS = Number(process.env.BENCH_ROWS ?? (SHORT ? 20_000 : 1_000_000));
const MARIA = { host: '127.0.0.1', port: 3306, user: 'root' };
const COLUMNS =
  'id, uscc, name, legal_rep, id_no, phone, address, reg_date, capital, employees, active, updated_at';


/** The source: MariaDB's sequence engine makes a million rows in seconds. */
async function makeSource(db: string) {
  const c = await mysql.createConnection({ ...MARIA, multipleStatements: true });
  await c.query(`create database ${db} character set utf8mb4;
    use ${db};
    create table ${db}.corp (
      id int primary key, uscc char(18), name varchar(100), legal_rep varchar(50), id_no char(18), phone varchar(20),
      address varchar(200), reg_date date, capital decimal(14,2), employees int, active tinyint(1), updated_at datetime
    );
    insert into ${db}.corp
    select seq, concat('9136110000', lpad(seq, 8, '0')), concat('上饶测试企业', seq, '有限公司'), concat('张', seq % 1000),
      concat('36110219900101', lpad(seq % 10000, 4, '0')), concat('138', lpad(seq, 8, '0')), concat('江西省上饶市信州区测试路', seq, '号'),
      date_add('2000-01-01', interval seq % 9000 day), seq * 1.25, seq % 500, seq % 2, '2026-11-01 08:00:00'
    from seq_1_to_${ROWS};`);
  await c.end();
}

/** The baseline: the shell pipe a DBA would type, into a plain table of the same shape. */
async function rawPipe(db: string, pgUrl: string): Promise<number> {
  const target = new pg.Client({ connectionString: pgUrl });
  await target.connect();
  await target.query(`create table raw_corp (id int, uscc text, name text, legal_rep text, id_no text, phone text, address text, reg_date date,
    capital numeric, employees int, active int, updated_at timestamp)`);
  await target.end();
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const p = spawn('bash', ['-c', `mysql -h 127.0.0.1 -u root --quick -B -N -e "select ${COLUMNS} from corp" ${db} | psql -q "${pgUrl}" -c "\\copy raw_corp from stdin with (format text)"`], { stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`baseline pipe exited ${code}`))));
  });
  return performance.now() - t0;
}

async function main() {
  const suffix = randomBytes(4).toString('hex');
  const mariaDb = `bench_${suffix}`;
  const pgDb = `bench_${suffix}`;
  console.log(`exchange benchmark: ${ROWS} rows × 12 columns, MariaDB ${mariaDb} → PostgreSQL ${pgDb}`);
  execSync('which mysql psql', { stdio: 'ignore' });
  await pgAdmin(`create database ${pgDb}`);
  const url = new URL(databaseUrl(pgDb));
  const database = await openPostgres(url.toString(), 4);
  try {
    await makeSource(mariaDb);
    await migrateToLatest(database.db);
    const secretKey = randomBytes(32).toString('hex');
    const ctx: AppContext = { db: database.db, dbKind: 'postgresql', config: { ...loadConfig({}), secretKey }, clock: systemClock, log: { info: () => {}, warn: console.warn, error: console.error } as never };
    const bindingId = await setUpBinding(ctx, mariaDb);

    const baselineMs = await rawPipe(mariaDb, url.toString());
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t0 = performance.now();
    const summary = await runPull(ctx, bindingId, { batchSize: 5000 });
    const jobMs = performance.now() - t0;
    clearInterval(sampler);
    const check = await sql<{ n: string }>`select count(*) as n from rc.e_101_000001`.execute(ctx.db);

    const rate = (ms: number) => Math.round(ROWS / (ms / 1000));
    const ratio = baselineMs / jobMs;
    console.log(`  baseline mysql | psql \\copy   ${rate(baselineMs).toLocaleString()} rows/s (${(baselineMs / 1000).toFixed(1)} s)`);
    console.log(`  govshare table job (pull)    ${rate(jobMs).toLocaleString()} rows/s (${(jobMs / 1000).toFixed(1)} s), rows in center ${check.rows[0]!.n}, reconciled ${summary.reconciliation?.match}`);
    console.log(`  ratio ${ratio.toFixed(2)} (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'MISSED'}); peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB (goal ≤ 300: ${peak <= 300 * 1024 * 1024 ? 'met' : 'MISSED'})${SHORT ? ' (short run: indicative only)' : ''}`);
    if (summary.reconciliation?.match !== true) throw new Error('the job did not reconcile with the source');
  } finally {
    await database.close();
    await pgAdmin(`drop database if exists ${pgDb} with (force)`);
    const c = await mysql.createConnection(MARIA);
    await c.query(`drop database if exists ${mariaDb}`);
    await c.end();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
