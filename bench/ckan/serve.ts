/**
 * The app on a benchmark database, alone in its process (bench/ckan/run.ts starts it so that the
 * server's memory is measured apart from the client's). Prints `{"port": N}` once listening; asked
 * over IPC, collects its garbage (started with --expose-gc) and answers with the heap still in use.
 */
import type { AddressInfo } from 'node:net';
import { openPostgres } from '../../src/server/db/open';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/platform/clock';

const database = await openPostgres(process.env.BENCH_SERVE_URL!, 10);
const app = await buildApp({
  db: database.db,
  dbKind: 'postgresql',
  // One harvester address stands for many: the per-address abuse limits would refuse it.
  config: {
    ...loadConfig({}),
    demo: false,
    requireMfa: false,
    secureCookies: false,
    searchCacheSize: 0,
    rateLimitScale: 0,
  },
  clock: systemClock,
  log: console,
});
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port }));
process.on('message', () => {
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ heapUsed: process.memoryUsage().heapUsed });
});
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
