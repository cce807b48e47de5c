import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { fileEntry, filesUnder, multipart, pdf, sha256 } from './files-fixtures';

let t: TestApp;
let closed = false;
let dir: string;
let base: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'govshare-files-'));
  t = await testApp({ filesDir: dir, maxFileMb: 1 });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (!closed) await t.close();
  await rm(dir, { recursive: true, force: true });
});

it('refuses uploads over a real socket (413, 415, 403) without stalling the connection, and streams a download back', async () => {
  const { entry, provider } = await fileEntry(t);
  const url = `${base}/api/exchange/entries/${entry.id}/files`;
  const send = (s: { headers: { cookie: string } }, body: ReturnType<typeof multipart>) =>
    fetch(url, { method: 'POST', headers: { ...s.headers, ...body.headers }, body: body.payload });

  const big = multipart(Buffer.concat([pdf(), Buffer.alloc(5 * 1024 * 1024, 0x20)]), 'big.pdf');
  const tooLarge = await send(provider.specialist, big);
  expect(tooLarge.status).toBe(413);
  expect(((await tooLarge.json()) as { error: { code: string } }).error.code).toBe('EXCHANGE_FILE_TOO_LARGE');
  expect(await filesUnder(dir)).toEqual([]);
  // Within the limit, refused by its content from the first bytes (a larger one is refused by its length).
  const html = multipart(Buffer.concat([Buffer.from('<html>'), Buffer.alloc(900 * 1024, 0x20)]), 'page.pdf');
  expect((await send(provider.specialist, html)).status).toBe(415);
  const content = Buffer.concat([pdf(), Buffer.alloc(900 * 1024, 0x41)]);
  // Another department's file: refused before a byte is read — by its declared length, else as not its own.
  const stranger = await fileEntry(t);
  expect((await send(stranger.provider.specialist, big)).status).toBe(413);
  expect((await send(stranger.provider.specialist, multipart(content, 'ok.pdf'))).status).toBe(403);

  const created = await send(provider.specialist, multipart(content, 'ok.pdf'));
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const down = await fetch(`${base}/api/exchange/files/${id}/content`, { headers: provider.specialist.headers });
  expect(down.status).toBe(200);
  expect(sha256(Buffer.from(await down.arrayBuffer()))).toBe(sha256(content));

  // A refused upload whose rest was left unread keeps its connection busy, and closing waits for it.
  const started = Date.now();
  closed = true;
  await t.close();
  expect(Date.now() - started).toBeLessThan(5000);
});
