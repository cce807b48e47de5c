import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment } from './factory';
import { upload } from './excel-helpers';
import { CATALOG_IMPORT_MAX_BYTES } from '../../src/shared/catalog/excel-limits';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await testApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(() => t.close());

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes of the body the client had written when the answer came. */
  sent: number;
  /** Resolves once the server has closed the connection. */
  closed: Promise<void>;
  /** Hangs up from the client's side. */
  hangUp(): void;
}

/**
 * A client over a real socket that declares a body of `declared` bytes, sends its first bytes and
 * then waits without sending more: an answer can only come from a server that did not wait for the body.
 */
function declareAndStall(cookie: string, declared: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const boundary = '----govshare-limit';
    const start = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="大目录.xlsx"\r\n` +
        `Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\nPK\u0003\u0004`,
    );
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer while the body was still unsent: the server waited for it'));
    }, 5000);
    socket.on('error', reject);
    socket.on('data', (c: Buffer) => {
      received = Buffer.concat([received, c]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...lines] = received.subarray(0, end).toString('utf8').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      const body = received.subarray(end + 4);
      if (body.length < Number(headers['content-length'])) return;
      clearTimeout(timer);
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: body.toString('utf8'),
        sent: start.length,
        closed,
        hangUp: () => socket.destroy(),
      });
    });
    socket.write(
      `POST /api/catalog/excel/import HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${declared}\r\n\r\n`,
    );
    socket.write(start);
    void closed.finally(() => clearTimeout(timer));
  });
}

describe('upload size limit of the catalog import', () => {
  it('refuses a body declared larger than the limit from its Content-Length, before reading it', async () => {
    const dept = await catalogDepartment(t);
    const res = await declareAndStall(dept.specialist.headers.cookie, 50 * 1024 * 1024);
    expect(res.status).toBe(413);
    // The server closes rather than reading the declared 50 MB to keep the connection.
    expect(res.headers.connection).toBe('close');
    await res.closed;
    expect(JSON.parse(res.body).error).toEqual({
      code: 'UPLOAD_TOO_LARGE',
      message: 'The file is larger than the 10 MB limit',
      messageZh: '文件超过 10 MB 上限',
      details: { maxBytes: CATALOG_IMPORT_MAX_BYTES },
    });
    expect(res.sent).toBeLessThan(200);

    // Nothing was started or stored; the refusal is audited with the uploader's name.
    const imports = await t.ctx.db
      .selectFrom('catalog_import')
      .select('id')
      .where('owner_id', '=', dept.specialist.id)
      .execute();
    expect(imports).toEqual([]);
    const dir = path.join(t.ctx.config.filesDir, 'catalog-imports');
    expect(await readdir(dir).catch(() => [])).toEqual([]);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'status_code', 'username'])
      .where('action', '=', 'catalog.excel.import')
      .where('username', '=', dept.specialist.username)
      .execute();
    expect(audit).toEqual([
      { action: 'catalog.excel.import', outcome: 'failed', status_code: 413, username: dept.specialist.username },
    ]);
  });

  it('asks who is calling before it talks about sizes', async () => {
    const res = await declareAndStall('gs_session=nobody', 50 * 1024 * 1024);
    // The guard answers first; it keeps the connection to read the body, so the client hangs up.
    res.hangUp();
    expect(res.status).toBe(401);
  });

  it('refuses a file just over the limit with the same answer once it has read it', async () => {
    const dept = await catalogDepartment(t);
    const zipOf = (bytes: number) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(bytes - 4)]);
    const res = await upload(t, dept.specialist.headers, zipOf(CATALOG_IMPORT_MAX_BYTES + 1));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'UPLOAD_TOO_LARGE', messageZh: '文件超过 10 MB 上限' });
  });
});
