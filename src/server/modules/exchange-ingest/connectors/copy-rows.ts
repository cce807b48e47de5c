import { CopyText, decodeCopyField, eachLine } from '../copy-text';
import type { CopyBatch, CopyCellKind, CopyPlan } from './types';

/**
 * Source rows written as the center's COPY lines by a CopyPlan, from the fields' bytes as the source
 * sent them: MySQL's text protocol (raw text, escaped here) or PostgreSQL's own COPY out (already
 * escaped, passed through). The caller marks each row's fields in `starts`/`ends` (-1: null) and calls
 * row(); nothing is decoded into JavaScript values but a key of several columns.
 */

const ZERO_DATE = Buffer.from('0000-00-00 00:00:00');

/** '', 0000-00-00 and 0000-00-00 00:00:00: no value (EMPTY_VALUES, in bytes). */
function isEmpty(buf: Buffer, start: number, end: number): boolean {
  const n = end - start;
  return (
    n === 0 || ((n === 10 || n === 19) && buf[start] === 48 /* 0 */ && buf.compare(ZERO_DATE, 0, n, start, end) === 0)
  );
}

/** 1, t, true, or a BIT(1) that is set. */
function isTrue(buf: Buffer, start: number, end: number): boolean {
  const n = end - start;
  if (n === 1) return buf[start] === 49 /* 1 */ || buf[start] === 116 /* t */ || buf[start] === 1;
  return n === 4 && buf.toString('latin1', start, end) === 'true';
}

export class CopyRowWriter {
  readonly out = new CopyText();
  rows = 0;
  /** Per source column, where the current row's field starts (-1 for null) and ends in its buffer. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Per source column: text bytes that may not be UTF-8 (MySQL binary strings), decoded before writing. */
  binary: readonly boolean[];
  /** Where the last row's line starts in `out`: its key is read back from there. */
  #lineStart = 0;
  readonly #tail: Buffer;

  /** `escaped`: the fields are COPY text already (PostgreSQL's COPY out), not raw text. */
  constructor(
    readonly plan: CopyPlan,
    width: number,
    private readonly escaped: boolean,
  ) {
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
    this.binary = new Array<boolean>(width).fill(false);
    this.#tail = Buffer.from(plan.tail);
  }

  /** Writes the current row, whose fields lie in `buf`. */
  row(buf: Buffer): void {
    const out = this.out;
    this.#lineStart = out.length;
    this.#key(buf);
    for (const cell of this.plan.cells) {
      out.byte(9);
      this.#cell(buf, cell.at, cell.as);
    }
    out.raw(this.#tail, 0, this.#tail.length);
    this.rows++;
  }

  /** The row key as rowKey() makes it: one column's text, or a JSON array of several (null as "null"). */
  #key(buf: Buffer): void {
    const key = this.plan.key;
    if (key.length === 1) {
      const i = key[0]!;
      if (this.starts[i]! < 0) this.out.ascii('null');
      else this.#text(buf, i);
      return;
    }
    this.out.string(JSON.stringify(key.map((i) => this.#decode(buf, i) ?? 'null')));
  }

  #decode(buf: Buffer, i: number): string | null {
    const start = this.starts[i]!;
    if (start < 0) return null;
    return this.escaped ? decodeCopyField(buf, start, this.ends[i]!) : buf.toString('utf8', start, this.ends[i]);
  }

  #text(buf: Buffer, i: number): void {
    if (this.escaped) this.out.raw(buf, this.starts[i]!, this.ends[i]!);
    else if (this.binary[i]) this.out.string(buf.toString('utf8', this.starts[i], this.ends[i]));
    else this.out.text(buf, this.starts[i]!, this.ends[i]!);
  }

  #cell(buf: Buffer, i: number, as: CopyCellKind): void {
    const start = this.starts[i]!;
    if (start < 0) return this.out.null();
    const end = this.ends[i]!;
    if (as === 'text') return this.#text(buf, i);
    // PostgreSQL's text of bytea is its hex form already.
    if (as === 'bytes') return this.escaped ? this.out.raw(buf, start, end) : this.out.hex(buf, start, end);
    if (isEmpty(buf, start, end)) return this.out.null();
    if (as === 'flag') return this.out.byte(isTrue(buf, start, end) ? 116 : 102);
    this.#text(buf, i);
  }

  /** Hands over the rows written so far, with their last row's key values. */
  take(): CopyBatch {
    const line = this.out.view(this.#lineStart);
    const key = decodeCopyField(line, 0, line.indexOf(9));
    const lastKey: Array<string | null> = this.plan.key.length === 1 ? [key] : (JSON.parse(key!) as string[]);
    const batch = { text: this.out.take(), rows: this.rows, lastKey };
    this.rows = 0;
    this.#lineStart = 0;
    return batch;
  }
}

/** Marks the fields of one line of COPY text (\N: null) in the writer and writes the row. */
function writeLine(writer: CopyRowWriter, buf: Buffer, start: number, end: number): void {
  const { starts, ends } = writer;
  let p = start;
  for (let i = 0; i < starts.length; i++) {
    let e = p;
    while (e < end && buf[e] !== 9) e++;
    if (e - p === 2 && buf[p] === 92 /* \ */ && buf[p + 1] === 78 /* N */) starts[i] = -1;
    else {
      starts[i] = p;
      ends[i] = e;
    }
    p = e + 1;
  }
  writer.row(buf);
}

/** A source's own COPY text ([...columns] per line) as the center's lines, in batches of `limit` rows. */
export async function* rowsOfCopyText(
  input: AsyncIterable<Buffer>,
  width: number,
  plan: CopyPlan,
  limit: number,
): AsyncGenerator<CopyBatch> {
  const writer = new CopyRowWriter(plan, width, true);
  for await (const _ of eachLine(input, (buf, start, end) => {
    writeLine(writer, buf, start, end);
    return writer.rows === limit;
  }))
    yield writer.take();
  if (writer.rows) yield writer.take();
}
