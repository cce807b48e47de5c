import type { AppContext } from '../../app-context';
import { hashToken } from '../../platform/auth/tokens';
import { secrets } from '../../platform/crypto/key-ring';
import * as repo from './systems-repo';
import { remember, type TtlCache } from './ttl-cache';

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

export class Credentials {
  readonly #systems: TtlCache<CallerSystem | null> = new Map();
  readonly #tokens: TtlCache<{ appKey: string; expiresAt: number } | null> = new Map();

  system(ctx: AppContext, appKey: string): Promise<CallerSystem | null> {
    return remember(this.#systems, appKey, TTL_MS, () => loadSystem(ctx, appKey));
  }

  /** The app key a bearer token stands for, if it is live. */
  async tokenKey(ctx: AppContext, token: string): Promise<string | null> {
    const hash = hashToken(token);
    const t = await remember(this.#tokens, hash, TTL_MS, async () => {
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

async function loadSystem(ctx: AppContext, appKey: string): Promise<CallerSystem | null> {
  const r = await repo.systemByKey(ctx.db, appKey);
  if (!r) return null;
  const box = secrets(ctx);
  return {
    id: r.id,
    appKey: r.app_key,
    name: r.name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    active: r.status === 'active',
    secret: await box.open(r.secret, sealContext(r.id)),
    previousSecret: r.previous_secret ? await box.open(r.previous_secret, sealContext(r.id)) : null,
    previousUntil: r.previous_until?.getTime() ?? 0,
  };
}
