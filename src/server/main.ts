import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config';
import { DataDirLockedError, openDatabase, type Database } from './db/open';
import { migrateToLatest } from './db/migrate';
import { buildApp } from './app';
import { systemClock } from './platform/clock';
import { seedDemoIfEmpty, DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo/seed';
import { startJobRunner, type JobRunner } from './platform/jobs/runner';
import type { AppContext } from './app-context';
import { startAuditSealer } from './platform/audit/service';
import { ensureAuditPartitions } from './platform/audit/retention';
import { CONSOLE } from '../shared/console';

/** start: config → db → migrate → (demo seed) → app → listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  const open = async () => {
    try {
      return await openDatabase(config);
    } catch (e) {
      if (e instanceof DataDirLockedError) {
        console.error(e.message);
        process.exit(2);
      }
      throw e;
    }
  };
  let database = await open();
  const applied = await migrateToLatest(database.db);
  const log = console;
  if (applied.length) log.info(`migrations applied: ${applied.join(', ')}`);
  const contextOf = (d: Database): AppContext => ({ db: d.db, dbKind: d.kind, config, clock: systemClock, log });
  const seeded = config.demo ? await seedDemoIfEmpty(contextOf(database)) : false;
  if (seeded && database.kind === 'pglite') {
    // PGlite's WebAssembly memory keeps the size the seed's one big transaction grew it to: open
    // the folder afresh so the server does not carry that peak for its whole life.
    await database.close();
    database = await open();
  }
  const ctx = contextOf(database);
  // This month's audit partition and the next three, before the first event (the daily task keeps them ahead).
  await ensureAuditPartitions(ctx);
  const app = await buildApp(ctx, { logger: true, serveWeb: true });
  const jobs: { runner?: JobRunner; stopSealer?: () => Promise<void> } = {};
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'shutting down after error');
    await app.close();
    // Jobs write to the database, so the runner finishes its pass before the database closes.
    await jobs.runner?.stop();
    await jobs.stopSealer?.();
    await database.close();
  });
  await app.listen({ port: config.port, host: config.host });
  jobs.runner = startJobRunner(ctx, { pollMs: 5_000 });
  jobs.stopSealer = startAuditSealer(ctx);
  const address = app.server.address();
  const origin = `http://localhost:${typeof address === 'object' && address ? address.port : config.port}`;
  const lines = [
    '',
    `govshare is running  (database: ${database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'})`,
    `Open-data portal:   ${origin}/`,
    `Department console: ${origin}${CONSOLE}`,
    `API docs:           ${origin}/api/docs`,
  ];
  if (config.demo) {
    lines.push(seeded ? 'Shangrao demo data seeded.' : 'Demo mode.', `Demo accounts (password ${DEMO_PASSWORD}):`);
    for (const a of DEMO_ACCOUNTS) lines.push(`  ${a.username.padEnd(14)} ${a.roleLabel}  ${a.department ?? ''}`);
  }
  console.log(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
