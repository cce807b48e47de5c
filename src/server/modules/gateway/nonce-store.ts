import type { AppContext } from '../../app-context';
import { MAX_SKEW_SECONDS } from '../../platform/crypto/request-signing';
import * as repo from './usage-repo';

/**
 * Nonces of signed calls, remembered for twice the clock skew allowed (a request older than the skew
 * is refused anyway), so a replayed request is refused. The set lives in memory for the call's path and
 * is written to gw_nonce in batches (flush), and read back when the process starts, so a restart does
 * not forget the window. A crash loses at most the last unflushed second.
 */
export const NONCE_WINDOW_MS = 2 * MAX_SKEW_SECONDS * 1000;

export class NonceStore {
  readonly #seen = new Map<string, number>();
  #pending: Array<{ appKey: string; nonce: string; at: Date }> = [];
  #loaded: Promise<void> | null = null;
  #sweptAt = 0;

  constructor(private readonly ctx: AppContext) {}

  /** true: first use; false: a replay within the window. */
  async take(appKey: string, nonce: string, now: Date): Promise<boolean> {
    await (this.#loaded ??= this.#load(now));
    const t = now.getTime();
    this.#sweep(t);
    const key = `${appKey}\n${nonce}`;
    const seen = this.#seen.get(key);
    if (seen !== undefined && seen > t - NONCE_WINDOW_MS) return false;
    this.#seen.set(key, t);
    this.#pending.push({ appKey, nonce, at: now });
    return true;
  }

  async flush(): Promise<void> {
    if (!this.#pending.length) return;
    const batch = this.#pending;
    this.#pending = [];
    await repo.insertNonces(this.ctx.db, batch);
  }

  async #load(now: Date): Promise<void> {
    for (const r of await repo.recentNonces(this.ctx.db, new Date(now.getTime() - NONCE_WINDOW_MS)))
      this.#seen.set(`${r.app_key}\n${r.nonce}`, r.at.getTime());
  }

  #sweep(t: number): void {
    if (t - this.#sweptAt < 60_000) return;
    this.#sweptAt = t;
    for (const [k, at] of this.#seen) if (at <= t - NONCE_WINDOW_MS) this.#seen.delete(k);
  }
}
