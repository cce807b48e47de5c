import type { AppContext } from '../../app-context';
import { hashToken } from '../../platform/auth/tokens';
import { endOfShanghaiDay, shanghaiDate } from '../../platform/calendar/dates';
import { AppError } from '../../platform/errors';
import { API_KEY_PREFIX } from '../../../shared/open/api-keys';
import * as repo from './api-keys-repo';

/**
 * who may call the open API and how often. A call presents a key; an unknown or revoked key
 * is refused with 401. Each key has a rate per sliding minute (in this process) and a quota per
 * Beijing day (counted in the database, so a restart does not hand out a fresh day).
 */

const WINDOW_MS = 60_000;

/**
 * A sliding-window log per key: the instants of the calls answered in the last minute. Kept in this
 * process, which is right for one server. Behind a load balancer with several servers each would
 * grant the full rate; a cluster needs the window in a shared store (e.g. a Redis sorted set per key
 * with ZREMRANGEBYSCORE/ZADD/ZCARD in one MULTI, or a token bucket in a Lua script) instead.
 */
export class SlidingWindowLimiter {
  private readonly calls = new Map<string, number[]>();
  private sweptAt = 0;

  /** Takes a call at `now` (ms) within `limit` per minute; otherwise how long until one is free. */
  take(key: string, limit: number, now: number): { ok: true; remaining: number } | { ok: false; retryAfterMs: number } {
    this.sweep(now);
    const since = now - WINDOW_MS;
    const log = (this.calls.get(key) ?? []).filter((t) => t > since);
    if (log.length >= limit) {
      this.calls.set(key, log);
      // The oldest call in the window leaves it first; then one more is allowed.
      return { ok: false, retryAfterMs: log[log.length - limit]! + WINDOW_MS - now };
    }
    log.push(now);
    this.calls.set(key, log);
    return { ok: true, remaining: limit - log.length };
  }

  /** Forgets keys idle for a minute, at most once a minute, so memory follows the keys in use. */
  private sweep(now: number): void {
    if (now - this.sweptAt < WINDOW_MS) return;
    this.sweptAt = now;
    for (const [k, log] of this.calls) if (!log.length || log[log.length - 1]! <= now - WINDOW_MS) this.calls.delete(k);
  }
}

/** The key behind an admitted call, as the handlers and the audit log need it. */
export interface KeyCaller {
  keyId: string;
  userId: string;
  prefix: string;
  /** Beijing date the call was counted on (its rows go to the same day). */
  day: string;
}

const invalidKey = () =>
  new AppError(
    401,
    'OPEN_API_KEY_INVALID',
    'Unknown or revoked API key: send a valid key in the X-API-Key header',
    'API 密钥无效或已停用，请在 X-API-Key 请求头中提供有效密钥',
  );

const secondsFrom = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Counts the refusal, then refuses with 429 and Retry-After (set on the reply before the error is sent). */
async function refuse(
  ctx: AppContext,
  setHeader: (name: string, value: string) => void,
  keyId: string,
  day: string,
  retryAfterMs: number,
  err: (seconds: number) => AppError,
): Promise<never> {
  await repo.countRefused(ctx.db, keyId, day);
  const seconds = secondsFrom(retryAfterMs);
  setHeader('retry-after', String(seconds));
  throw err(seconds);
}

/** Who the key belongs to, as the audit log names a caller. */
export interface KeyOwner {
  userId: string;
  username: string;
  realName: string;
  roles: string[];
}

export interface Presented {
  key: string | undefined;
  setHeader: (name: string, value: string) => void;
  /** Told the key's owner as soon as the key is known, before any limit may refuse the call. */
  identified: (owner: KeyOwner, prefix: string) => void;
}

/**
 * Admits one call or throws: 401 without a valid key, 429 over the minute's rate or the day's
 * quota. An admitted call is counted on the day's usage row before it is answered.
 */
export async function admitCall(ctx: AppContext, limiter: SlidingWindowLimiter, p: Presented): Promise<KeyCaller> {
  const presented = p.key?.trim();
  if (!presented?.startsWith(API_KEY_PREFIX)) throw invalidKey();
  const k = await repo.keyByHash(ctx.db, hashToken(presented));
  if (!k || k.status !== 'active' || k.user_status !== 'active') throw invalidKey();
  p.identified({ userId: k.user_id, username: k.username, realName: k.real_name, roles: k.roles }, k.prefix);
  const now = ctx.clock.now();
  const day = shanghaiDate(now);
  const rate = limiter.take(k.id, k.rate_per_minute, now.getTime());
  if (!rate.ok)
    await refuse(
      ctx,
      p.setHeader,
      k.id,
      day,
      rate.retryAfterMs,
      (s) =>
        new AppError(
          429,
          'OPEN_API_RATE_LIMITED',
          `Rate limit of ${k.rate_per_minute} calls a minute reached; retry in ${s} s`,
          `调用过于频繁（每分钟最多 ${k.rate_per_minute} 次），请 ${s} 秒后重试`,
          { retryAfter: s, limit: k.rate_per_minute },
        ),
    );
  const calls = await repo.takeCall(ctx.db, k.id, day, k.daily_quota);
  if (calls === null)
    await refuse(
      ctx,
      p.setHeader,
      k.id,
      day,
      endOfShanghaiDay(day).getTime() + 1 - now.getTime(),
      (s) =>
        new AppError(
          429,
          'OPEN_API_QUOTA_EXCEEDED',
          `Daily quota of ${k.daily_quota} calls used up; it renews at midnight Beijing time (in ${s} s)`,
          `今日调用次数已达上限（${k.daily_quota} 次），北京时间零点后恢复`,
          { retryAfter: s, quota: k.daily_quota },
        ),
    );
  await repo.touchKey(ctx.db, k.id, now);
  p.setHeader('x-ratelimit-limit', String(k.rate_per_minute));
  p.setHeader('x-ratelimit-remaining', String(rate.ok ? rate.remaining : 0));
  p.setHeader('x-quota-limit', String(k.daily_quota));
  p.setHeader('x-quota-remaining', String(Math.max(0, k.daily_quota - (calls ?? k.daily_quota))));
  return { keyId: k.id, userId: k.user_id, prefix: k.prefix, day };
}

/** Rows a call returned, on the day it was counted. */
export const countRows = (ctx: AppContext, c: KeyCaller, rows: number) => repo.addRows(ctx.db, c.keyId, c.day, rows);
