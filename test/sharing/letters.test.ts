import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, session } from '../catalog/factory';
import { sniffLetterType } from '../../src/server/modules/sharing/letters-service';
import { PDF, PNG, uploadLetter } from './factory';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('application letters (R-13)', () => {
  it('recognises PDF, PNG and JPEG by their first bytes only', () => {
    expect(sniffLetterType(PDF)).toBe('application/pdf');
    expect(sniffLetterType(PNG)).toBe('image/png');
    expect(sniffLetterType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(sniffLetterType(Buffer.from('PK\u0003\u0004word/document.xml'))).toBeNull();
  });

  it('stores an accepted letter with its SHA-256 and size', async () => {
    const d = await catalogDepartment(t);
    const res = expectStatus(await uploadLetter(t, d.user, PNG, '申请函扫描件.png', 'image/png'), 201).json();
    expect(res).toMatchObject({
      fileName: '申请函扫描件.png',
      mime: 'image/png',
      size: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
    });
    const row = await t.ctx.db
      .selectFrom('sharing_letter')
      .select(['content', 'department_id'])
      .where('id', '=', res.id)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(row.content).equals(PNG)).toBe(true);
    expect(row.department_id).toBe(d.id);
  });

  it('refuses a file whose content is not PDF/JPG/PNG, whatever it is called', async () => {
    const d = await catalogDepartment(t);
    const res = await uploadLetter(t, d.user, Buffer.from('<html>盖章</html>'), '申请函.pdf', 'application/pdf');
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toMatchObject({ code: 'SHARING_LETTER_TYPE', messageZh: expect.stringContaining('PDF') });
  });

  it('refuses files over 10 MB and empty ones', async () => {
    const d = await catalogDepartment(t);
    const big = await uploadLetter(t, d.user, Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]), 'big.pdf');
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('SHARING_LETTER_TOO_LARGE');
    const empty = await uploadLetter(t, d.user, Buffer.alloc(0), 'empty.pdf');
    expect(empty.statusCode).toBe(400);
  });

  it('is for department accounts that may apply', async () => {
    const admin = await session(t, ['platform_admin']);
    expect((await uploadLetter(t, admin)).statusCode).toBe(403);
  });
});
