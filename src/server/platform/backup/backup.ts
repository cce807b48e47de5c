import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import type { AppContext } from '../../app-context';
import { VERSION } from '../../version';
import { blobSize, listBlobs, readBlob } from './blobs';
import {
  beginSnapshot,
  commit,
  currentMigration,
  listSequences,
  listTables,
  rollback,
  rowsQuery,
  settleTextForms,
} from './backup-repo';
import { envelope } from './envelope';
import {
  END_ROWS,
  FORMAT,
  FORMAT_VERSION,
  hasRows,
  qualified,
  type FileEntry,
  type Manifest,
  type SectionHeader,
  type TableEntry,
} from './manifest';
import { withSession } from './snapshot';

export interface BackupOptions {
  /** 32 bytes: the file is encrypted with SM4 and authenticated with HMAC-SM3. */
  key?: Buffer;
  /** Lines for the operator (the CLI prints them on stderr). */
  progress?: (line: string) => void;
}

const PROGRESS_EVERY = 100_000;
const line = (v: unknown) => Buffer.from(`${JSON.stringify(v)}\n`);
const header = (h: SectionHeader) => line(h);

/**
 * Writes a backup of the database and the stored files to `file`. The tables are read in one
 * snapshot, streamed into a spool file next to `file` while their counts and checksums are taken; the
 * file is then the manifest followed by the spool. The spool is encrypted with a key that lives only in
 * this process, so no plain copy of the data is left on disk, and `file` appears only when complete.
 */
export async function writeBackup(ctx: AppContext, file: string, opts: BackupOptions = {}): Promise<Manifest> {
  const progress = opts.progress ?? (() => undefined);
  const tag = randomBytes(6).toString('hex');
  const spool = `${file}.${tag}.spool`;
  const partial = `${file}.${tag}.partial`;
  const spoolKey = randomBytes(16);
  const spoolIv = randomBytes(16);
  try {
    const manifest = await withSession(ctx, async (s) => {
      await beginSnapshot(s);
      try {
        await settleTextForms(s);
        const migration = await currentMigration(s);
        if (!migration) throw new Error('The database has not been migrated: there is nothing to back up');
        const tables = await listTables(s);
        const sequences = await listSequences(s);
        const entries: TableEntry[] = tables.map((t) => ({ ...t, rows: 0, sm3: '' }));
        const files: FileEntry[] = [];
        async function* body(): AsyncGenerator<Buffer> {
          for (const t of entries) {
            if (!hasRows(t)) continue;
            yield header({ table: qualified(t) });
            const h = createHash('sm3');
            let rows = 0;
            for await (const r of s.lines(rowsQuery(t))) {
              const b = Buffer.from(`${r}\n`);
              h.update(b);
              rows++;
              if (rows % PROGRESS_EVERY === 0) progress(`backup: ${qualified(t)} ${rows} rows …`);
              yield b;
            }
            yield Buffer.from(`${END_ROWS}\n`);
            t.rows = rows;
            t.sm3 = h.digest('hex');
            progress(`backup: ${qualified(t)} ${rows} rows`);
          }
          // Blobs are immutable and named by their content: read after the tables, outside no snapshot.
          for (const key of await listBlobs(ctx.config.filesDir)) {
            const size = await blobSize(ctx.config.filesDir, key);
            yield header({ file: key, size });
            const h = createHash('sm3');
            let seen = 0;
            for await (const c of readBlob(ctx.config.filesDir, key)) {
              const chunk = (c as Buffer).subarray(0, Math.max(0, size - seen));
              seen += chunk.length;
              h.update(chunk);
              yield chunk;
            }
            if (seen !== size) throw new Error(`Stored file ${key} changed size while it was backed up`);
            yield Buffer.from('\n');
            files.push({ key, size, sm3: h.digest('hex') });
          }
          if (files.length) progress(`backup: ${files.length} stored files`);
          yield header({ end: true });
        }
        await pipeline(
          body(),
          createGzip(),
          createCipheriv('sm4-ctr', spoolKey, spoolIv),
          createWriteStream(spool, { mode: 0o600 }),
        );
        await commit(s);
        const m: Manifest = {
          format: FORMAT,
          formatVersion: FORMAT_VERSION,
          govshareVersion: VERSION,
          databaseKind: ctx.dbKind,
          migration,
          createdAt: ctx.clock.now().toISOString(),
          tables: entries,
          sequences,
          files,
        };
        return m;
      } catch (e) {
        await rollback(s).catch(() => undefined);
        throw e;
      }
    });
    // gzip members may follow one another: the manifest's, then the spool's.
    async function* content(): AsyncGenerator<Buffer> {
      yield gzipSync(line(manifest));
      const decipher = createDecipheriv('sm4-ctr', spoolKey, spoolIv);
      for await (const c of createReadStream(spool)) yield decipher.update(c as Buffer);
      yield decipher.final();
    }
    await pipeline(envelope(content(), opts.key), createWriteStream(partial, { mode: 0o600 }));
    await rename(partial, file);
    return manifest;
  } finally {
    await rm(spool, { force: true });
    await rm(partial, { force: true });
  }
}
