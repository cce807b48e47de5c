import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  item,
  publishedEntry,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import { submitRequest } from '../sharing/factory';
import type { ShareRequest } from '../../src/server/modules/sharing/schemas';
import { shanghaiDate } from '../../src/server/platform/calendar/dates';

/** Resource-file test helpers: multipart bodies, an entry shared by file, a grant to download it. */

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const sm3 = (b: Buffer) => createHash('sm3').update(b).digest('hex');

export const pdf = (body = '') => Buffer.from(`%PDF-1.7\n% ${body}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);

export function multipart(file: Buffer, fileName: string, opts: { note?: string; contentType?: string } = {}) {
  const boundary = `----govshare${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  if (opts.note !== undefined)
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n${opts.note}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${opts.contentType ?? 'application/octet-stream'}\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export function upload(
  t: TestApp,
  s: Session,
  entryId: string,
  file: Buffer,
  fileName: string,
  opts: { note?: string; contentType?: string } = {},
) {
  const body = multipart(file, fileName, opts);
  return t.inject({
    method: 'POST',
    url: `/api/exchange/entries/${entryId}/files`,
    headers: { ...s.headers, ...body.headers },
    payload: body.payload,
  });
}

export const download = (t: TestApp, s: Session, fileId: string) =>
  t.inject({ method: 'GET', url: `/api/exchange/files/${fileId}/content`, headers: s.headers });

/** A published entry shared unconditionally by file, from a department of its own. */
export async function fileEntry(t: TestApp, provider?: CatalogDepartment) {
  return publishedEntry(t, {
    provider,
    shareType: 'unconditional',
    shareMethods: ['file'],
    formatKind: 'electronic_file',
    formatType: 'pdf',
    items: [
      item({ name: '统一社会信用代码', fieldName: 'credit_code', length: 18 }),
      item({ name: '企业名称', fieldName: 'corp_name' }),
    ],
  });
}

/** A consuming department granted the entry by file (an unconditional request is granted at once). */
export async function fileGrant(t: TestApp, entry: Parameters<typeof submitRequest>[2]) {
  const consumer = await catalogDepartment(t);
  const r = expectStatus(
    await submitRequest(t, consumer.user, entry, {
      letterId: null,
      method: 'file',
      periodFrom: shanghaiDate(t.clock.now()),
      periodTo: '2027-12-31',
    }),
    201,
  ).json<ShareRequest>();
  return { consumer, grant: r.grant! };
}

/** Every regular file under dir (empty folders do not count). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
