import type { Connection } from 'mysql2';
import { CopyText, decodeCopyField } from '../copy-text';
import type { CopyBatch, CopyCellKind, CopyPlan } from './types';

/**
 * A streamed MySQL query's rows written straight from the wire into COPY text. MySQL's text protocol
 * sends every value as its text, which is what COPY takes: the bytes are copied (escaped where COPY
 * needs it), never decoded into JavaScript values. mysql2 has no public hook for this, so the
 * query's row parser — the one object that sees each row packet — is replaced by ours (pinned by
 * test/exchange/mysql-copy.test.ts, which pulls every kind of value both ways and compares).
 */

/** The packet a row arrives in, as mysql2 hands it to the row parser (reused for the next row). */
interface RowPacket {
  buffer: Buffer;
  offset: number;
  end: number;
}

interface FieldDefinition {
  characterSet: number;
  columnType: number;
}

/** String and blob types whose binary character set means raw bytes, maybe not UTF-8. */
const BYTE_TYPES = new Set([15, 16, 249, 250, 251, 252, 253, 254]);
const BINARY_CHARSET = 63;
const ZERO_DATE = Buffer.from('0000-00-00 00:00:00');

/** '', 0000-00-00 and 0000-00-00 00:00:00: no value (EMPTY_VALUES, in bytes). */
function isEmpty(buf: Buffer, start: number, end: number): boolean {
  const n = end - start;
  return n === 0 || ((n === 10 || n === 19) && buf[start] === 48 /* 0 */ && buf.compare(ZERO_DATE, 0, n, start, end) === 0);
}

/** 1, t, true, or a BIT(1) that is set. */
function isTrue(buf: Buffer, start: number, end: number): boolean {
  const n = end - start;
  if (n === 1) return buf[start] === 49 /* 1 */ || buf[start] === 116 /* t */ || buf[start] === 1;
  return n === 4 && buf.toString('latin1', start, end) === 'true';
}

class RowWriter {
  readonly out = new CopyText();
  rows = 0;
  /** Where the last row's line starts in `out`: its key is read back from there. */
  lineStart = 0;
  readonly #starts: Int32Array;
  readonly #ends: Int32Array;
  readonly #tail: Buffer;
  /** Per source column: text whose bytes need not be UTF-8 (binary strings), decoded before writing. */
  #binary: boolean[] | null = null;

  constructor(
    readonly plan: CopyPlan,
    width: number,
  ) {
    this.#starts = new Int32Array(width);
    this.#ends = new Int32Array(width);
    this.#tail = Buffer.from(plan.tail);
  }

