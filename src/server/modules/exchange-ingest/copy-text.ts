/**
 * PostgreSQL's COPY text format, built byte by byte: what the table jobs send through COPY. Bytes
 * that are text already (a MySQL row, PostgreSQL's own COPY output) pass through with only the
 * escapes COPY needs and are never decoded into JavaScript strings — at a million rows, those
 * strings and their garbage collection cost more than both databases' own work.
 */
import { escapeCopy } from '../../db/copy-field';

const BACKSLASH = 92;
const TAB = 9;
const LF = 10;
const CR = 13;
/** Below this many bytes a loop copies faster than a native call. */
const SHORT_COPY = 256;
const HEX = Buffer.from(Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0')).join(''), 'latin1');

const UNESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** One field of COPY text back to its value: null for \N, escapes undone. */
export function decodeCopyField(buf: Buffer, start: number, end: number): string | null {
  if (end - start === 2 && buf[start] === BACKSLASH && buf[start + 1] === 78 /* N */) return null;
  const s = buf.toString('utf8', start, end);
  return s.includes('\\') ? s.replace(/\\(.)/gs, (_, c: string) => UNESCAPED[c] ?? c) : s;
}

/**
 * A growing buffer of COPY text. take() hands the bytes over and starts a new buffer about as large,
 * so a batch is built without copies and the next batch without regrowing.
 */
export class CopyText {
  #buf: Buffer;
  #pos = 0;

  constructor(size = 1 << 20) {
    this.#buf = Buffer.allocUnsafeSlow(size);
  }

  get length(): number {
    return this.#pos;
  }

  #room(n: number): Buffer {
    if (this.#pos + n > this.#buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.#buf.length * 2, this.#pos + n));
      this.#buf.copy(grown, 0, 0, this.#pos);
      this.#buf = grown;
    }
    return this.#buf;
  }

  byte(b: number): void {
    this.#room(1)[this.#pos++] = b;
  }

  /** Bytes that are COPY text already. */
  raw(src: Buffer, start: number, end: number): void {
    const out = this.#room(end - start);
    if (end - start < SHORT_COPY) {
      let p = this.#pos;
      for (let i = start; i < end; i++) out[p++] = src[i]!;
      this.#pos = p;
    } else this.#pos += src.copy(out, this.#pos, start, end);
  }

  /** UTF-8 text bytes as one field: backslash, tab and line breaks escaped. */
  text(src: Buffer, start: number, end: number): void {
    const out = this.#room((end - start) * 2);
    let p = this.#pos;
    for (let i = start; i < end; i++) {
      const b = src[i]!;
      if (b === BACKSLASH || b === TAB || b === LF || b === CR) {
        out[p++] = BACKSLASH;
        out[p++] = b === BACKSLASH ? BACKSLASH : b === TAB ? 116 /* t */ : b === LF ? 110 /* n */ : 114; /* r */
      } else out[p++] = b;
    }
    this.#pos = p;
  }

  /** A string as one field, escaped. */
  string(s: string): void {
    const e = escapeCopy(s);
    const out = this.#room(e.length * 3);
    this.#pos += out.write(e, this.#pos, 'utf8');
  }

  /** ASCII that needs no escape (numbers, fixed markers). */
  ascii(s: string): void {
    const out = this.#room(s.length);
    this.#pos += out.write(s, this.#pos, 'latin1');
  }

  null(): void {
    const out = this.#room(2);
    out[this.#pos++] = BACKSLASH;
    out[this.#pos++] = 78; // N
  }

  /** Binary as bytea's hex input (\x…, its backslash escaped for COPY). */
  hex(src: Buffer, start: number, end: number): void {
    const out = this.#room(3 + (end - start) * 2);
    let p = this.#pos;
    out[p++] = BACKSLASH;
    out[p++] = BACKSLASH;
    out[p++] = 120; // x
    for (let i = start; i < end; i++) {
      const h = src[i]! * 2;
      out[p++] = HEX[h]!;
      out[p++] = HEX[h + 1]!;
    }
    this.#pos = p;
  }

  /** The bytes written from `start` on (not copied: valid until the next take()). */
  view(start: number, end = this.#pos): Buffer {
    return this.#buf.subarray(start, end);
  }

  /** Hands over what was written; the next bytes go to a new buffer. */
  take(): Buffer {
    const done = this.#buf.subarray(0, this.#pos);
    this.#buf = Buffer.allocUnsafeSlow(Math.max(1024, Math.ceil(this.#pos * 1.1)));
    this.#pos = 0;
    return done;
  }
}

/**
 * Feeds every line of COPY text (without its newline) to `line`, however the input's chunks cut the
 * lines, and yields whenever `line` says a batch is full, so the caller can hand the batch on.
 */
export async function* eachLine(
  input: AsyncIterable<Buffer> | Iterable<Buffer>,
  line: (buf: Buffer, start: number, end: number) => boolean,
): AsyncGenerator<void> {
  let carry: Buffer | null = null;
  for await (const chunk of input) {
    let start = 0;
    if (carry) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      const whole: Buffer = Buffer.concat([carry, chunk.subarray(0, nl)]);
      carry = null;
      start = nl + 1;
      if (line(whole, 0, whole.length)) yield;
    }
    for (let nl = chunk.indexOf(LF, start); nl >= 0; nl = chunk.indexOf(LF, start)) {
      const full = line(chunk, start, nl);
      start = nl + 1;
      if (full) yield;
    }
    // Copied: the rest of the chunk need not stay in memory for one partial line.
    if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
  }
  if (carry) throw new Error('COPY text ended inside a line');
}
