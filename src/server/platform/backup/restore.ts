import { createHash } from 'node:crypto';
import { Migrator, type Kysely } from 'kysely';
import type { AppContext } from '../../app-context';
import { migrations } from '../../db/migrate';
import { commit, rollback, rowsQuery, settleTextForms, listTables } from './backup-repo';
import { writeBlob } from './blobs';
import { readBody, verifyBody } from './body-reader';
import { openBackupFile } from './envelope';
import { backupErrors } from './errors';
import { hasRows, qualified, type Manifest, type TableEntry } from './manifest';
import {
  addForeignKey,
  begin,
  createSchema,
  createTable,
  dropForeignKey,
  dropSchemas,
  existingTables,
  foreignKeys,
  holdsData,
  insertRows,
  setSequence,
  setUserTriggers,
  tableCount,
  truncateAll,
  type ForeignKey,
} from './restore-repo';
import { cursorSession, type Session } from './session-repo';

export interface RestoreOptions {
  key?: Buffer;
  /** Empty a database that holds data first, instead of refusing it. */
  force?: boolean;
  progress?: (line: string) => void;
}

export interface RestoreSummary {
  manifest: Manifest;
  rows: number;
}

const BATCH_ROWS = 2000;
const BATCH_BYTES = 4 << 20;
const PROGRESS_EVERY = 100_000;

/** Checks a backup file through and through (its MAC, then every table and file) without writing anything. */
export async function verifyBackupFile(file: string, key: Buffer | undefined): Promise<Manifest> {
  const opened = await openBackupFile(file, key);
  await opened.authenticate();
  return verifyBody(opened, (m) => {
    if (!Object.hasOwn(migrations, m.migration)) throw backupErrors.tooNew(m.migration);
  });
}

/**
 * Restores a backup into the database and FILES_DIR of ctx (R-45). The file is checked whole first; then,
 * in one transaction, the database is emptied (when allowed), migrated to the backup's migration, loaded
 * with the tables' own triggers and foreign keys set aside, given its sequences, and compared with the
 * manifest row for row before it commits: either all of it is restored, or nothing.
 */
export async function restoreBackup(
  ctx: Pick<AppContext, 'db' | 'config'>,
  file: string,
  opts: RestoreOptions = {},
): Promise<RestoreSummary> {
  const progress = opts.progress ?? (() => undefined);
  const checked = await verifyBackupFile(file, opts.key);
  progress(`restore: ${file} checked (${checked.tables.length} tables, ${checked.files.length} files)`);
  return ctx.db.connection().execute(async (conn) => {
    const s = cursorSession(conn);
    await begin(s);
    try {
      const summary = await restoreInTransaction(conn, s, ctx.config.filesDir, file, checked, opts, progress);
      await commit(s);
      return summary;
    } catch (e) {
      await rollback(s).catch(() => undefined);
      throw e;
    }
  });
}

async function restoreInTransaction(
  conn: Kysely<any>,
  s: Session,
  filesDir: string,
  file: string,
  checked: Manifest,
  opts: RestoreOptions,
  progress: (line: string) => void,
): Promise<RestoreSummary> {
  if ((await tableCount(s)) > 0) {
    if (!opts.force && (await holdsData(s))) throw backupErrors.notEmpty();
    await dropSchemas(s);
  }
  await settleTextForms(s);
  let rows = 0;
  let tables: TableEntry[] = [];
  let foreign: ForeignKey[] = [];
  const opened = await openBackupFile(file, opts.key);
  const manifest = await readBody(opened, {
    async manifest(m) {
      // The file checked is the file restored: a file replaced in between is refused here.
      if (JSON.stringify(m) !== JSON.stringify(checked)) throw backupErrors.altered('manifest');
      tables = m.tables;
      await migrateTo(conn, m.migration);
      await createMissing(s, m.tables);
      foreign = await setAside(s);
      progress(`restore: migrated to ${m.migration}`);
    },
    async table(t, lines) {
      let batch: string[] = [];
      let bytes = 0;
      let n = 0;
      const flush = async () => {
        if (batch.length) await insertRows(s, t, batch);
        batch = [];
        bytes = 0;
      };
      for await (const l of lines) {
        batch.push(l);
        bytes += l.length;
        n++;
        if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
        if (n % PROGRESS_EVERY === 0) progress(`restore: ${qualified(t)} ${n} rows …`);
      }
      await flush();
      rows += n;
      progress(`restore: ${qualified(t)} ${n} rows`);
    },
    async file(f, bytes) {
      if ((await writeBlob(filesDir, f.key, bytes)) !== f.sm3) throw backupErrors.altered(`file ${f.key}`);
    },
  });
  for (const q of manifest.sequences) await setSequence(s, q);
  await putBack(s, foreign);
  progress('restore: verifying');
  const differ: string[] = [];
  for (const t of tables.filter(hasRows)) {
    const h = createHash('sm3');
    let n = 0;
    for await (const r of s.lines(rowsQuery(t))) {
      h.update(`${r}\n`);
      n++;
    }
    if (n !== t.rows || h.digest('hex') !== t.sm3) differ.push(qualified(t));
  }
  if (differ.length) throw backupErrors.verifyFailed(differ);
  return { manifest, rows };
}

/** Runs the migrations up to the backup's on this connection, inside the restore's transaction. */
async function migrateTo(conn: Kysely<any>, migration: string): Promise<void> {
  const migrator = new Migrator({
    db: conn,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
    disableTransactions: true,
  });
  const { error } = await migrator.migrateTo(migration);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** Tables the backup has and the migrations did not make: parents before their partitions. */
async function createMissing(s: Session, tables: TableEntry[]): Promise<void> {
  const have = await existingTables(s);
  const missing = tables.filter((t) => !have.has(qualified(t)));
  for (const schema of new Set(missing.map((t) => t.schema))) await createSchema(s, schema);
  while (missing.length) {
    const ready = missing.findIndex((t) => !t.partitionOf || have.has(t.partitionOf));
    if (ready < 0) throw new Error(`Cannot create ${missing.map(qualified).join(', ')}: their parents are missing`);
    const [t] = missing.splice(ready, 1) as [TableEntry];
    await createTable(s, t);
    have.add(qualified(t));
  }
}

/**
 * Foreign keys and the tables' own triggers step aside while rows arrive in key order rather than in
 * dependency order, and while the audit log's append-only guard would refuse the emptying; inside the
 * transaction, so that they are back whatever happens.
 */
async function setAside(s: Session): Promise<ForeignKey[]> {
  const all = await listTables(s);
  const foreign = await foreignKeys(s);
  for (const fk of foreign) await dropForeignKey(s, fk);
  for (const t of all) await setUserTriggers(s, t, false);
  await truncateAll(s, all);
  return foreign;
}

async function putBack(s: Session, foreign: ForeignKey[]): Promise<void> {
  for (const fk of foreign) await addForeignKey(s, fk);
  for (const t of await listTables(s)) await setUserTriggers(s, t, true);
}
