import type { Db } from '../../app-context';
import { sealAndAppend, type AuditInput } from './repo';

/** Events per transaction: large enough to spread a commit over many events, small enough to keep it short. */
export const BATCH = 1000;

interface Waiting {
  input: AuditInput;
  settle: (e?: unknown) => void;
}

/**
 * The chaining writer of one database in this process. Events recorded outside any transaction
 * (reads, denials, the job runner's system events) wait here for the next batch, which one
 * transaction appends already chained: concurrent requests share a commit instead of queueing on
 * a row lock. The caller's promise settles when its event has committed, so a request whose event
 * could not be written still fails. (Overlapping two batches was tried: it halves the batches and
 * gains nothing.)
 */
class AuditWriter {
  #queue: Waiting[] = [];
  #running = false;

  constructor(private readonly db: Db) {}

  append(input: AuditInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ input, settle: (e) => (e === undefined ? resolve() : reject(e)) });
      if (!this.#running) {
        this.#running = true;
        // setImmediate lets the events of the requests running now join this batch.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length) {
      const batch = this.#queue.splice(0, BATCH);
      try {
        // Rows other transactions committed unsealed are chained first, in the order they committed.
        await this.db.transaction().execute((trx) =>
          sealAndAppend(
            trx,
            batch.map((w) => w.input),
            BATCH,
          ),
        );
        for (const w of batch) w.settle();
      } catch (e) {
        for (const w of batch) w.settle(e);
      }
    }
    this.#running = false;
  }
}

const writers = new WeakMap<Db, AuditWriter>();

export function auditWriter(db: Db): AuditWriter {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = new AuditWriter(db)));
  return w;
}
