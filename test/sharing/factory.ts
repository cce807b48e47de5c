import type { TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  item,
  publishedEntry,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import type { ShareRequest } from '../../src/server/modules/sharing/schemas';
import { USE_TERMS } from '../../src/server/modules/sharing/use-limits';

/** Sharing test factory: letters, entries to request, and requests taken through the real HTTP API. */

/** The smallest files of each accepted kind, by content. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

export function multipartBody(file: Buffer, fileName: string, contentType: string) {
  const boundary = `----govshare${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function uploadLetter(
  t: TestApp,
  s: Session,
  file: Buffer = PDF,
  fileName = '申请函.pdf',
  contentType = 'application/pdf',
) {
  const body = multipartBody(file, fileName, contentType);
  return t.inject({
    method: 'POST',
    url: '/api/sharing/letters',
    headers: { ...s.headers, ...body.headers },
    payload: body.payload,
  });
}

/** A published entry with three items; `shareType` as asked (conditional entries get a basis from the catalog factory). */
export async function sharedEntry(
  t: TestApp,
  shareType: 'unconditional' | 'conditional' | 'none' = 'unconditional',
  provider?: CatalogDepartment,
) {
  return publishedEntry(t, {
    provider,
    shareType,
    shareMethods: ['table', 'api'],
    items: [
      item({ name: '统一社会信用代码', fieldName: 'credit_code', length: 18 }),
      item({ name: '企业名称', fieldName: 'corp_name' }),
      item({ name: '法定代表人', fieldName: 'legal_rep', sensitivity: 'personal', maskRule: '保留姓氏' }),
    ],
  });
}

export interface RequestOptions {
  itemIds?: string[];
  method?: string;
  periodFrom?: string;
  periodTo?: string;
  letterId?: string | null;
  purpose?: string;
}

export async function requestBody(
  t: TestApp,
  consumer: Session,
  entry: { id: string; current: { items: Array<{ id: string }> } | null },
  o: RequestOptions = {},
) {
  const letterId =
    o.letterId === null
      ? undefined
      : (o.letterId ?? expectStatus(await uploadLetter(t, consumer), 201).json<{ id: string }>().id);
  return {
    entryId: entry.id,
    purpose: o.purpose ?? '企业开办“一件事”联办中核验企业登记信息',
    systemName: '上饶市企业开办一网通办系统',
    itemIds: o.itemIds ?? entry.current!.items.map((i) => i.id),
    method: o.method ?? 'table',
    // An option given as undefined leaves the field out.
    periodFrom: 'periodFrom' in o ? o.periodFrom : '2026-12-01',
    periodTo: 'periodTo' in o ? o.periodTo : '2027-11-30',
    ...(letterId ? { letterId } : {}),
    acceptTerms: true,
    termsVersion: USE_TERMS.version,
  };
}

export async function submitRequest(
  t: TestApp,
  consumer: Session,
  entry: Parameters<typeof requestBody>[2],
  o: RequestOptions = {},
) {
  return t.inject({
    method: 'POST',
    url: '/api/sharing/requests',
    headers: consumer.headers,
    payload: await requestBody(t, consumer, entry, o),
  });
}

/** A conditional entry, a consumer department, and its request waiting for the platform's pre-review. */
export async function conditionalRequest(t: TestApp, o: RequestOptions = {}) {
  const { entry, provider } = await sharedEntry(t, 'conditional');
  const consumer = await catalogDepartment(t);
  const request = expectStatus(await submitRequest(t, consumer.user, entry, o), 201).json<ShareRequest>();
  return { entry, provider, consumer, request };
}

export const post = (t: TestApp, url: string, s: Session, payload?: Record<string, unknown>) =>
  t.inject({ method: 'POST', url, headers: s.headers, ...(payload === undefined ? {} : { payload }) });
export const get = (t: TestApp, url: string, s: Session) => t.inject({ method: 'GET', url, headers: s.headers });
