import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsStorage } from '../../src/server/platform/storage/fs-storage';
import { BlobMissingError, FileTooLargeError } from '../../src/server/platform/storage/storage';
import { sniffType, sniffedStream, UnsupportedTypeError } from '../../src/server/platform/storage/sniff';
import { filesUnder, sha256, sm3 } from './files-fixtures';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'govshare-storage-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function* chunks(n: number, size: number) {
  for (let i = 0; i < n; i++) yield Buffer.alloc(size, i % 251);
}
const readAll = async (r: Readable) => Buffer.concat(await r.toArray());

describe('filesystem storage', () => {
  it('streams in chunks, hashes with SHA-256 and SM3, and reads back the same bytes', async () => {
    const s = fsStorage(root);
    const expected = Buffer.concat(await Readable.from(chunks(40, 64 * 1024)).toArray());
    const o = await s.put(chunks(40, 64 * 1024), { maxBytes: 10 * 1024 * 1024 });
    expect(o).toEqual({
      key: `${o.sha256.slice(0, 2)}/${o.sha256.slice(2, 4)}/${o.sha256}`,
      size: expected.length,
      sha256: sha256(expected),
      sm3: sm3(expected),
    });
    expect((await readAll(await s.get(o.key))).equals(expected)).toBe(true);
    // The same content again is the same blob.
    expect((await s.put(Readable.from([expected]), { maxBytes: expected.length })).key).toBe(o.key);
    expect((await filesUnder(root)).filter((f) => f.endsWith(o.sha256))).toHaveLength(1);
    await s.remove(o.key);
    await expect(s.get(o.key)).rejects.toBeInstanceOf(BlobMissingError);
  });

  it('aborts an upload over the limit mid-stream and leaves no temp file', async () => {
    const s = fsStorage(root);
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024, 1);
      }
    }
    await expect(s.put(endless(), { maxBytes: 10_000 })).rejects.toBeInstanceOf(FileTooLargeError);
    expect(pulled).toBeLessThan(20);
    expect(await filesUnder(root)).toEqual([]);
  });

  it('refuses keys that are not its own', async () => {
    await expect(fsStorage(root).get('../../etc/passwd')).rejects.toThrow(/Invalid storage key/);
  });
});

describe('type sniffing', () => {
  it('knows the allow-listed types by content and refuses a name that promises another type', () => {
    expect(sniffType(Buffer.from('%PDF-1.4'), 'x', true)).toBe('application/pdf');
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'p.jpg', true)).toBe('image/jpeg');
    expect(sniffType(Buffer.from('PK\x03\x04....'), 'doc.ofd', true)).toBe('application/ofd');
    expect(sniffType(Buffer.from('PK\x03\x04....'), 'a.bin', true)).toBe('application/zip');
    expect(sniffType(Buffer.from('<?xml version="1.0"?><a/>'), 'a.xml', true)).toBe('application/xml');
    expect(sniffType(Buffer.from('姓名,年龄\n'), 'a.csv', true)).toBe('text/csv');
    expect(sniffType(Buffer.from('%PDF-1.4'), 'a.png', true)).toBeNull();
    expect(sniffType(Buffer.from('plain words'), 'a.pdf', true)).toBeNull();
    expect(sniffType(Buffer.from('<svg onload="x()"/>'), 'a.xml', true)).toBeNull();
    // A character cut at the end of the head is fine while more follows.
    expect(sniffType(Buffer.from('上饶').subarray(0, 4), 'a.txt', false)).toBe('text/plain');
    expect(() => sniffType(Buffer.from('上饶').subarray(0, 4), 'a.txt', true)).toThrow(UnsupportedTypeError);
  });

  it('checks a text file to its end', async () => {
    const text = Buffer.from('统一社会信用代码,企业名称\n'.repeat(1000));
    const found: { mime?: string } = {};
    const out = Buffer.concat(
      await Readable.from(
        sniffedStream(Readable.from([text.subarray(0, 5000), text.subarray(5000)]), 'a.csv', found),
      ).toArray(),
    );
    expect(out.equals(text)).toBe(true);
    expect(found.mime).toBe('text/csv');
    const bad = Buffer.concat([text, Buffer.from([0xc3, 0x28])]);
    await expect(Readable.from(sniffedStream(Readable.from([bad]), 'a.csv', {})).toArray()).rejects.toMatchObject({
      reason: 'encoding',
    });
  });
});
