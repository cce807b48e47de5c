/**
 * Service gateway benchmark (issue #14 point 8, R-23). Run: `npx tsx bench/gateway/run.ts` (or `npm
 * run bench`); BENCH_SHORT=1 for a CI-sized run. Needs PostgreSQL (BENCH_DATABASE_URL) and nginx.
 *
 * One upstream on loopback (upstream.ts: 20 people as JSON, its own process), and in front of it in
 * the same run, each in a process of its own, under the same load (autocannon, CONNECTIONS at once):
 *   baseline  nginx from Debian as a plain reverse proxy (one worker, keep-alive to the upstream);
 *   govshare  the platform's /gw with everything on: HMAC-SM3 signature and nonce of every request
 *             (signed by the load generator), the grant check, rate limit and quota, the response
 *             cut to the granted items and masked (姓名, 身份证号), X-Grant-No, and one audit event per
 *             call through the SM3-chained log.
 * For reference, a plain Node proxy (plain-proxy.ts: Fastify + undici, no checks) under the same load:
 * the most a Node process gets here, so the report tells Node's own gap to nginx from the gateway's.
 * Each proxy is loaded ROUNDS times, alternating; the best round of each counts. Prints req/s,
 * p50/p99 and the ratios, and checks that the audit log holds one event per call answered. Goals:
 * throughput ≥ 0.6× nginx, p99 ≤ 2× nginx, audit rows = calls.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { openPostgres } from '../../src/server/db/open';
import { migrateToLatest } from '../../src/server/db/migrate';
import { loadConfig } from '../../src/server/config';
import { systemClock } from '../../src/server/platform/clock';
import type { AppContext } from '../../src/server/app-context';
import { sign } from '../../src/server/platform/crypto/request-signing';
import { databaseUrl, pgAdmin } from '../pg-admin';
import { startListening } from '../child-process';
import { setUpGateway } from './setup';

const SHORT = process.env.BENCH_SHORT === '1';
const DURATION_S = SHORT ? 1 : 10;
const ROUNDS = SHORT ? 1 : 3;
const CONNECTIONS = 32;

/** nginx as a plain reverse proxy to the upstream, on a free port; returns the port and how to stop it. */
async function startNginx(upstreamPort: number): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govshare-nginx-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const proc = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'inherit' });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/persons`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    stop: async () => {
      proc.kill('SIGQUIT');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Round {
  /** Requests written to the gateway, answered or cut off when the round ended: each is one audit event. */
  sent: number;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  other: number;
}

async function load(url: string, signFor: ((path: string) => Record<string, string>) | null): Promise<Round> {
  const pathname = new URL(url).pathname;
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => (signFor ? { ...req, headers: { ...req.headers, ...signFor(pathname) } } : req),
      },
    ],
  });
  return {
    sent: r.requests.sent,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    other: r.non2xx + r.errors + r.timeouts,
  };
}

async function main() {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  console.log(
    `gateway benchmark: ${CONNECTIONS} connections, ${DURATION_S} s × ${ROUNDS} rounds each, database ${name}`,
  );
  await pgAdmin(`create database ${name}`);
  const database = await openPostgres(databaseUrl(name), 4);
  const upstream = await startListening(['--import', 'tsx', 'bench/gateway/upstream.ts']);
  let gateway: Awaited<ReturnType<typeof startListening>> | null = null;
  const plain = await startListening([
    '--import',
    'tsx',
    'bench/gateway/plain-proxy.ts',
    `http://127.0.0.1:${upstream.port}`,
  ]);
  let nginx: Awaited<ReturnType<typeof startNginx>> | null = null;
  try {
    await migrateToLatest(database.db);
    const secretKey = randomBytes(32).toString('hex');
    const ctx: AppContext = {
      db: database.db,
      dbKind: 'postgresql',
      config: {
        ...loadConfig({}),
        databaseUrl: databaseUrl(name),
        secretKey,
        demo: false,
        requireMfa: false,
        secureCookies: false,
      },
      clock: systemClock,
      log: { info: () => {}, warn: console.warn, error: console.error } as never,
    };
    const world = await setUpGateway(ctx, `http://127.0.0.1:${upstream.port}`);
    // BENCH_NODE_OPTIONS: flags for the gateway's process only, e.g. --cpu-prof to see where its time goes.
    const flags = (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
    // The pool `npm start` opens (10): the audit log's batches and the calls' queries share it.
    gateway = await startListening([
      ...flags,
      '--import',
      'tsx',
      'bench/export/server.ts',
      databaseUrl(name),
      secretKey,
      '10',
    ]);
    nginx = await startNginx(upstream.port);

    const gwUrl = `http://127.0.0.1:${gateway.port}/gw/${world.code}/persons`;
    const signFor = (p: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(12).toString('hex');
      const signature = sign(world.appSecret, { method: 'GET', path: p, query: [], timestamp, nonce, body: '' });
      return {
        'x-gw-key': world.appKey,
        'x-gw-timestamp': timestamp,
        'x-gw-nonce': nonce,
        'x-gw-signature': signature,
      };
    };
    // The gateway's answer must be the masked, cut one: a fast wrong answer proves nothing.
    const sample = await fetch(gwUrl, { headers: signFor(new URL(gwUrl).pathname) });
    const text = await sample.text();
    if (
      sample.status !== 200 ||
      text.includes('idCard":"3611021990') ||
      text.includes('phone') ||
      text.includes('note')
    )
      throw new Error(`gateway sample wrong: ${sample.status} ${text.slice(0, 300)}`);

    const best = (rs: Round[]) => rs.reduce((a, b) => (b.rps > a.rps ? b : a));
    const base: Round[] = [];
    const node: Round[] = [];
    const gw: Round[] = [];
    const nginxUrl = `http://127.0.0.1:${nginx.port}/persons`;
    const plainUrl = `http://127.0.0.1:${plain.port}/persons`;
    // Warm-up: JIT, connection pools, caches.
    await load(nginxUrl, null);
    await load(plainUrl, null);
    const warm = await load(gwUrl, signFor);
    for (let i = 0; i < ROUNDS; i++) {
      base.push(await load(nginxUrl, null));
      node.push(await load(plainUrl, null));
      gw.push(await load(gwUrl, signFor));
    }
    await gateway.stop();
    gateway = null;

    // Every call made, warm-up and sample included, is one audit event (written by the time the server has stopped).
    const answered = 1 + [warm, ...gw].reduce((n, r) => n + r.sent, 0);
    const audited = await database.db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', 'gateway.call')
      .executeTakeFirstOrThrow();

    const row = (label: string, rs: Round[]) => {
      const b = best(rs);
      const all = rs.map((r) => Math.round(r.rps)).join(', ');
      console.log(
        `  ${label.padEnd(40)}${Math.round(b.rps).toLocaleString().padStart(8)} req/s  p50 ${String(b.p50).padStart(3)} ms  p99 ${String(b.p99).padStart(3)} ms   (rounds: ${all} req/s; non-2xx ${rs.reduce((n, r) => n + r.other, 0)})`,
      );
    };
    row('baseline nginx reverse proxy', base);
    row('reference: plain Node proxy, no checks', node);
    row('govshare /gw (sign+grant+limit+mask+audit)', gw);
    const b = best(base);
    const g = best(gw);
    console.log(
      `  plain Node proxy / nginx ${(best(node).rps / b.rps).toFixed(2)}; gateway / plain Node proxy ${(g.rps / best(node).rps).toFixed(2)}`,
    );
    const ratio = g.rps / b.rps;
    const p99 = g.p99 / Math.max(1, b.p99);
    console.log(
      `  throughput ratio ${ratio.toFixed(2)} (goal ≥ 0.6: ${ratio >= 0.6 ? 'met' : 'MISSED'}); p99 ratio ${p99.toFixed(2)} (goal ≤ 2: ${p99 <= 2 ? 'met' : 'MISSED'})${SHORT ? ' (short run: indicative only)' : ''}`,
    );
    const rows = Number(audited.n);
    console.log(
      `  audit events for gateway calls: ${rows}; calls made: ${answered} — ${rows === answered ? 'equal' : 'NOT EQUAL'}`,
    );
    if (rows !== answered) throw new Error('audit rows differ from calls');
    if (gw.some((r) => r.other > 0)) throw new Error('the gateway answered some calls with an error');
  } finally {
    await gateway?.stop();
    await nginx?.stop();
    await plain.stop();
    await upstream.stop();
    await database.close();
    await pgAdmin(`drop database if exists ${name} with (force)`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
