import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './types';

// DATE columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
pg.types.setTypeParser(1082, (v) => v);
// Likewise TIMESTAMP without time zone (only managed tables in the data resource center use it, for a
// source's local wall-clock times): kept as the text the source had, never shifted.
pg.types.setTypeParser(1114, (v) => v);

export type DbKind = 'pglite' | 'postgresql';

export interface Database {
  db: Kysely<DB>;
  kind: DbKind;
  close(): Promise<void>;
}

/**
 * The node-postgres pool behind each database this module opened. Kysely keeps its pool to itself,
 * but a COPY stream (pg-copy-streams) needs a pool client of its own: it borrows one here, so that
 * it counts against the pool's size and goes back (or is discarded) like any other connection.
 */
const pools = new WeakMap<Kysely<DB>, pg.Pool>();

/** The pool of a database opened on PostgreSQL (not PGlite, whose adapter speaks no COPY protocol). */
export const postgresPoolOf = (db: Kysely<DB>): pg.Pool | undefined => pools.get(db);

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server closes (restart, admin termination) is dropped by the pool and
  // replaced on next use; without a listener node-postgres would rethrow it and end the process.
  pool.on('error', (err) => process.stderr.write(`database: idle connection lost: ${err.message}\n`));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return { db, kind: 'postgresql', close: () => db.destroy() };
}

export interface PgliteDatabase extends Database {
  /** The whole cluster as an uncompressed tar, to open again with `openPglite(…, from)`. */
  dump(): Promise<Blob>;
}

/**
 * Opens the embedded database. dataDir 'memory://' gives a throw-away database (tests); `from`, a
 * dump to start from instead of a new cluster (tests open each file's database from one migrated dump:
 * creating a cluster costs PGlite seconds). PGlite has no lock of its own, so a lock file keeps a
 * second process from corrupting the folder.
 */
export async function openPglite(dataDir: string, from?: Blob): Promise<PgliteDatabase> {
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : lockDataDir(dataDir);
  try {
    // Loaded only here: PGlite costs a process ~40 MB, which PostgreSQL deployments and jobs need not carry.
    const [{ PGlite }, { pgcrypto }, { pg_trgm }, { createPgConfig }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pgcrypto'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('@electric-sql/pglite/node-postgres'),
    ]);
    // Extensions must be passed on every PGlite open, not only the first.
    const pglite = await PGlite.create(inMemory ? dataDir : path.join(dataDir, 'pgdata'), {
      extensions: { pgcrypto, pg_trgm },
      loadDataDir: from,
      // PGlite serves one process and one connection, and its WebAssembly memory never shrinks: a
      // 16 MB buffer cache (PostgreSQL's default is 128 MB) keeps the embedded server within its
      // memory goal (bench/memory); production runs on PostgreSQL.
      startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
    });
    failInsteadOfSpinning(pglite);
    const pool = new pg.Pool(createPgConfig(pglite));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'pglite',
      dump: () => pglite.dumpDataDir('none'),
      close: async () => {
        await db.destroy();
        await pglite.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/** The parts of PGlite's Emscripten module that failInsteadOfSpinning wraps. */
interface PgliteModule {
  _PostgresMainLoopOnce(): void;
  stackRestore(sp: number): void;
}

/** PGlite's own marker for a longjmp out of a backend step (pglitec.c POSTGRES_MAIN_LONGJMP). */
const POSTGRES_MAIN_LONGJMP = 100;

/**
 * PGlite 0.5's protocol loop swallows every exception of a backend step but its longjmp
 * (electric-sql/pglite#1058, fixed upstream by #1097, not released): when the backend exits (a FATAL)
 * or traps, the loop spins synchronously forever and the whole process hangs at full CPU, with no
 * timer able to interrupt it. The first such exception is kept and thrown again from the stack
 * restore the loop's catch calls first, so the query fails with its cause instead; the backend is
 * gone, so every later query fails the same way.
 */
export function failInsteadOfSpinning(pglite: object): void {
  const mod = (pglite as { mod?: PgliteModule }).mod;
  if (!mod) return;
  const step = mod._PostgresMainLoopOnce.bind(mod);
  const restore = mod.stackRestore.bind(mod);
  let failure: unknown;
  mod._PostgresMainLoopOnce = () => {
    try {
      step();
    } catch (e) {
      if ((e as { status?: unknown } | null)?.status !== POSTGRES_MAIN_LONGJMP) failure ??= e;
      throw e;
    }
  };
  mod.stackRestore = (sp) => {
    restore(sp);
    if (failure !== undefined) {
      // Emscripten's ExitStatus is no Error but has a message.
      const what = (failure as { message?: unknown } | null)?.message ?? String(failure);
      throw new Error(`The embedded database stopped: ${String(what)}`, { cause: failure });
    }
  };
}

export class DataDirLockedError extends Error {}

function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'govshare.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        fs.rmSync(lockPath, { force: true });
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lockPath, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(
          `The data folder ${dataDir} is in use by another govshare process (pid ${holder}). ` +
            `Stop it first, or set DATA_DIR to another folder. / 数据目录正被另一个 govshare 进程（pid ${holder}）使用。`,
        );
      }
      // A stale lock from a process that died: take it over.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}
