/**
 * One table job in a process of its own, as `govshare job run` / `job push` or a job runner would
 * run it: `node --import tsx bench/exchange/job.ts pull|push ID DATABASE_URL SECRET_KEY`. Prints one
 * JSON line: the job's time, its summary and the process's peak RSS while it ran (sampled, and the
 * kernel's high-water mark).
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openPostgres } from '../../src/server/db/open';
import { loadConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/platform/clock';
import type { AppContext } from '../../src/server/app-context';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { runPush } from '../../src/server/modules/exchange-delivery/push-service';

const [kind, id, url, secretKey] = process.argv.slice(2);
/** The platform's own batch sizes unless BENCH_BATCH says otherwise. */
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
if (!kind || !id || !url || !secretKey) throw new Error('usage: job.ts pull|push ID DATABASE_URL SECRET_KEY');

/** VmHWM: the most this process ever had resident, as the kernel counts it. */
const highWaterMark = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

const database = await openPostgres(url, 2);
const ctx: AppContext = {
  db: database.db,
  dbKind: 'postgresql',
  config: { ...loadConfig({}), secretKey, databaseUrl: url },
  clock: systemClock,
  log: { info: () => {}, warn: console.warn, error: console.error } as never,
};
try {
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  // When the last batch was committed: what follows (swap, key, reconciliation, quality) is the finish.
  let lastBatch = t0;
  const onProgress = () => (lastBatch = performance.now());
  const summary =
    kind === 'pull'
      ? await runPull(ctx, id, { batchSize: BATCH, onProgress })
      : await runPush(ctx, id, { batchSize: BATCH, onProgress });
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, rowsMs: lastBatch - t0, rssBefore, peakRss: highWaterMark(), summary }));
} finally {
  await database.close();
}
