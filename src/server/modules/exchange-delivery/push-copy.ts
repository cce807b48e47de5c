import { CopyText, decodeCopyField, eachLine } from '../exchange-ingest';

/**
 * A push's rows as COPY text from the center's COPY out, masked on the way: a line's unmasked fields
 * pass through as bytes, only the masked ones are decoded, masked and written again. Each line gets
 * its batch number appended, as the consumer's stage keeps it (see targets.ts).
 */

export interface Masker {
  /** The field's position in a line (0 is the row key, never masked). */
  at: number;
  mask: (text: string) => string | null;
}

export interface CopyPushBatch {
  /** Whole lines: the fields read, masked, then the batch number. */
  text: Buffer;
  rows: number;
  batch: number;
  /** The row key of the batch's last line: where a resumed push starts. */
  lastKey: string;
}

const TAB = 9;

class LineMasker {
  readonly out = new CopyText();
  rows = 0;
  #lineStart = 0;
  #tail: Buffer;

  constructor(
    private readonly maskers: readonly Masker[],
    public batch: number,
  ) {
    this.#tail = Buffer.from(`\t${batch}\n`);
  }

  /** One line, [start, end) of `buf` without its newline. */
  line(buf: Buffer, start: number, end: number): void {
    const out = this.out;
    this.#lineStart = out.length;
    let copied = start;
    let field = 0;
    let pos = start;
    for (const m of this.maskers) {
      while (field < m.at) {
        while (pos < end && buf[pos] !== TAB) pos++;
        pos++;
        field++;
      }
      let fieldEnd = pos;
      while (fieldEnd < end && buf[fieldEnd] !== TAB) fieldEnd++;
      out.raw(buf, copied, pos);
      const value = decodeCopyField(buf, pos, fieldEnd);
      const masked = value === null ? null : m.mask(value);
      if (masked === null) out.null();
      else out.string(masked);
      copied = pos = fieldEnd;
    }
    out.raw(buf, copied, end);
    out.raw(this.#tail, 0, this.#tail.length);
    this.rows++;
  }

  take(): CopyPushBatch {
    const line = this.out.view(this.#lineStart);
    const lastKey = decodeCopyField(line, 0, line.indexOf(TAB))!;
    const done = { text: this.out.take(), rows: this.rows, batch: this.batch, lastKey };
    this.rows = 0;
    this.batch += 1;
    this.#tail = Buffer.from(`\t${this.batch}\n`);
    return done;
  }
}

/**
 * Splits COPY text into batches of `size` lines, numbered from `firstBatch`, masking the fields of
 * `maskers` (in ascending position). Lines may break anywhere across the input's chunks.
 */
export async function* maskedBatches(
  input: AsyncIterable<Buffer> | Iterable<Buffer>,
  maskers: readonly Masker[],
  firstBatch: number,
  size: number,
): AsyncGenerator<CopyPushBatch> {
  const lines = new LineMasker(
    [...maskers].sort((a, b) => a.at - b.at),
    firstBatch,
  );
  for await (const _ of eachLine(input, (buf, start, end) => {
    lines.line(buf, start, end);
    return lines.rows === size;
  }))
    yield lines.take();
  if (lines.rows) yield lines.take();
}
