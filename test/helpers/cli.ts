import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { freshDatabase } from './db';

const run = promisify(execFile);
/** The installed command, as an operator runs it. */
export const GOVSHARE_BIN = path.resolve('bin/govshare.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for messages that may go to either. */
  out: string;
}

/** Runs `govshare ARGS` in its own process; a non-zero exit is a result, not an error. */
export async function runGovshare(args: string[], env: NodeJS.ProcessEnv, timeout = 60_000): Promise<CliResult> {
  try {
    const r = await run(process.execPath, [GOVSHARE_BIN, ...args], { env, timeout });
    return { code: 0, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr, out: x.stdout + x.stderr };
  }
}

/**
 * The environment of a test file's CLI runs: a temp PGlite folder, or (with TEST_DATABASE_URL) a
 * fresh PostgreSQL database, made before the file's tests and removed after them. Call at the top of
 * the file; `env()` is valid inside tests.
 */
export function cliEnvironment(prefix: string, extra: NodeJS.ProcessEnv = {}): { env: () => NodeJS.ProcessEnv } {
  let env: NodeJS.ProcessEnv | undefined;
  let cleanup = async () => {};
  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `govshare-${prefix}-`));
    env = { ...process.env, DATA_DIR: dataDir, DEMO: '0', DATABASE_URL: '', ...extra };
    cleanup = async () => fs.rmSync(dataDir, { recursive: true, force: true });
    if (process.env.TEST_DATABASE_URL) {
      const db = await freshDatabase();
      env.DATABASE_URL = db.url;
      const close = db.close;
      // The CLI opens the database itself; the pool here is not needed, the database is (close drops it).
      await db.db.destroy();
      cleanup = async () => {
        fs.rmSync(dataDir, { recursive: true, force: true });
        await close().catch(() => undefined);
      };
    }
  });
  afterAll(() => cleanup());
  return {
    env: () => {
      if (!env) throw new Error('cliEnvironment: env() is only valid inside tests');
      return env;
    },
  };
}
