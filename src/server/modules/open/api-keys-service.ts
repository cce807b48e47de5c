import type { AppContext } from '../../app-context';
import { newToken, hashToken } from '../../platform/auth/tokens';
import { addDays, shanghaiDate } from '../../platform/calendar/dates';
import type { Actor } from '../../platform/context';
import { AppError, notFound } from '../../platform/errors';
import {
  API_KEY_PREFIX,
  API_KEY_SHOWN_CHARS,
  DEFAULT_DAILY_QUOTA,
  DEFAULT_RATE_PER_MINUTE,
  KEY_STATS_DAYS,
  MAX_ACTIVE_KEYS,
} from '../../../shared/open/api-keys';
import * as repo from './api-keys-repo';
import type { ApiKey, ApiKeyInput, ApiKeyList, ApiKeyStats, CreatedApiKey } from './api-keys-schemas';

/**
 * free API keys for registered public users, managed in their centre. A key is 256 random
 * bits shown once; the platform keeps its SHA-256 (a fast hash is enough for a key this long — no
 * dictionary to guess from), so a leaked table opens nothing. Rows are always the caller's own.
 */

function toKey(k: repo.KeyRow, callsToday = 0): ApiKey {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    status: k.status,
    ratePerMinute: k.rate_per_minute,
    dailyQuota: k.daily_quota,
    createdAt: k.created_at.toISOString(),
    revokedAt: k.revoked_at?.toISOString() ?? null,
    lastUsedAt: k.last_used_at?.toISOString() ?? null,
    callsToday,
  };
}

const unknownKey = () => notFound('API key', 'API 密钥');

export async function listKeys(ctx: AppContext, actor: Actor): Promise<ApiKeyList> {
  const [keys, today] = await Promise.all([
    repo.listKeys(ctx.db, actor.userId),
    repo.todayOf(ctx.db, actor.userId, shanghaiDate(ctx.clock.now())),
  ]);
  const calls = new Map(today.map((u) => [u.key_id, u.calls]));
  return { items: keys.map((k) => toKey(k, calls.get(k.id))), maxActive: MAX_ACTIVE_KEYS };
}

export async function createKey(ctx: AppContext, actor: Actor, input: ApiKeyInput): Promise<CreatedApiKey> {
  const name = input.name.trim();
  if (!name) throw new AppError(400, 'OPEN_KEY_NAME_REQUIRED', 'Name the key', '请填写密钥名称');
  // The route runs in the request's change transaction: the lock holds until the key and its audit row commit.
  await repo.lockUser(ctx.db, actor.userId);
  if ((await repo.countActive(ctx.db, actor.userId)) >= MAX_ACTIVE_KEYS)
    throw new AppError(
      409,
      'OPEN_KEY_LIMIT',
      `An account may hold at most ${MAX_ACTIVE_KEYS} active keys; revoke one first`,
      `每个账号最多持有 ${MAX_ACTIVE_KEYS} 个有效密钥，请先停用不再使用的密钥`,
    );
  const key = `${API_KEY_PREFIX}${newToken()}`;
  const row = await repo.insertKey(ctx.db, {
    user_id: actor.userId,
    name,
    prefix: key.slice(0, API_KEY_SHOWN_CHARS),
    key_hash: hashToken(key),
    rate_per_minute: DEFAULT_RATE_PER_MINUTE,
    daily_quota: DEFAULT_DAILY_QUOTA,
    created_at: ctx.clock.now(),
    revoked_at: null,
    last_used_at: null,
  });
  return { key, item: toKey(row) };
}

export async function revokeKey(ctx: AppContext, actor: Actor, id: string): Promise<ApiKey> {
  const found = await repo.findKey(ctx.db, actor.userId, id);
  if (!found) throw unknownKey();
  // Revoking twice is the same as once: the key stays revoked from the first time.
  await repo.revokeKey(ctx.db, actor.userId, id, ctx.clock.now());
  return toKey((await repo.findKey(ctx.db, actor.userId, id))!);
}

/** The key's calls per Beijing day over the last KEY_STATS_DAYS days, today included. */
export async function keyStats(ctx: AppContext, actor: Actor, id: string): Promise<ApiKeyStats> {
  if (!(await repo.findKey(ctx.db, actor.userId, id))) throw unknownKey();
  const today = shanghaiDate(ctx.clock.now());
  const from = addDays(today, 1 - KEY_STATS_DAYS);
  const rows = new Map((await repo.usageOf(ctx.db, actor.userId, id, from)).map((u) => [u.day, u]));
  const days = Array.from({ length: KEY_STATS_DAYS }, (_, i) => {
    const day = addDays(from, i);
    const u = rows.get(day);
    return { day, calls: u?.calls ?? 0, rows: Number(u?.rows ?? 0), refused: u?.refused ?? 0 };
  });
  const sum = (f: 'calls' | 'rows' | 'refused') => days.reduce((n, d) => n + d[f], 0);
  return { keyId: id, days, totals: { calls: sum('calls'), rows: sum('rows'), refused: sum('refused') } };
}
