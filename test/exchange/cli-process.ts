import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestApp } from '../helpers/app';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliProcess {
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
  kill(): void;
}

/** A real `govshare …` process on the test app's PostgreSQL database, with its output collected. */
export function govshare(t: TestApp, args: string[]): CliProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/govshare.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: t.databaseUrl!, GOVSHARE_SECRET_KEY: t.ctx.config.secretKey!, DEMO: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return {
    done: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out }))),
    kill: () => child.kill('SIGKILL'),
  };
}
