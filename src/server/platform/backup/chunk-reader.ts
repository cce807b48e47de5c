/**
 * Reads a byte stream as the backup body is framed: text lines (headers and rows) and runs of raw
 * bytes (stored files), without ever holding more than one line or one chunk in memory.
 */
export class ChunkReader {
  #buf: Buffer = Buffer.alloc(0);
  #ended = false;
  readonly #source: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  async #fill(): Promise<boolean> {
    if (this.#ended) return false;
    const next = await this.#source.next();
    if (next.done) {
      this.#ended = true;
      return false;
    }
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, next.value]) : next.value;
    return true;
  }

  /** The next line without its newline, or null at the end of the stream. */
  async line(): Promise<string | null> {
    let from = 0;
    for (;;) {
      const nl = this.#buf.indexOf(10, from);
      if (nl >= 0) {
        const text = this.#buf.toString('utf8', 0, nl);
        this.#buf = this.#buf.subarray(nl + 1);
        return text;
      }
      from = this.#buf.length;
      if (!(await this.#fill())) {
        if (this.#buf.length) throw new Error('the stream ends inside a line');
        return null;
      }
    }
  }

  /** Exactly n bytes, chunk by chunk; the stream ending early is an error. */
  async *bytes(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!this.#buf.length && !(await this.#fill())) throw new Error('the stream ends inside a file');
      const take = Math.min(left, this.#buf.length);
      yield this.#buf.subarray(0, take);
      this.#buf = this.#buf.subarray(take);
      left -= take;
    }
  }
}
