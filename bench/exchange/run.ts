/**
 * Table exchange benchmark (issue 5 point 12). Run: `npx tsx bench/exchange/run.ts` (or `npm run
 * bench`); BENCH_SHORT=1 for a CI-sized run. Needs MariaDB at 127.0.0.1:3306 (root) and PostgreSQL at
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), plus the mysql and psql
 * command-line clients for the baseline.
 *
 * 1M rows × 12 columns in MariaDB, then, in the same run:
 *   baseline  `mysql --quick -B -N -e 'select …' | psql -c '\copy … from stdin'` (raw rows, no checks);
 *   pull      the real table job (runPull): one streamed query from MariaDB whose rows go on as COPY
 *             text into the center's stage, a checkpoint per window of 20 batches, the swap,
 *             reconciliation and the quality measurement;
 *   push      the real push job (runPush) of a 库表 grant of all twelve items, 法定代表人身份证号 and
 *             联系电话 masked, into a consumer's PostgreSQL database: the center's rows by one COPY out,
 *             the masked fields rewritten, COPYed into the consumer's stage with a checkpoint per
 *             window, swapped, reconciled.
 * Each job runs in a process of its own (job.ts, as the CLI or a job runner runs it) and is compared
 * with the same raw pipe (the unchecked, unmasked copy a DBA would make). Prints rows/s, the ratio
 * and the job process's peak RSS. Goals: each ratio ≥ 0.5, peak
 * RSS ≤ 300 MB.
 */
import { execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { openPostgres } from '../../src/server/db/open';
import { migrateToLatest } from '../../src/server/db/migrate';
import { loadConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/platform/clock';
import type { AppContext } from '../../src/server/app-context';
import { setUpBinding } from './setup';
import { databaseUrl, pgAdmin } from '../pg-admin';

const SHORT = process.env.BENCH_SHORT === '1';
const ROWS = Number(process.env.BENCH_ROWS ?? (SHORT ? 20_000 : 1_000_000));
const MARIA = { host: '127.0.0.1', port: 3306, user: 'root' };
const COLUMNS = 'id, uscc, name, legal_rep, id_no, phone, address, reg_date, capital, employees, active, updated_at';

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
    const p = spawn(
      'bash',
      [
        '-c',
        `mysql -h 127.0.0.1 -u root --quick -B -N -e "select ${COLUMNS} from corp" ${db} | psql -q "${pgUrl}" -c "\\copy raw_corp from stdin with (format text)"`,
      ],
      { stdio: 'inherit' },
    );
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`baseline pipe exited ${code}`))));
  });
  return performance.now() - t0;
}

interface JobResult {
  ms: number;
  /** Until the last batch was committed; the rest is the finish (swap, key, reconciliation, quality). */
  rowsMs: number;
  /** The job process's RSS before the job: Node, the loader and the platform's modules. */
  rssBefore: number;
  peakRss: number;
  summary: { reconciliation: { match: boolean } | null };
}

/** Runs one job in a fresh process (bench/exchange/job.ts), as the platform's job runner or CLI would. */
async function job(kind: 'pull' | 'push', id: string, url: string, secretKey: string): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROFILE] : []),
        '--import',
        'tsx',
        'bench/exchange/job.ts',
        kind,
        id,
        url,
        secretKey,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as JobResult)
        : reject(new Error(`${kind} job exited ${code}`)),
    );
  });
}

const MB = 1024 * 1024;
const rate = (ms: number) => Math.round(ROWS / (ms / 1000));

function report(label: string, r: JobResult, baselineMs: number, extra: string): boolean {
  const ratio = baselineMs / r.ms;
  const met = ratio >= 0.5 && r.peakRss <= 300 * MB;
  console.log(
    `  ${label.padEnd(34)} ${rate(r.ms).toLocaleString()} rows/s (${(r.ms / 1000).toFixed(1)} s: rows ${(r.rowsMs / 1000).toFixed(1)} s + finish ${((r.ms - r.rowsMs) / 1000).toFixed(1)} s), ratio ${ratio.toFixed(2)}, peak RSS ${(r.peakRss / MB).toFixed(0)} MB (${(r.rssBefore / MB).toFixed(0)} MB before the job)${extra}`,
  );
  return met;
}

