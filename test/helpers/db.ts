import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../src/server/db/open';
import { migrateToLatest } from '../../src/server/db/migrate';

let pgliteTemplate: Blob | undefined;

/** Runs statements on the PostgreSQL server's maintenance database (create, copy, drop test databases). */
export async function onAdmin(adminUrl: string, fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database
 * `t_<random>` on the PostgreSQL named by TEST_DATABASE_URL (dropped again on close). Both start as a
 * copy of the database the global setup migrated (test/helpers/database-template.ts); migrating again
 * finds nothing to do, and migrates a database made without that setup.
 */
export async function freshDatabase(): Promise<Database & { url?: string }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dump = inject('pgliteTemplate');
    if (dump) pgliteTemplate ??= new Blob([fs.readFileSync(dump)]);
    const d = await openPglite('memory://', pgliteTemplate);
    await migrateToLatest(d.db);
    return d;
  }
  const name = `t_${randomBytes(6).toString('hex')}`;
  const template = inject('postgresTemplate');
  await onAdmin(adminUrl, (c) => c.query(`create database ${name}${template ? ` template ${template}` : ''}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const d = await openPostgres(url.toString(), 5);
  await migrateToLatest(d.db);
  return {
    ...d,
    url: url.toString(),
    close: async () => {
      await d.close();
      await onAdmin(adminUrl, async (a) => {
        // pool.end() resolves before its sockets have closed: wait for them, so that "force" below
        // does not kill a connection still saying goodbye (its client would report 57P01 uncaught).
        for (let i = 0; i < 50; i++) {
          const r = await a.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [
            name,
          ]);
          if (r.rows[0]!.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await a.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}
