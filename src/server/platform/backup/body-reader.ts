import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ChunkReader } from './chunk-reader';
import type { OpenedBackup } from './envelope';
import { backupErrors } from './errors';
import {
  END_ROWS,
  FORMAT,
  FORMAT_VERSION,
  hasRows,
  qualified,
  type FileEntry,
  type Manifest,
  type TableEntry,
} from './manifest';
import { BLOB_KEY } from './blobs';

export interface BodyVisitor {
  /** Called first; may refuse the backup before any section is read. */
  manifest?(m: Manifest): Promise<void> | void;
  /** The table's rows as dumped (without newlines); whatever the visitor leaves unread is skipped. */
  table(t: TableEntry, rows: AsyncIterable<string>): Promise<void>;
  file(f: FileEntry, bytes: AsyncIterable<Buffer>): Promise<void>;
}

function checkManifest(v: unknown): Manifest {
  const m = v as Partial<Manifest> | null;
  if (
    !m ||
    m.format !== FORMAT ||
    typeof m.migration !== 'string' ||
    !Array.isArray(m.tables) ||
    !Array.isArray(m.sequences) ||
    !Array.isArray(m.files)
  )
    throw backupErrors.notABackup();
  if (m.formatVersion !== FORMAT_VERSION) throw backupErrors.notABackup();
  for (const f of m.files) if (!BLOB_KEY.test(f.key)) throw backupErrors.altered(`file ${f.key}`);
  return m as Manifest;
}

/**
 * Reads the body section by section in the manifest's order, handing each to the visitor. A section
 * out of place, a truncated stream or bad gzip is the file's fault (BACKUP_ALTERED); a visitor's own
 * errors pass through unchanged.
 */
export async function readBody(opened: OpenedBackup, visitor: BodyVisitor): Promise<Manifest> {
  const source = Readable.from(opened.content());
  const gunzip = createGunzip();
  // The file's read errors surface through the reader, as the decompressor's own do.
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  const reader = new ChunkReader(gunzip);
  const fileFault = async <T>(what: string, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch {
      throw backupErrors.altered(what);
    }
  };
  try {
    const first = await fileFault('manifest', () => reader.line());
    let manifest: Manifest;
    try {
      manifest = checkManifest(JSON.parse(first ?? ''));
    } catch (e) {
      throw e instanceof SyntaxError ? backupErrors.notABackup() : e;
    }
    await visitor.manifest?.(manifest);
    for (const t of manifest.tables.filter(hasRows)) {
      const head = await fileFault(qualified(t), () => reader.line());
      if (head !== JSON.stringify({ table: qualified(t) })) throw backupErrors.altered(qualified(t));
      let ended = false;
      async function* rows(): AsyncGenerator<string> {
        for (;;) {
          const l = await fileFault(qualified(t), () => reader.line());
          if (l === null) throw backupErrors.altered(qualified(t));
          if (l === END_ROWS) {
            ended = true;
            return;
          }
          yield l;
        }
      }
      const it = rows();
      await visitor.table(t, it);
      if (!ended) for await (const _ of it);
    }
    for (const f of manifest.files) {
      const head = await fileFault(f.key, () => reader.line());
      if (head !== JSON.stringify({ file: f.key, size: f.size })) throw backupErrors.altered(`file ${f.key}`);
      const bytes = reader.bytes(f.size);
      const guarded = (async function* () {
        try {
          yield* bytes;
        } catch {
          throw backupErrors.altered(`file ${f.key}`);
        }
      })();
      await visitor.file(f, guarded);
      for await (const _ of guarded);
      if ((await fileFault(f.key, () => reader.line())) !== '') throw backupErrors.altered(`file ${f.key}`);
    }
    if ((await fileFault('end', () => reader.line())) !== JSON.stringify({ end: true }))
      throw backupErrors.altered('end');
    if ((await fileFault('end', () => reader.line())) !== null) throw backupErrors.altered('end');
    return manifest;
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}

/** Reads the whole file and checks every table's rows and every file's bytes against the manifest. */
export function verifyBody(opened: OpenedBackup, onManifest?: (m: Manifest) => void): Promise<Manifest> {
  return readBody(opened, {
    manifest: onManifest,
    async table(t, rows) {
      const h = createHash('sm3');
      let n = 0;
      for await (const r of rows) {
        h.update(`${r}\n`);
        n++;
      }
      if (n !== t.rows || h.digest('hex') !== t.sm3) throw backupErrors.altered(qualified(t));
    },
    async file(f, bytes) {
      const h = createHash('sm3');
      for await (const c of bytes) h.update(c);
      if (h.digest('hex') !== f.sm3) throw backupErrors.altered(`file ${f.key}`);
    },
  });
}