async function main() {
  const suffix = randomBytes(4).toString('hex');
  const mariaDb = `bench_${suffix}`;
  const pgDb = `bench_${suffix}`;
  const targetDb = `bench_${suffix}_consumer`;
  console.log(
    `exchange benchmark: ${ROWS} rows × 12 columns, MariaDB ${mariaDb} → PostgreSQL ${pgDb} (center) → PostgreSQL ${targetDb} (consumer, 2 masked columns)`,
  );
  execSync('which mysql psql', { stdio: 'ignore' });
  await pgAdmin(`create database ${pgDb}`);
  await pgAdmin(`create database ${targetDb}`);
  const url = new URL(databaseUrl(pgDb));
  const database = await openPostgres(url.toString(), 4);
  try {
    await makeSource(mariaDb);
    await migrateToLatest(database.db);
    const secretKey = randomBytes(32).toString('hex');
    const ctx: AppContext = {
      db: database.db,
      dbKind: 'postgresql',
      config: { ...loadConfig({}), secretKey, databaseUrl: url.toString() },
      clock: systemClock,
      log: { info: () => {}, warn: console.warn, error: console.error } as never,
    };
    const setup = await setUpBinding(ctx, mariaDb);
    const pushId = await setup.setUpPush(targetDb, decodeURIComponent(url.username || 'postgres'));

    const baselineMs = await rawPipe(mariaDb, url.toString());
    const pull = await job('pull', setup.bindingId, url.toString(), secretKey);
    const push = await job('push', pushId, url.toString(), secretKey);
    const target = new pg.Client({ connectionString: databaseUrl(targetDb) });
    await target.connect();
    const sample = (
      await target.query<{ id_no: string; phone: string }>('select id_no, phone from corp_share order by id limit 1')
    ).rows[0];
    await target.end();

    console.log(
      `  baseline mysql | psql \\copy       ${rate(baselineMs).toLocaleString()} rows/s (${(baselineMs / 1000).toFixed(1)} s)`,
    );
    const pullMet = report(
      'pull MariaDB → center',
      pull,
      baselineMs,
      `, reconciled ${pull.summary.reconciliation?.match}`,
    );
    const pushMet = report(
      'push center → consumer (masked)',
      push,
      baselineMs,
      `, reconciled ${push.summary.reconciliation?.match}, e.g. ${sample?.id_no} ${sample?.phone}`,
    );
    const chained = pull.ms + push.ms;
    console.log(
      `  for information: the whole path, pull then push, ${rate(chained).toLocaleString()} rows/s (${(chained / 1000).toFixed(1)} s), ratio ${(baselineMs / chained).toFixed(2)} (data reaches a consumer in two jobs through the center)`,
    );
    console.log(
      `  goals (each job ≥ 0.5 × the raw pipe, peak RSS ≤ 300 MB): pull ${pullMet ? 'met' : 'MISSED'}, push ${pushMet ? 'met' : 'MISSED'}${SHORT ? ' (short run: indicative only)' : ''}`,
    );
    if (pull.summary.reconciliation?.match !== true || push.summary.reconciliation?.match !== true)
      throw new Error('a job did not reconcile');
    if (!sample?.id_no.includes('*') || !sample.phone.includes('*')) throw new Error('the pushed rows are not masked');
  } finally {
    await database.close();
    await pgAdmin(`drop database if exists ${pgDb} with (force)`);
    await pgAdmin(`drop database if exists ${targetDb} with (force)`);
    const c = await mysql.createConnection(MARIA);
    await c.query(`drop database if exists ${mariaDb}`);
    await c.end();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
