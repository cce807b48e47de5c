import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a city's real-name verification service, speaking the contract of
 * src/server/modules/open/accounts-realname.ts over real HTTP. Names and numbers in `refuse` do not
 * match; while `down` is set it answers 503.
 */
export async function startRealNameDouble() {
  const state = { down: false, refuse: new Set<string>(), calls: [] as Array<{ path: string; body: unknown }> };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { name?: string; idNumber?: string; creditCode?: string };
      state.calls.push({ path: req.url ?? '', body });
      const known = req.url === '/verify/person' || req.url === '/verify/organisation';
      if (state.down || req.method !== 'POST' || !known) {
        res.writeHead(state.down ? 503 : 404).end();
        return;
      }
      const key = `${body.name}|${body.idNumber ?? body.creditCode}`;
      const answer = state.refuse.has(key) ? { match: false, reason: '姓名与证件号码不一致' } : { match: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
