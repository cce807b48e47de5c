import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, type CatalogDepartment, type Session } from '../catalog/factory';
import {
  attachmentsByOwner,
  bindAttachments,
  openAttachment,
  uploadAttachment,
  type AttachmentPolicy,
} from '../../src/server/platform/attachments';
import { sm3Hex } from '../../src/server/platform/crypto/sm3';
import type { Actor } from '../../src/server/platform/context';

/** The platform's one attachment service (issue #16): upload by content, bind once, open by the owner's readers. */
let t: TestApp;
let dept: CatalogDepartment;
let other: CatalogDepartment;

beforeAll(async () => {
  t = await testApp();
  [dept, other] = await Promise.all([catalogDepartment(t), catalogDepartment(t)]);
});
afterAll(async () => {
  await t?.close();
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90), Buffer.from([0, 1, 2, 3])]);
const policy: AttachmentPolicy = { code: 'TEST_ATTACHMENT', maxMb: 1, maxCount: 2 };

const actor = (s: Session): Actor => ({
  kind: 'staff',
  userId: s.id,
  username: s.username,
  realName: s.username,
  departmentId: s.departmentId,
  departmentName: null,
  roles: ['dept_specialist'],
  sessionKind: 'cookie',
  mfaPassed: true,
  tokenHash: '',
});
const put = (s: Session, fileName: string, content: Buffer, p = policy) =>
  uploadAttachment(t.ctx, actor(s), p, { file: Readable.from([content]), fileName });
const codeOf = (e: unknown) => (e as { code?: string }).code;
const read = async (stream: Readable) => Buffer.concat(await stream.toArray());

function multipart(s: Session, url: string, fileName: string, content: Buffer) {
  const boundary = `----govshare${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.inject({
    method: 'POST',
    url,
    headers: { ...s.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

describe('upload', () => {
  it('keeps the type found in the content, a clean name, the size and both digests', async () => {
    const a = await put(dept.specialist, '../../整改\u0007报告.pdf', PDF);
    expect(a).toMatchObject({ fileName: '整改报告.pdf', mime: 'application/pdf', size: PDF.length });
    const row = await t.ctx.db.selectFrom('attachment').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.sha256).toBe(createHash('sha256').update(PDF).digest('hex'));
    expect(row.sm3).toBe(sm3Hex(PDF));
    expect(row.owner_type).toBeNull();
    expect(row.uploaded_by).toBe(dept.specialist.id);
  });

  it("refuses what the content shows is not allowed, whatever the name, with the caller's code", async () => {
    await expect(put(dept.specialist, 'report.pdf', EXE)).rejects.toMatchObject({
      status: 415,
      code: 'TEST_ATTACHMENT_TYPE',
    });
  });

  it("refuses a file over the caller's limit", async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024, 0x20)]);
    await expect(put(dept.specialist, 'big.pdf', big)).rejects.toMatchObject({
      status: 413,
      code: 'TEST_ATTACHMENT_TOO_LARGE',
    });
  });

  it('the HTTP upload route answers with the file and names its own codes', async () => {
    const ok = expectStatus(
      await multipart(dept.specialist, '/api/supervision/rectifications/attachments', '措施.pdf', PDF),
      201,
    );
    expect(ok.json()).toMatchObject({ fileName: '措施.pdf', mime: 'application/pdf', size: PDF.length });
    const bad = await multipart(dept.specialist, '/api/supervision/rectifications/attachments', 'x.pdf', EXE);
    expect(bad.statusCode).toBe(415);
    expect(bad.json().error.code).toBe('RECTIFICATION_ATTACHMENT_TYPE');
    // A declared body far over the limit is refused before it is read.
    const huge = await t.inject({
      method: 'POST',
      url: '/api/supervision/rectifications/attachments',
      headers: {
        ...dept.specialist.headers,
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(200 * 1024 * 1024),
      },
      payload: '--x--',
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('RECTIFICATION_ATTACHMENT_TOO_LARGE');
  });
});

describe('bind, list and open', () => {
  it("binds the uploader's own unbound files once, and lists them by owner", async () => {
    const a = await put(dept.specialist, 'a.pdf', PDF);
    const b = await put(
      dept.specialist,
      'b.png',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
    );
    const owner = { type: 'test_owner', id: crypto.randomUUID() };
    const theirs = await put(other.specialist, 'c.pdf', PDF);
    // Someone else's file.
    await expect(bindAttachments(t.ctx.db, actor(dept.specialist), policy, [theirs.id], owner)).rejects.toMatchObject({
      code: 'TEST_ATTACHMENT_INVALID',
    });
    expect(await bindAttachments(t.ctx.db, actor(dept.specialist), policy, [a.id, b.id, a.id], owner)).toBe(2);
    // Already bound.
    const again = { type: 'test_owner', id: crypto.randomUUID() };
    await expect(bindAttachments(t.ctx.db, actor(dept.specialist), policy, [a.id], again)).rejects.toMatchObject({
      code: 'TEST_ATTACHMENT_INVALID',
    });
    // The owner's count includes what it already has.
    const c = await put(dept.specialist, 'd.pdf', PDF);
    await expect(bindAttachments(t.ctx.db, actor(dept.specialist), policy, [c.id], owner)).rejects.toMatchObject({
      code: 'TEST_ATTACHMENT_TOO_MANY',
    });
    const listed = await attachmentsByOwner(t.ctx.db, 'test_owner', [owner.id, again.id]);
    expect(listed.get(owner.id)?.map((x) => x.fileName)).toEqual(['a.pdf', 'b.png']);
    expect(listed.get(owner.id)?.[1]?.mime).toBe('image/png');
    expect(listed.has(again.id)).toBe(false);
  });

  it("opens an unbound file for its uploader only, a bound one for the owner's readers only", async () => {
    const a = await put(dept.specialist, 'e.pdf', PDF);
    const none = {};
    expect(await read((await openAttachment(t.ctx, actor(dept.specialist), a.id, none)).content)).toEqual(PDF);
    await expect(openAttachment(t.ctx, actor(other.specialist), a.id, none)).rejects.toMatchObject({ status: 404 });
    const owner = { type: 'test_owner', id: crypto.randomUUID() };
    await bindAttachments(t.ctx.db, actor(dept.specialist), policy, [a.id], owner);
    const readers = (allowed: string) => ({ test_owner: (id: string) => Promise.resolve(id === allowed) });
    // Bound: the uploader no longer opens it by being the uploader; the owner's reader decides.
    await expect(openAttachment(t.ctx, actor(dept.specialist), a.id, readers('nobody'))).rejects.toMatchObject({
      status: 404,
    });
    await expect(openAttachment(t.ctx, actor(other.specialist), a.id, {})).rejects.toMatchObject({ status: 404 });
    const opened = await openAttachment(t.ctx, actor(other.specialist), a.id, readers(owner.id));
    expect(opened.attachment.fileName).toBe('e.pdf');
    expect(await read(opened.content)).toEqual(PDF);
    expect(codeOf(await openAttachment(t.ctx, actor(dept.specialist), crypto.randomUUID(), {}).catch((e) => e))).toBe(
      'ATTACHMENT_NOT_FOUND',
    );
  });
});
