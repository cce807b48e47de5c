/**
 * The platform's HTTP server in a process of its own, as `npm start` runs it, so the export
 * benchmark measures the server's memory and not its own client's: `node --import tsx
 * bench/export/server.ts DATABASE_URL SECRET_KEY [POOL_SIZE]` (4 unless given). Prints one JSON line with its port once it
 * listens; closes when its stdin ends.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/server/app';
import { openPostgres } from '../../src/server/db/open';
import { loadConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/platform/clock';
import type { AppContext } from '../../src/server/app-context';

const [url, secretKey, pool] = process.argv.slice(2);
if (!url || !secretKey) throw new Error('usage: server.ts DATABASE_URL SECRET_KEY [POOL_SIZE]');

const database = await openPostgres(url, pool ? Number(pool) : 4);
const ctx: AppContext = {
  db: database.db,
  dbKind: 'postgresql',
  // One client address stands for many: the per-address abuse limits (downloads) would refuse it.
  config: {
    ...loadConfig({}),
    databaseUrl: url,
    secretKey,
    demo: false,
    requireMfa: false,
    secureCookies: false,
    rateLimitScale: 0,
  },
  clock: systemClock,
  log: { info: () => {}, warn: console.warn, error: console.error } as never,
};
const app = await buildApp(ctx);
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port }));
process.stdin.resume();
process.stdin.on('end', () => {
  void app
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
