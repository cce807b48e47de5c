import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a city's SMS gateway adapter, speaking the contract of
 * src/server/platform/notify/sender.ts (`POST /send {to, text}`) over real HTTP. It keeps what it
 * was asked to send; while `down` is set it answers 503.
 */
export async function startSmsGatewayDouble() {
  const state = {
    down: false,
    sent: [] as Array<{ to: string; text: string; authorization: string | undefined }>,
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      if (state.down || req.method !== 'POST' || req.url !== '/send') {
        res.writeHead(state.down ? 503 : 404).end();
        return;
      }
      const body = JSON.parse(raw) as { to: string; text: string };
      state.sent.push({ to: body.to, text: body.text, authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** The six-digit code in the last text message to this number. */
    codeFor(to: string): string {
      const text = state.sent.filter((m) => m.to === to).at(-1)?.text ?? '';
      const code = /\d{6}/.exec(text)?.[0];
      if (!code) throw new Error(`no code sent to ${to}`);
      return code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
