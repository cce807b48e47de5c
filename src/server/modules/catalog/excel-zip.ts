import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

/**
 * The parts of an .xlsx (a zip archive), found through the archive's central directory and read one
 * at a time, in the order the caller asks for them.
 *
 * Why not exceljs's own streaming reader: it walks the archive front to back with unzipper's Parse,
 * which announces 'end' as soon as it has read the last byte, while entries it already unpacked
 * still wait in its paused output. exceljs takes that 'end' as "no more parts" and drops them: when
 * spooling a worksheet to a temp file takes a moment longer than unpacking the rest (a busy thread
 * pool), xl/workbook.xml — written last by exceljs — is dropped and the read fails with
 * "Cannot read properties of undefined (reading 'sheets')"; with Excel's part order the shared
 * strings or the 信息项 sheet are dropped instead. Reading by the directory has no such race.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

export interface ZipReader {
  /** By part name, case-insensitively (OPC part names are). */
  entry(name: string): ZipEntry | undefined;
  /** The entry's content as UTF-8 text chunks; a character split across chunks is decoded whole. */
  text(entry: ZipEntry): Promise<Readable>;
  close(): Promise<void>;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_MARK = 0xffffffff;

class NotAZip extends Error {}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead < length) throw new NotAZip('the archive ends early');
  return buf;
}

function centralDirectory(
  tail: Buffer,
  tailStart: number,
  size: number,
): { offset: number; length: number; count: number } {
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD) continue;
    const count = tail.readUInt16LE(i + 10);
    const length = tail.readUInt32LE(i + 12);
    const offset = tail.readUInt32LE(i + 16);
    // Files this small never need zip64; its markers mean an archive we do not read.
    if (count === 0xffff || offset === ZIP64_MARK) throw new NotAZip('zip64 archives are not supported');
    if (offset + length > tailStart + i || offset + length > size)
      throw new NotAZip('the central directory is damaged');
    return { offset, length, count };
  }
  throw new NotAZip('no zip central directory');
}

export async function openZip(path: string): Promise<ZipReader> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
    const tailStart = size - tailLength;
    const cd = centralDirectory(await readAt(fh, tailStart, tailLength), tailStart, size);
    const dir = await readAt(fh, cd.offset, cd.length);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let k = 0; k < cd.count; k++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new NotAZip('the central directory is damaged');
      const nameLength = dir.readUInt16LE(p + 28);
      const entry: ZipEntry = {
        // xlsx part names are ASCII, whichever of CP437 and UTF-8 the flags announce.
        name: dir.toString('utf8', p + 46, p + 46 + nameLength),
        method: dir.readUInt16LE(p + 10),
        compressedSize: dir.readUInt32LE(p + 20),
        localHeaderOffset: dir.readUInt32LE(p + 42),
      };
      if (entry.compressedSize === ZIP64_MARK || entry.localHeaderOffset === ZIP64_MARK)
        throw new NotAZip('zip64 archives are not supported');
      entries.set(entry.name.toLowerCase(), entry);
      p += 46 + nameLength + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
    }

    const opened = new Set<Readable>();
    return {
      entry: (name) => entries.get(name.toLowerCase()),
      async text(entry) {
        const local = await readAt(fh, entry.localHeaderOffset, 30);
        if (local.readUInt32LE(0) !== LOCAL) throw new NotAZip(`the entry ${entry.name} is damaged`);
        const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        if (start + entry.compressedSize > size) throw new NotAZip(`the entry ${entry.name} is damaged`);
        if (entry.method !== 0 && entry.method !== 8)
          throw new NotAZip(`the entry ${entry.name} uses compression method ${entry.method}`);
        // On the one open handle: the bytes read are those of the file opened, whatever happens to its path.
        const raw = entry.compressedSize
          ? fh.createReadStream({ start, end: start + entry.compressedSize - 1, autoClose: false })
          : Readable.from([]);
        const out = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
        if (out !== raw) raw.on('error', (err: Error) => out.destroy(err));
        opened.add(raw).add(out);
        return out.setEncoding('utf8');
      },
      async close() {
        // A part read only up to what was needed (the workbook's sheet list) leaves its stream open.
        for (const s of opened) s.destroy();
        await fh.close();
      },
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}
