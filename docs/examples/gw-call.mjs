// A signed call through the govshare service gateway with Node.js 18+ only (node:crypto has SM3).
//   GW_BASE=https://share.example.gov.cn GW_KEY=gw… GW_SECRET=… node gw-call.mjs /gw/361100/000123/persons page=1
import { createHash, createHmac, randomBytes } from 'node:crypto';

const rfc3986 = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export async function call(method, path, query = {}, body = '') {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const canonical = Object.entries(query)
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const toSign = [method, path, canonical, timestamp, nonce, createHash('sm3').update(body).digest('hex')].join('\n');
  const signature = createHmac('sm3', process.env.GW_SECRET).update(toSign).digest('hex');
  const res = await fetch(`${process.env.GW_BASE}${path}${canonical ? `?${canonical}` : ''}`, {
    method,
    body: body || undefined,
    headers: {
      'X-Gw-Key': process.env.GW_KEY,
      'X-Gw-Timestamp': timestamp,
      'X-Gw-Nonce': nonce,
      'X-Gw-Signature': signature,
    },
  });
  if (!res.ok)
    throw new Error(`${res.status} ${res.headers.get('x-gateway-error') ?? 'upstream'}: ${await res.text()}`);
  return res.text();
}

const [path, ...pairs] = process.argv.slice(2);
process.stdout.write(await call('GET', path, Object.fromEntries(pairs.map((p) => p.split('=', 2)))));
