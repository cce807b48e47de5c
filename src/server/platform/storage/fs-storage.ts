import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config';
import { BlobMissingError, FileTooLargeError, type FileStorage, type PutOptions, type StoredObject } from './storage';

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/**
 * Blobs under one directory as `ab/cd/<sha256>`. Uploads are written to `tmp/` in the same
 * directory and renamed into place, so a reader never sees half a file and a crash leaves only
 * temp files. Several app servers must share the directory (NFS or another shared volume):
 * rename is atomic there too, and a blob written by one server is read by the others.
 */
export function fsStorage(root: string): FileStorage {
  const tmpDir = path.join(root, 'tmp');
  const pathOf = (key: string) => {
    // Keys come from our own rows, but a path built from a string is checked before it is opened.
    if (!KEY.test(key)) throw new Error(`Invalid storage key ${key}`);
    return path.join(root, key);
  };

  return {
    async put(source: AsyncIterable<Buffer> | Readable, opts: PutOptions): Promise<StoredObject> {
      await mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, randomUUID());
      const sha256 = createHash('sha256');
      const sm3 = createHash('sm3');
      let size = 0;
      // Opened before streaming starts, so the cleanup below never races a still-pending open.
      const handle = await open(tmp, 'wx');
      try {
        await pipeline(
          source,
          async function* (chunks: AsyncIterable<Buffer>) {
            for await (const chunk of chunks) {
              size += chunk.length;
              if (size > opts.maxBytes) throw new FileTooLargeError(opts.maxBytes);
              sha256.update(chunk);
              sm3.update(chunk);
              yield chunk;
            }
          },
          // flush: the bytes are on disk before the rename publishes them.
          handle.createWriteStream({ flush: true }),
        );
        const digest = sha256.digest('hex');
        const key = `${digest.slice(0, 2)}/${digest.slice(2, 4)}/${digest}`;
        await mkdir(path.dirname(pathOf(key)), { recursive: true });
        // Same name = same bytes, so replacing an existing blob changes nothing a reader could see.
        await rename(tmp, pathOf(key));
        return { key, size, sha256: digest, sm3: sm3.digest('hex') };
      } catch (e) {
        await handle.close().catch(() => undefined);
        await rm(tmp, { force: true });
        throw e;
      }
    },

    async get(key: string): Promise<Readable> {
      const file = pathOf(key);
      try {
        // Checked first so a missing blob is an error before any header is sent.
        await access(file);
        return createReadStream(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobMissingError(key);
        throw e;
      }
    },

    async remove(key: string): Promise<void> {
      await rm(pathOf(key), { force: true });
    },
  };
}

const storages = new Map<string, FileStorage>();

/** The store under FILES_DIR (resource files, review and application attachments), one per directory. */
export function storageFor(config: Pick<Config, 'filesDir'>): FileStorage {
  let s = storages.get(config.filesDir);
  if (!s) storages.set(config.filesDir, (s = fsStorage(config.filesDir)));
  return s;
}
