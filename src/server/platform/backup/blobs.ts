import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * The stored files (platform/storage: resource files, attachments) as a backup sees them: blobs named
 * ab/cd/<sha256> under FILES_DIR. Blobs never change once written, so any moment's listing is right
 * for a snapshot taken before it, but for a blob removed in between (its last row deleted meanwhile).
 */
const HEX2 = /^[0-9a-f]{2}$/;
/** A storage key as fs-storage makes them; checked before a key read from a backup becomes a path. */
export const BLOB_KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;
const SHA = /^[0-9a-f]{64}$/;

export async function listBlobs(root: string): Promise<string[]> {
  const dirs = async (dir: string, re: RegExp) => {
    try {
      return (await readdir(dir, { withFileTypes: true }))
        .filter((d) => re.test(d.name))
        .map((d) => d.name)
        .sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  };
  const keys: string[] = [];
  for (const a of await dirs(root, HEX2))
    for (const b of await dirs(path.join(root, a), HEX2))
      for (const f of await dirs(path.join(root, a, b), SHA)) if (f.startsWith(a + b)) keys.push(`${a}/${b}/${f}`);
  return keys;
}

export async function blobSize(root: string, key: string): Promise<number> {
  return (await stat(path.join(root, key))).size;
}

export const readBlob = (root: string, key: string) => createReadStream(path.join(root, key));

/** Puts a blob back through a temp file and a rename, as the store itself writes: never half a file. */
export async function writeBlob(root: string, key: string, chunks: AsyncIterable<Buffer>): Promise<string> {
  if (!BLOB_KEY.test(key)) throw new Error(`Invalid storage key ${key}`);
  const tmpDir = path.join(root, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, randomUUID());
  const sm3 = createHash('sm3');
  const handle = await open(tmp, 'wx');
  try {
    await pipeline(
      chunks,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const c of source) {
          sm3.update(c);
          yield c;
        }
      },
      handle.createWriteStream({ flush: true }),
    );
    await mkdir(path.dirname(path.join(root, key)), { recursive: true });
    await rename(tmp, path.join(root, key));
    return sm3.digest('hex');
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function sm3OfBlob(root: string, key: string): Promise<string> {
  const h = createHash('sm3');
  for await (const c of readBlob(root, key)) h.update(c as Buffer);
  return h.digest('hex');
}
