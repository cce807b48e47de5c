import type { AppContext } from '../../app-context';
import { recordAudit, type RecordInput } from '../../platform/audit/service';

/**
 * R-42 for gateway calls: every call is one audit event, recorded through the one audit mechanism
 * (recordAudit, whose writer chains events in shared batches) after the response has gone, so a slow
 * audit write does not hold a response — up to a bound: with BOUND events not yet committed, a call
 * waits for room before it is answered, so a stalled log slows the gateway instead of growing memory
 * without end. On a graceful stop the gateway waits for every event (drain).
 */
const BOUND = 10_000;

export class CallAudit {
  #inFlight = 0;
  #waiters: Array<() => void> = [];
  #idle: Array<() => void> = [];

  constructor(private readonly ctx: AppContext) {}

  /** Resolves when there is room for one more event. */
  async room(): Promise<void> {
    while (this.#inFlight >= BOUND) await new Promise<void>((r) => this.#waiters.push(r));
  }

  record(event: RecordInput): void {
    this.#inFlight++;
    recordAudit(this.ctx, event)
      .catch((e: unknown) => this.ctx.log.error({ err: e, action: event.action }, 'gateway: audit event not written'))
      .finally(() => {
        this.#inFlight--;
        this.#waiters.shift()?.();
        if (!this.#inFlight) for (const r of this.#idle.splice(0)) r();
      });
  }

  /** Resolves once every event recorded so far is written. */
  drain(): Promise<void> {
    return this.#inFlight ? new Promise<void>((r) => this.#idle.push(r)) : Promise.resolve();
  }
}
