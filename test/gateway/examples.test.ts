import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { consumerOf, serviceEntry } from './fixtures';
import { startUpstream, type UpstreamDouble } from './upstream-double';

/**
 * R-23 consumers' docs: the signing examples in docs/examples (curl + openssl, Python, Node) run as
 * a consuming system would run them, against a real gateway, and get the masked data back. The app's
 * clock is the real one here: the examples sign with the machine's time.
 */
const run = promisify(execFile);
const EXAMPLES = path.resolve(__dirname, '../../docs/examples');

let t: TestApp;
let up: UpstreamDouble;
let base: string;
beforeAll(async () => {
  t = await testApp({}, new Date());
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  up = await startUpstream();
});
afterAll(async () => {
  await t.close();
  await up.close();
});

it('signs as the docs show, with curl and openssl, Python and Node', async () => {
  const { entry } = await serviceEntry(t, up.url);
  const { system } = await consumerOf(t, entry, ['name']);
  const env = { ...process.env, GW_BASE: base, GW_KEY: system.appKey, GW_SECRET: system.appSecret };
  const gwPath = `/gw/${entry.code}/persons`;
  const expected = { data: [{ name: '张**' }, { name: '李*' }] };
  const outputs = [
    await run('bash', [path.join(EXAMPLES, 'gw-call.sh'), gwPath, 'page=1&size=20'], { env }),
    await run('python3', [path.join(EXAMPLES, 'gw_call.py'), gwPath, 'size=20', 'page=1'], { env }),
    await run(process.execPath, [path.join(EXAMPLES, 'gw-call.mjs'), gwPath, 'q=上饶 市', 'page=1'], { env }),
  ];
  for (const o of outputs) expect(JSON.parse(o.stdout)).toEqual(expected);
});
