/**
 * A reference, not a product: the least a Node reverse proxy does — Fastify and undici, the same stack
 * as the gateway, passing GET requests and streaming answers with no check at all. Measured beside
 * nginx and the gateway, it shows how much of the gap to nginx is Node's own and how much the
 * gateway's work. `node --import tsx bench/gateway/plain-proxy.ts UPSTREAM_URL` prints its port.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Agent, request } from 'undici';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: plain-proxy.ts UPSTREAM_URL');
const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
const app = Fastify({ logger: false });
app.get('/*', async (req, reply) => {
  const res = await request(`${upstream}${req.url}`, { dispatcher: agent });
  return reply.code(res.statusCode).header('content-type', String(res.headers['content-type'])).send(res.body);
});
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port }));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
