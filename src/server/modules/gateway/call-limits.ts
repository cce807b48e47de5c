import type { AppContext } from '../../app-context';
import { endOfShanghaiDay, shanghaiDate } from '../../platform/calendar/dates';
import * as repo from './usage-repo';

/**
 * Calls per minute and per Beijing day, per grant (its terms, else the upstream's defaults).
 *
 * The minute is a sliding-window counter: this minute's count plus the last minute's weighted by how
 * much of it still lies in the window — constant memory and time per grant, where a log of instants
 * would cost one entry per call at thousands a minute. The day's count is loaded once per grant and
 * day, counted in memory and added to gw_usage in batches (flush), so the quota survives a restart
 * (less the last unflushed second). Both are per process, as the open API's limits are: a cluster
 * needs them in a shared store.
 */

export interface Limits {
  perMinute: number;
  perDay: number;
}

export type Verdict =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; code: 'RATE_LIMITED' | 'QUOTA_EXCEEDED'; retryAfter: number; headers: Record<string, string> };

interface Minute {
  start: number;
  count: number;
  previous: number;
}

interface Day {
  day: string;
  calls: number;
  pendingCalls: number;
  pendingRefused: number;
  loaded: Promise<void>;
}

const MINUTE_MS = 60_000;

export class CallLimits {
  readonly #minutes = new Map<string, Minute>();
  readonly #days = new Map<string, Day>();

  constructor(private readonly ctx: AppContext) {}

  async take(grantId: string, limits: Limits, now: Date): Promise<Verdict> {
    const t = now.getTime();
    const day = await this.#day(grantId, shanghaiDate(now));
    const m = this.#minute(grantId, t);
    const elapsed = (t - m.start) / MINUTE_MS;
    const used = m.previous * (1 - elapsed) + m.count;
    const resetSeconds = Math.ceil((m.start + MINUTE_MS - t) / 1000);
    const headers = (remaining: number) => ({
      'x-ratelimit-limit': String(limits.perMinute),
      'x-ratelimit-remaining': String(Math.max(0, Math.floor(remaining))),
      'x-ratelimit-reset': String(resetSeconds),
      'x-quota-limit': String(limits.perDay),
      'x-quota-remaining': String(Math.max(0, limits.perDay - day.calls)),
    });
    if (used + 1 > limits.perMinute) {
      day.pendingRefused++;
      // When the last minute's weight has fallen enough for one more call (or this minute ends).
      const free = m.previous > 0 ? 1 - (limits.perMinute - 1 - m.count) / m.previous : 1;
      const wait = m.count + 1 > limits.perMinute ? m.start + MINUTE_MS - t : (free - elapsed) * MINUTE_MS;
      return { ok: false, code: 'RATE_LIMITED', retryAfter: seconds(wait), headers: headers(0) };
    }
    if (day.calls >= limits.perDay) {
      day.pendingRefused++;
      const wait = endOfShanghaiDay(day.day).getTime() + 1 - t;
      return { ok: false, code: 'QUOTA_EXCEEDED', retryAfter: seconds(wait), headers: headers(0) };
    }
    m.count++;
    day.calls++;
    day.pendingCalls++;
    return { ok: true, headers: headers(limits.perMinute - used - 1) };
  }

  /** Adds the counts taken since the last flush to gw_usage. */
  async flush(): Promise<void> {
    const rows: Array<{ grantId: string; day: string; calls: number; refused: number }> = [];
    for (const [grantId, d] of this.#days) {
      if (!d.pendingCalls && !d.pendingRefused) continue;
      rows.push({ grantId, day: d.day, calls: d.pendingCalls, refused: d.pendingRefused });
      d.pendingCalls = d.pendingRefused = 0;
    }
    await repo.addUsage(this.ctx.db, rows);
  }

  #minute(grantId: string, t: number): Minute {
    const start = t - (t % MINUTE_MS);
    let m = this.#minutes.get(grantId);
    if (!m) this.#minutes.set(grantId, (m = { start, count: 0, previous: 0 }));
    else if (m.start !== start) {
      m.previous = start - m.start === MINUTE_MS ? m.count : 0;
      m.start = start;
      m.count = 0;
    }
    return m;
  }

  async #day(grantId: string, today: string): Promise<Day> {
    let d = this.#days.get(grantId);
    if (!d || d.day !== today) {
      // Yesterday's unflushed counts go out with the next flush under their own day.
      if (d && (d.pendingCalls || d.pendingRefused)) await this.flush();
      const fresh: Day = { day: today, calls: 0, pendingCalls: 0, pendingRefused: 0, loaded: Promise.resolve() };
      fresh.loaded = repo.callsOn(this.ctx.db, grantId, today).then((n) => void (fresh.calls += n));
      this.#days.set(grantId, (d = fresh));
    }
    await d.loaded;
    return d;
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
