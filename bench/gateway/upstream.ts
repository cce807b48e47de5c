/**
 * The benchmark's upstream: a department's API answering GET /persons with the same 20 people every
 * time (about 3 KB of JSON), in a process of its own so that neither proxy shares its event loop.
 * `node --import tsx bench/gateway/upstream.ts` prints one JSON line with its port; ends with stdin.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const body = JSON.stringify({
  total: 20,
  data: Array.from({ length: 20 }, (_, i) => ({
    name: `测试人员${i}`,
    idCard: `3611021990010${String(1000 + i).slice(-4)}1`,
    phone: `1380013${String(8000 + i)}`,
    address: { city: '上饶市', detail: `信州区测试路 ${i} 号` },
    note: '内部备注',
  })),
});
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
