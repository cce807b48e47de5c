import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, draftEntry, expectStatus, platformAdmin } from '../catalog/factory';
import { post } from '../sharing/factory';
import { GRANT_HEADER } from '../../src/server/modules/sharing/use-limits';
import type { ResourceFile } from '../../src/server/modules/exchange-delivery/files-schemas';
import { download, fileEntry, fileGrant, filesUnder, pdf, sha256, sm3, upload } from './files-fixtures';

let t: TestApp;
let filesDir: string;
beforeAll(async () => {
  filesDir = await mkdtemp(path.join(tmpdir(), 'govshare-files-'));
  t = await testApp({ filesDir });
});
afterAll(async () => {
  await t.close();
  await rm(filesDir, { recursive: true, force: true });
});

const uploaded = (res: Awaited<ReturnType<typeof upload>>) => expectStatus(res, 201).json<ResourceFile>();

describe('resource files (R-22)', () => {
  it('stores each upload as the next version with its SHA-256 and SM3, listed newest first', async () => {
    const { entry, provider } = await fileEntry(t);
    const first = pdf('第一版');
    const second = pdf('第二版 with more text');
    const v1 = uploaded(
      await upload(t, provider.specialist, entry.id, first, '企业名录.pdf', { note: '2026 年 11 月数据' }),
    );
    const v2 = uploaded(await upload(t, provider.specialist, entry.id, second, '企业名录.pdf'));
    expect(v1).toMatchObject({
      versionNo: 1,
      fileName: '企业名录.pdf',
      mime: 'application/pdf',
      size: first.length,
      sha256: sha256(first),
      sm3: sm3(first),
      note: '2026 年 11 月数据',
      withdrawnAt: null,
    });
    expect(v2).toMatchObject({ versionNo: 2, sha256: sha256(second), note: null });
    // Content-addressed: the blob's path is its hash.
    expect(await filesUnder(filesDir)).toContain(
      path.join(filesDir, sha256(first).slice(0, 2), sha256(first).slice(2, 4), sha256(first)),
    );

    const consumer = await catalogDepartment(t);
    const list = expectStatus(
      await t.inject({ method: 'GET', url: `/api/exchange/entries/${entry.id}/files`, headers: consumer.user.headers }),
      200,
    ).json<{ items: ResourceFile[] }>();
    expect(list.items.map((f) => f.versionNo)).toEqual([2, 1]);

    const own = expectStatus(await download(t, provider.leader, v1.id), 200);
    expect(own.rawPayload.equals(first)).toBe(true);
    expect(own.headers['x-content-sha256']).toBe(sha256(first));
    expect(own.headers[GRANT_HEADER]).toBeUndefined();
  });

  it('reads the type from the content: executables and HTML named .pdf are refused, and nothing is kept', async () => {
    const { entry, provider } = await fileEntry(t);
    const before = (await filesUnder(filesDir)).length;
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0]), Buffer.alloc(200, 0)]);
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    for (const [content, name] of [
      [exe, '报告.pdf'],
      [html, '报告.pdf'],
      [html, 'page.txt'],
    ] as const) {
      const res = await upload(t, provider.specialist, entry.id, content, name, { contentType: 'application/pdf' });
      expect(res.statusCode, name).toBe(415);
      expect(res.json().error).toMatchObject({
        code: 'EXCHANGE_FILE_TYPE',
        messageZh: expect.stringContaining('只允许上传'),
      });
    }
    // A text head with a binary tail, and GBK text, are not UTF-8 text files.
    const tail = Buffer.concat([Buffer.from('a,b\n'.repeat(2000)), Buffer.from([0, 1, 2, 0xff])]);
    expect((await upload(t, provider.specialist, entry.id, tail, 'data.csv')).statusCode).toBe(415);
    const gbk = Buffer.from([0xc6, 0xf3, 0xd2, 0xb5, 0x2c, 0x31, 0x0a]); // 企业,1 in GBK
    expect((await upload(t, provider.specialist, entry.id, gbk, 'data.csv')).json().error.code).toBe(
      'EXCHANGE_FILE_ENCODING',
    );
    expect((await filesUnder(filesDir)).length).toBe(before);

    const csv = uploaded(
      await upload(
        t,
        provider.specialist,
        entry.id,
        Buffer.from('\uFEFF统一社会信用代码,企业名称\n91361100MA35XXXX0X,上饶某公司\n'),
        '名录.csv',
      ),
    );
    expect(csv.mime).toBe('text/csv');
    const json = uploaded(await upload(t, provider.specialist, entry.id, Buffer.from('{"企业":1}'), 'data.json'));
    expect(json.mime).toBe('application/json');
    const xlsx = uploaded(
      await upload(
        t,
        provider.specialist,
        entry.id,
        Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60, 7)]),
        '名录.xlsx',
      ),
    );
    expect(xlsx.mime).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });

  it('lets only the providing department specialist upload, to a published entry', async () => {
    const { entry } = await fileEntry(t);
    const other = await catalogDepartment(t);
    const res = await upload(t, other.specialist, entry.id, pdf(), 'x.pdf');
    expect(res.statusCode).toBe(403);
    expect((await upload(t, other.user, entry.id, pdf(), 'x.pdf')).statusCode).toBe(403);
    expect(
      (
        await t.inject({ method: 'GET', url: `/api/exchange/entries/${entry.id}/files`, headers: other.user.headers })
      ).json().items,
    ).toEqual([]);
    const draft = await draftEntry(t, { shareMethods: ['file'] });
    expect((await upload(t, draft.provider.specialist, draft.entry.id, pdf(), 'x.pdf')).json().error.code).toBe(
      'EXCHANGE_FILE_ENTRY_NOT_PUBLISHED',
    );
    expect((await upload(t, other.specialist, draft.entry.id, pdf(), 'x.pdf')).statusCode).toBe(404);
  });

  it('delivers to another department only under an active file grant, stamped and audited', async () => {
    const { entry, provider } = await fileEntry(t);
    const content = pdf('授权下载');
    const f = uploaded(await upload(t, provider.specialist, entry.id, content, '企业 名录(2026).pdf'));

    const stranger = await catalogDepartment(t);
    const refused = await download(t, stranger.user, f.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('SHARING_GRANT_NO_GRANT');

    const { consumer, grant } = await fileGrant(t, entry);
    const ok = expectStatus(await download(t, consumer.user, f.id), 200);
    expect(ok.rawPayload.equals(content)).toBe(true);
    expect(ok.headers[GRANT_HEADER]).toBe(grant.no);
    expect(decodeURIComponent(String(ok.headers['x-govshare-notice']))).toContain(grant.no);
    expect(ok.headers['x-content-sha256']).toBe(sha256(content));
    expect(ok.headers['content-type']).toBe('application/pdf');
    expect(ok.headers['content-disposition']).toBe(
      `attachment; filename="__ __(2026).pdf"; filename*=UTF-8''%E4%BC%81%E4%B8%9A%20%E5%90%8D%E5%BD%95%282026%29.pdf`,
    );

    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['outcome', 'detail', 'department_id'])
      .where('action', '=', 'exchange.file.download')
      .where('target_id', '=', f.id)
      .where('category', '=', 'download')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      expect.objectContaining({ outcome: 'denied', department_id: stranger.id }),
      expect.objectContaining({
        outcome: 'success',
        department_id: consumer.id,
        detail: expect.objectContaining({ size: content.length, grantNo: grant.no }),
      }),
    ]);

    expectStatus(
      await post(t, `/api/sharing/grants/${grant.id}/revoke`, provider.specialist, { reason: '超范围使用' }),
      200,
    );
    const revoked = await download(t, consumer.user, f.id);
    expect(revoked.statusCode).toBe(403);
    expect(revoked.json().error.code).toBe('SHARING_GRANT_REVOKED');
    // The platform always may.
    expectStatus(await download(t, await platformAdmin(t), f.id), 200);
  });

  it('withdraws a version with a reason: consumers can no longer download it, the provider still can', async () => {
    const { entry, provider } = await fileEntry(t);
    const v1 = uploaded(await upload(t, provider.specialist, entry.id, pdf('v1'), 'a.pdf'));
    const v2 = uploaded(await upload(t, provider.specialist, entry.id, pdf('v2'), 'a.pdf'));
    const { consumer } = await fileGrant(t, entry);
    expect(
      (await post(t, `/api/exchange/files/${v1.id}/withdraw`, consumer.specialist, { reason: '错误' })).statusCode,
    ).toBe(403);
    expect(
      (await post(t, `/api/exchange/files/${v1.id}/withdraw`, provider.specialist, { reason: ' ' })).json().error.code,
    ).toBe('EXCHANGE_FILE_REASON_REQUIRED');
    const w = expectStatus(
      await post(t, `/api/exchange/files/${v1.id}/withdraw`, provider.specialist, { reason: '数据有误' }),
      200,
    ).json<ResourceFile>();
    expect(w).toMatchObject({ withdrawReason: '数据有误', withdrawnAt: expect.any(String) });
    expect(
      (await post(t, `/api/exchange/files/${v1.id}/withdraw`, provider.specialist, { reason: '再次' })).statusCode,
    ).toBe(409);

    const gone = await download(t, consumer.user, v1.id);
    expect(gone.statusCode).toBe(410);
    expect(gone.json().error.code).toBe('EXCHANGE_FILE_WITHDRAWN');
    expectStatus(await download(t, consumer.user, v2.id), 200);
    expectStatus(await download(t, provider.specialist, v1.id), 200);
  });
});

describe('resource file size limit', () => {
  let small: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'govshare-files-'));
    small = await testApp({ filesDir: dir, maxFileMb: 1 });
  });
  afterAll(async () => {
    await small.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a file over MAX_FILE_MB with 413 and keeps nothing; one at the limit is accepted', async () => {
    const { entry, provider } = await fileEntry(small);
    const limit = 1024 * 1024;
    const head = pdf();
    const over = Buffer.concat([head, Buffer.alloc(limit + 1 - head.length, 0x20)]);
    const res = await upload(small, provider.specialist, entry.id, over, 'big.pdf');
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_FILE_TOO_LARGE', messageZh: '文件不能超过 1 MB' });
    expect(await filesUnder(dir)).toEqual([]);

    const exact = over.subarray(0, limit);
    expect(uploaded(await upload(small, provider.specialist, entry.id, exact, 'big.pdf'))).toMatchObject({
      size: limit,
      sha256: sha256(exact),
    });
    expect(await filesUnder(dir)).toHaveLength(1);
  });
});
