import type { AppContext } from '../../app-context';
import * as repo from './stats-repo';

/**
 * Passive monitoring (R-23 point 4, R-27): what each operation's calls did, counted in memory per
 * hour and added to gw_call_stat every second (flush), with latencies in a histogram over fixed
 * bounds so that p50/p95 of any period are read from the sums (percentileOf) without keeping calls.
 */

/** Upper bounds of the latency buckets, in ms; the last bucket is everything slower. */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
const BUCKETS = LATENCY_BOUNDS_MS.length + 1;

export type CallKind = 'ok' | 'failed' | 'refused';

interface Pending {
  entryId: string;
  operation: string;
  hour: Date;
  calls: number;
  failures: number;
  refusals: number;
  latencySum: number;
  buckets: number[];
}

const HOUR_MS = 3_600_000;

export class CallStats {
  #pending = new Map<string, Pending>();
  /** Systems that called since the last flush, with their last call. */
  #used = new Map<string, Date>();

  constructor(private readonly ctx: AppContext) {}

  count(entryId: string, operation: string, at: Date, latencyMs: number, kind: CallKind): void {
    const hour = new Date(at.getTime() - (at.getTime() % HOUR_MS));
    const key = `${entryId}\n${operation}\n${hour.getTime()}`;
    let p = this.#pending.get(key);
    if (!p) {
      p = {
        entryId,
        operation,
        hour,
        calls: 0,
        failures: 0,
        refusals: 0,
        latencySum: 0,
        buckets: Array(BUCKETS).fill(0),
      };
      this.#pending.set(key, p);
    }
    p.calls++;
    if (kind === 'failed') p.failures++;
    if (kind === 'refused') p.refusals++;
    p.latencySum += Math.round(latencyMs);
    p.buckets[bucketOf(latencyMs)]!++;
  }

  used(systemId: string, at: Date): void {
    this.#used.set(systemId, at);
  }

  async flush(): Promise<void> {
    const rows = [...this.#pending.values()];
    const used = [...this.#used];
    this.#pending = new Map();
    this.#used = new Map();
    await repo.addCallStats(this.ctx.db, rows);
    await repo.touchSystems(this.ctx.db, used);
  }
}

function bucketOf(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((b) => ms <= b);
  return i < 0 ? BUCKETS - 1 : i;
}

/** The p-th percentile from summed bucket counts: the upper bound of the bucket it falls in (null: no calls). */
export function percentileOf(buckets: readonly number[], p: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!;
    if (seen >= rank) return LATENCY_BOUNDS_MS[i] ?? Infinity;
  }
  return Infinity;
}
