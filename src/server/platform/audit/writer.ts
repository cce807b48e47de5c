import type { Db } from '../../app-context';
import { appendAhead, chainAhead, sealAndAppend, type AuditInput, type ChainHead, type ChainedAhead } from './repo';

/**
 * Events per transaction, and batches in flight at once (while one commits, the next ones write their
 * rows). Measured with bench/audit (256 callers): 128 × 3 appended 28–31k events/s, 64 × 4 about 25k,
 * 32 × 8 17k; smaller batches spend the server's time on statements and commits, not rows; more of
 * them in flight leave more to redo when the head moves.
 */
const BATCH = 128;
const DEPTH = 3;

interface Waiting {
  input: AuditInput;
  settle: (e?: unknown) => void;
}

/**
 * The chaining writer of one database in this process. Events recorded outside any transaction
 * (reads, denials, gateway calls, the job runner's system events) wait here for the next batch, which
 * one transaction appends already chained: concurrent requests share a commit instead of queueing on
 * a row lock.
 *
 * Batches overlap. Each batch is chained after the head the batch before it will leave, and inserts its
 * rows at once while the batches before it still commit. Then, once the batch before it holds the head
 * (so the updates queue in order), it moves the head past its rows; that waits for the commit ahead and
 * succeeds only if the head is then the one it followed and no committed event waits unsealed (it must
 * come first). If another process or the sealer moved the head, a batch ahead failed, or an event recorded
 * inside a transaction waits, it rolls back; the writer lets the batches in flight finish, and the
 * next batch chains again under the head's lock. A caller's promise settles when its event has
 * committed, so a request whose event could not be written still fails.
 */
class AuditWriter {
  #queue: Waiting[] = [];
  #open = 0;
  #scheduled = false;
  /** Set when a batch found the head moved: no batch starts until those in flight are done. */
  #draining = false;
  /** The head the newest batch leaves if it commits; undefined when unknown. */
  #lastHead: ChainHead | undefined;
  /** Settles once the newest batch holds the head (or gave up on it). */
  #lastHeld: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Db) {}

  append(input: AuditInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ input, settle: (e) => (e === undefined ? resolve() : reject(e)) });
      this.#schedule();
    });
  }

  /** A batch may start if there is room and the head it follows is known (or nothing is in flight). */
  #canStart(): boolean {
    if (!this.#queue.length || this.#open >= DEPTH) return false;
    return this.#open === 0 || (!this.#draining && this.#lastHead !== undefined);
  }

  #schedule(): void {
    if (this.#scheduled || !this.#canStart()) return;
    this.#scheduled = true;
    // setImmediate lets the events of the requests running now join this batch.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#canStart()) this.#start();
      this.#schedule();
    });
  }

  #start(): void {
    const batch = this.#queue.splice(0, BATCH);
    const inputs = batch.map((w) => w.input);
    // Chained now, in order, so that the next batch can follow this one before it is written.
    const ahead = this.#lastHead && chainAhead(this.#lastHead, inputs);
    this.#lastHead = ahead?.head;
    const before = this.#lastHeld;
    let held!: () => void;
    this.#lastHeld = new Promise<void>((resolve) => (held = resolve));
    this.#open++;
    void this.#write(inputs, ahead, before, held).then(
      () => this.#done(batch),
      (e: unknown) => this.#done(batch, e),
    );
  }

  async #write(inputs: AuditInput[], ahead: ChainedAhead | undefined, before: Promise<unknown>, held: () => void) {
    try {
      if (ahead && (await this.#writeAhead(ahead, before, held))) return;
      await this.db.transaction().execute(async (trx) => {
        const { head } = await sealAndAppend(trx, inputs);
        // The only batch in flight: the next ones can follow it while it commits.
        if (this.#open === 1 && !this.#draining) this.#lastHead = head;
        held();
        this.#schedule();
      });
    } finally {
      held();
    }
  }

  /** The fast path; false when the head had moved (nothing written). */
  async #writeAhead(ahead: ChainedAhead, before: Promise<unknown>, held: () => void): Promise<boolean> {
    if (await appendAhead(this.db, ahead, { before, held })) return true;
    // The batches after this one followed it: they fail too. Start afresh when they are done.
    this.#draining = true;
    this.#lastHead = undefined;
    return false;
  }

  #done(batch: Waiting[], e?: unknown): void {
    this.#open--;
    if (e !== undefined) {
      this.#draining = true;
      this.#lastHead = undefined;
    }
    if (this.#open === 0) this.#draining = false;
    for (const w of batch) w.settle(e);
    this.#schedule();
  }
}

const writers = new WeakMap<Db, AuditWriter>();

export function auditWriter(db: Db): AuditWriter {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = new AuditWriter(db)));
  return w;
}
