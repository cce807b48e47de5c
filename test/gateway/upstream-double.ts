import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A department's own API, started on loopback for the gateway's tests: REST/JSON persons, a SOAP
 * endpoint, and the awkward cases (slow, huge, failing, echoing what reached it). It wants the header
 * X-Upstream-Key: upstream-secret, as a real upstream wants its credential.
 */
export const UPSTREAM_KEY = 'upstream-secret';

export const PERSONS = [
  {
    name: '张三丰',
    idCard: '360000199001011234',
    phone: '13800138000',
    address: { city: '上饶市', detail: '信州区某路 1 号' },
    tags: ['a', 'b'],
    internalNote: '内部备注',
  },
  {
    name: '李四',
    idCard: '360000198502022345',
    phone: '13900139000',
    address: { city: '上饶市', detail: '广丰区某街 2 号' },
    tags: [],
    internalNote: '另一条备注',
  },
];

const SOAP = `<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="urn:sr:persons">
  <soap:Body>
    <ns:QueryResponse>
      <ns:person id="p1"><ns:name>张三丰</ns:name><ns:idCard>360000199001011234</ns:idCard><ns:note>内部</ns:note></ns:person>
      <ns:person id="p2"><ns:name>李四</ns:name><ns:idCard>360000198502022345</ns:idCard><ns:note>内部</ns:note></ns:person>
    </ns:QueryResponse>
  </soap:Body>
</soap:Envelope>`;

export interface UpstreamDouble {
  url: string;
  /** What the last request to /echo carried. */
  lastHeaders: () => http.IncomingHttpHeaders;
  /** The path (as received, still encoded) of the last request. */
  lastPath: () => string;
  calls: () => number;
  close: () => Promise<void>;
}

export async function startUpstream(): Promise<UpstreamDouble> {
  let last: http.IncomingHttpHeaders = {};
  let lastPath = '';
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls++;
    lastPath = (req.url ?? '/').split('?')[0]!;
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    // Its description is public, as most are; its data is not.
    if (url.pathname === '/openapi.json') return json(200, OPENAPI);
    if (req.headers['x-upstream-key'] !== UPSTREAM_KEY) return json(401, { message: 'upstream wants its key' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (url.pathname === '/persons')
        return json(200, { total: PERSONS.length, data: PERSONS, page: url.searchParams.get('page') });
      const one = /^\/persons\/(\d+)$/.exec(url.pathname);
      if (one) {
        const p = PERSONS[Number(one[1])];
        return p ? json(200, p) : json(404, { message: 'no such person' });
      }
      if (url.pathname === '/echo') {
        last = req.headers;
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end(body);
      }
      if (url.pathname === '/slow') return void setTimeout(() => json(200, { data: [] }), 3_000);
      if (url.pathname === '/huge')
        return json(200, {
          data: Array.from({ length: 5_000 }, (_, i) => ({ name: `名字${i}`, filler: 'x'.repeat(200) })),
        });
      if (url.pathname === '/broken') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"data": [');
      }
      if (url.pathname === '/soap') {
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
        return res.end(SOAP);
      }
      json(404, { message: 'not here' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    lastHeaders: () => last,
    lastPath: () => lastPath,
    calls: () => calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const OPENAPI = {
  openapi: '3.0.3',
  info: { title: '人员信息查询', version: '1.0' },
  paths: {
    '/persons': {
      get: {
        operationId: 'listPersons',
        summary: '人员列表',
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    total: { type: 'integer' },
                    data: { type: 'array', items: { $ref: '#/components/schemas/Person' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/persons/{id}': {
      get: {
        operationId: 'getPerson',
        summary: '单个人员',
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Person' } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Person: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          idCard: { type: 'string' },
          phone: { type: 'string' },
          address: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    },
  },
};
