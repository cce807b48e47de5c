import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db } from '../src/server/app-context';
import { openPostgres } from '../src/server/db/open';
import { migrateToLatest } from '../src/server/db/migrate';
import { databaseUrl, pgAdmin } from './pg-admin';
import { loadCatalog } from './catalog-search/load';

/**
 * Every loaded entry open and on the portal, as two passed reviews would leave it (the open-portal
 * benchmarks: bench/portal, bench/ckan).
 */
async function openAll(db: Db): Promise<void> {
  await sql`update catalog_entry_version set share_type = 'unconditional', share_condition = null, open_type = 'unconditional'`.execute(
    db,
  );
  await sql`update catalog_entry set portal_version_id = current_version_id`.execute(db);
  await sql`insert into open_dataset (entry_id, version_id, status, opened_at)
    select id, current_version_id, 'open', now() from catalog_entry`.execute(db);
  // The bulk load and this bulk update rewrote each row of the precounted facet combinations
  // (catalog_search_facet) thousands of times in a few transactions, leaving it ~90 times its live
  // size, which every browse then scans (50 ms instead of 2). A catalog that grows entry by entry
  // never gets there (autovacuum reclaims each dead row as it goes): compact, as that steady state.
  await sql`vacuum full analyze`.execute(db);
}

/**
 * A database of `entries` open entries for the open-portal benchmarks, for the time `run` takes:
 * loaded afresh, or BENCH_REUSE's (loaded by an earlier run with BENCH_KEEP=1, which leaves it in
 * place and prints its name); dropped afterwards otherwise.
 */
export async function withOpenCatalog(entries: number, run: (db: Db, name: string) => Promise<void>): Promise<void> {
  const reuse = process.env.BENCH_REUSE;
  const name = reuse ?? `bench_${randomBytes(5).toString('hex')}`;
  if (!reuse) await pgAdmin(`create database ${name}`);
  const database = await openPostgres(databaseUrl(name), 10);
  try {
    await migrateToLatest(database.db);
    if (reuse) console.log(`  reusing ${name} (loaded by an earlier run)`);
    else {
      const t0 = performance.now();
      await loadCatalog(database.db, entries, (done) => process.stdout.write(`\r  loading ${done}/${entries}`));
      await openAll(database.db);
      console.log(`\r  loaded and opened ${entries} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    await run(database.db, name);
  } finally {
    await database.close();
    if (process.env.BENCH_KEEP === '1') console.log(`  kept database ${name}: BENCH_REUSE=${name} times on it again`);
    else if (!reuse) await pgAdmin(`drop database if exists ${name} with (force)`);
  }
}
