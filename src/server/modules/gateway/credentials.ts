import type { AppContext } from '../../app-context';
import { hashToken } from '../../platform/auth/tokens';
import { secretBox } from '../../platform/crypto/secret-box';
import * as repo from './systems-repo';

/**
 * The consuming systems behind the gateway's calls, kept in memory a few seconds so a call costs no
 * query for them. A change made in this process (rotation, disabling) forgets the entry once it has
 * committed; another process's change is seen within TTL_MS.
 */

const TTL_MS = 5_000;

export interface CallerSystem {
  id: string;
  appKey: string;
  name: string;
  departmentId: string;
  departmentName: string;
  active: boolean;
  secret: string;
  previousSecret: string | null;
  /** Epoch ms until which the previous secret is still accepted. */
  previousUntil: number;
}

export const sealContext = (systemId: string) => `gw_system:${systemId}`;

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export class Credentials {
  readonly #systems = new Map<string, Cached<CallerSystem | null>>();
  readonly #tokens = new Map<string, Cached<{ appKey: string; expiresAt: number } | null>>();

  system(ctx: AppContext, appKey: string): Promise<CallerSystem | null> {
    return cached(this.#systems, appKey, () => loadSystem(ctx, appKey));
  }

  /** The app key a bearer token stands for, if it is live. */
  async tokenKey(ctx: AppContext, token: string): Promise<string | null> {
    const hash = hashToken(token);
    const t = await cached(this.#tokens, hash, async () => {
      const r = await repo.tokenSystem(ctx.db, hash, ctx.clock.now());
      return r ? { appKey: r.app_key, expiresAt: r.expires_at.getTime() } : null;
    });
    return t && t.expiresAt > ctx.clock.now().getTime() ? t.appKey : null;
  }

  forget(appKey: string): void {
    this.#systems.delete(appKey);
    // Rare (a rotation or a disabling): the tokens of every system are looked up again.
    this.#tokens.clear();
  }
}

function cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = map.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.value;
  if (map.size > 10_000) map.clear();
  const value = load();
  map.set(key, { at: now, value });
  // A failed load is not remembered.
  value.catch(() => {
    if (map.get(key)?.value === value) map.delete(key);
  });
  return value;
}

async function loadSystem(ctx: AppContext, appKey: string): Promise<CallerSystem | null> {
  const r = await repo.systemByKey(ctx.db, appKey);
  if (!r) return null;
  const box = secretBox(ctx.config);
  return {
    id: r.id,
    appKey: r.app_key,
    name: r.name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    active: r.status === 'active',
    secret: box.open(r.secret, sealContext(r.id)),
    previousSecret: r.previous_secret ? box.open(r.previous_secret, sealContext(r.id)) : null,
    previousUntil: r.previous_until?.getTime() ?? 0,
  };
}