  /** Called by mysql2 for every row packet (see the module comment). */
  next(packet: RowPacket, fields: FieldDefinition[]): null {
    this.#binary ??= fields.map((f) => f.characterSet === BINARY_CHARSET && BYTE_TYPES.has(f.columnType));
    const buf = packet.buffer;
    const starts = this.#starts;
    const ends = this.#ends;
    let p = packet.offset;
    for (let i = 0; i < starts.length; i++) {
      // A length-encoded string: one byte of length, 0xfb for NULL, or 0xfc/0xfd/0xfe and 2, 3 or 8 bytes.
      let len = buf[p++]!;
      if (len === 0xfb) {
        starts[i] = -1;
        continue;
      }
      if (len === 0xfc) {
        len = buf.readUInt16LE(p);
        p += 2;
      } else if (len === 0xfd) {
        len = buf.readUIntLE(p, 3);
        p += 3;
      } else if (len === 0xfe) {
        len = buf.readUInt32LE(p);
        p += 8;
      }
      starts[i] = p;
      ends[i] = p + len;
      p += len;
    }
    if (p > packet.end) throw new Error('MySQL row packet shorter than its columns');
    const out = this.out;
    this.lineStart = out.length;
    this.#key(buf);
    for (const cell of this.plan.cells) {
      out.byte(9);
      this.#cell(buf, cell.at, cell.as);
    }
    out.raw(this.#tail, 0, this.#tail.length);
    this.rows++;
    return null;
  }

  /** The row key as rowKey() makes it: one column's text, or a JSON array of several (null as "null"). */
  #key(buf: Buffer): void {
    const key = this.plan.key;
    if (key.length === 1) {
      const i = key[0]!;
      if (this.#starts[i]! < 0) this.out.ascii('null');
      else this.#text(buf, i);
      return;
    }
    this.out.string(JSON.stringify(key.map((i) => (this.#starts[i]! < 0 ? 'null' : buf.toString('utf8', this.#starts[i], this.#ends[i])))));
  }

  #text(buf: Buffer, i: number): void {
    if (this.#binary![i]) this.out.string(buf.toString('utf8', this.#starts[i], this.#ends[i]));
    else this.out.text(buf, this.#starts[i]!, this.#ends[i]!);
  }

  #cell(buf: Buffer, i: number, as: CopyCellKind): void {
    const start = this.#starts[i]!;
    if (start < 0) return this.out.null();
    const end = this.#ends[i]!;
    if (as === 'text') return this.#text(buf, i);
    if (as === 'bytes') return this.out.hex(buf, start, end);
    if (isEmpty(buf, start, end)) return this.out.null();
    if (as === 'flag') return this.out.byte(isTrue(buf, start, end) ? 116 : 102);
    this.out.text(buf, start, end);
  }

  /** Hands over the rows written so far, with their last row's key values. */
  take(): CopyBatch {
    const line = this.out.view(this.lineStart);
    const tab = line.indexOf(9);
    const key = decodeCopyField(line, 0, tab);
    const lastKey: Array<string | null> = this.plan.key.length === 1 ? [key] : (JSON.parse(key!) as string[]);
    const batch = { text: this.out.take(), rows: this.rows, lastKey };
    this.rows = 0;
    this.lineStart = 0;
    return batch;
  }
}

/**
 * Runs `sql` on `conn` and yields its rows as COPY text in batches of `limit` rows, reading ahead by
 * at most `ahead` batches (the connection is paused beyond that). A consumer that stops early leaves
 * the query running: the caller closes (destroys) the connection.
 */
export async function* copyRows(conn: Connection, sql: string, values: unknown[], width: number, plan: CopyPlan, limit: number, ahead = 2): AsyncGenerator<CopyBatch> {
  const writer = new RowWriter(plan, width);
  const ready: CopyBatch[] = [];
  let ended = false;
  let failure: unknown = null;
  let paused = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const parser = {
    next(packet: RowPacket, fields: FieldDefinition[]) {
      writer.next(packet, fields);
      if (writer.rows === limit) {
        ready.push(writer.take());
        if (ready.length >= ahead) {
          paused = true;
          conn.pause();
        }
        notify();
      }
      return null;
    },
  };
  const query = conn.query({ sql, values, rowsAsArray: true });
  // mysql2 sets its own parser once the columns are known; ours stays in its place.
  Object.defineProperty(query, '_rowParser', { get: () => parser, set: () => {}, configurable: true });
  // Our parser answers null for every row; a real row here means mysql2 no longer uses it (an upgrade
  // renamed the internal): the pull must fail rather than load an empty table.
  query.on('result', (row: unknown) => {
    if (row !== null && !failure) {
      failure = new Error('mysql2 parsed a row itself: the COPY row hook is not in effect (mysql2 version changed?)');
      notify();
    }
  });
  query.on('error', (e: unknown) => {
    failure = e;
    notify();
  });
  query.on('end', () => {
    if (writer.rows) ready.push(writer.take());
    ended = true;
    notify();
  });
  for (;;) {
    if (failure) throw failure;
    const batch = ready.shift();
    if (batch) {
      if (paused && ready.length < ahead) {
        paused = false;
        conn.resume();
      }
      yield batch;
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
