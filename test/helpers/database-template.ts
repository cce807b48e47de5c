/**
 * vitest globalSetup: migrates one database before any test file runs, and each file's fresh database
 * starts as a copy of it (test/helpers/db.ts) instead of creating and migrating its own. On PGlite a
 * new cluster costs seconds of CPU per file; on PostgreSQL the copy is a `CREATE DATABASE … TEMPLATE`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../src/server/db/migrate';
import { openPglite, openPostgres } from '../../src/server/db/open';
import { onAdmin } from './db';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite runs: the migrated cluster's dump (a tar file). */
    pgliteTemplate?: string;
    /** PostgreSQL runs: the migrated database to copy. */
    postgresTemplate?: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const d = await openPglite('memory://');
    await migrateToLatest(d.db);
    const file = path.join(os.tmpdir(), `govshare-test-template-${process.pid}-${randomBytes(4).toString('hex')}.tar`);
    fs.writeFileSync(file, Buffer.from(await (await d.dump()).arrayBuffer()));
    await d.close();
    project.provide('pgliteTemplate', file);
    return async () => fs.rmSync(file, { force: true });
  }
  const name = `t_template_${randomBytes(6).toString('hex')}`;
  await onAdmin(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const d = await openPostgres(url.toString(), 1);
  await migrateToLatest(d.db);
  await d.close();
  project.provide('postgresTemplate', name);
  return async () => {
    await onAdmin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
  };
}
