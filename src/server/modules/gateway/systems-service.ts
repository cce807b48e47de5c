import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../app-context';
import { hashToken, newToken } from '../../platform/auth/tokens';
import type { Actor } from '../../platform/context';
import { secrets } from '../../platform/crypto/key-ring';
import { AppError, badRequest, notFound } from '../../platform/errors';
import { scopeOf } from '../../platform/rbac/scope';
import { sealContext, type Credentials } from './credentials';
import type { ConsumingSystem } from './schemas';
import * as repo from './systems-repo';

/**
 * R-23 application credentials: a consuming department registers each of its systems and gets an app
 * key and secret. The secret is shown once and stored sealed (SM4), because checking an HMAC-SM3
 * signature needs it; it can be rotated with a grace period for the old one; a disabled system's
 * calls stop at once (its tokens are deleted, and its route tells the gateway's cache once committed).
 */

export const TOKEN_TTL_SECONDS = 30 * 60;

const viewer = (actor: Actor) => scopeOf(actor, 'gateway.system.manage');
const newKey = () => `gw${randomBytes(10).toString('hex')}`;
const newSecret = () => randomBytes(32).toString('base64url');

function toSystem(r: repo.SystemRow, now: Date): ConsumingSystem {
  const grace = r.previous_until && r.previous_until > now ? r.previous_until.toISOString() : null;
  return {
    id: r.id,
    departmentId: r.department_id,
    departmentName: r.department_name,
    name: r.name,
    description: r.description,
    appKey: r.app_key,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    rotatedAt: r.rotated_at?.toISOString() ?? null,
    previousSecretUntil: grace,
    disabledAt: r.disabled_at?.toISOString() ?? null,
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
  };
}

export async function listSystems(ctx: AppContext, actor: Actor, departmentId?: string) {
  const rows = await repo.listSystems(ctx.db, viewer(actor), departmentId);
  return rows.map((r) => toSystem(r, ctx.clock.now()));
}

async function loadSystem(ctx: AppContext, actor: Actor, id: string) {
  const r = await repo.findSystem(ctx.db, id, viewer(actor));
  if (!r) throw notFound('Consuming system', '应用系统');
  return r;
}

export async function createSystem(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; description?: string; departmentId?: string },
): Promise<{ system: ConsumingSystem; appSecret: string }> {
  const name = input.name.trim();
  if (!name) throw badRequest('GATEWAY_SYSTEM_NAME', 'Name the system', '请填写应用系统名称');
  const scope = viewer(actor);
  const departmentId = scope.kind === 'all' ? (input.departmentId ?? actor.departmentId) : actor.departmentId;
  if (!departmentId)
    throw badRequest(
      'GATEWAY_SYSTEM_DEPARTMENT',
      'Say which department the system belongs to',
      '请选择应用系统所属部门',
    );
  const secret = newSecret();
  const id = crypto.randomUUID();
  await repo.insertSystem(ctx.db, {
    id,
    department_id: departmentId,
    name,
    description: input.description?.trim() || null,
    app_key: newKey(),
    secret: await secrets(ctx).seal(secret, sealContext(id)),
    created_at: ctx.clock.now(),
    created_by: actor.userId,
  });
  return { system: toSystem((await repo.findSystem(ctx.db, id, scope))!, ctx.clock.now()), appSecret: secret };
}

/** A new secret; the previous one keeps working for graceMinutes so callers can switch over. */
export async function rotateSecret(ctx: AppContext, actor: Actor, id: string, graceMinutes: number) {
  const r = await loadSystem(ctx, actor, id);
  if (r.status !== 'active')
    throw new AppError(409, 'GATEWAY_SYSTEM_DISABLED', 'Enable the system first', '应用系统已停用，请先启用');
  const now = ctx.clock.now();
  const secret = newSecret();
  await repo.updateSystem(ctx.db, id, {
    secret: await secrets(ctx).seal(secret, sealContext(id)),
    previous_secret: graceMinutes > 0 ? r.secret : null,
    previous_until: graceMinutes > 0 ? new Date(now.getTime() + graceMinutes * 60_000) : null,
    rotated_at: now,
  });
  if (!graceMinutes) await repo.deleteTokensOf(ctx.db, id);
  return { system: toSystem(await loadSystem(ctx, actor, id), now), appSecret: secret };
}

export async function setEnabled(ctx: AppContext, actor: Actor, id: string, enabled: boolean) {
  await loadSystem(ctx, actor, id);
  const now = ctx.clock.now();
  await repo.updateSystem(ctx.db, id, { status: enabled ? 'active' : 'disabled', disabled_at: enabled ? null : now });
  if (!enabled) await repo.deleteTokensOf(ctx.db, id);
  return toSystem(await loadSystem(ctx, actor, id), now);
}

const badCredentials = () =>
  new AppError(401, 'GATEWAY_CREDENTIALS_INVALID', 'Unknown app key or wrong secret', '应用标识或密钥不正确');

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A bearer token for a system that proves its key and secret; lives TOKEN_TTL_SECONDS. */
export async function issueToken(ctx: AppContext, creds: Credentials, appKey: string, appSecret: string) {
  const s = await creds.system(ctx, appKey);
  const now = ctx.clock.now();
  const ok =
    s?.active &&
    (same(s.secret, appSecret) ||
      (s.previousSecret !== null && s.previousUntil > now.getTime() && same(s.previousSecret, appSecret)));
  if (!s || !ok) throw badCredentials();
  const token = newToken();
  await repo.insertToken(ctx.db, {
    token_hash: hashToken(token),
    system_id: s.id,
    expires_at: new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000),
  });
  return { accessToken: token, tokenType: 'Bearer' as const, expiresIn: TOKEN_TTL_SECONDS, system: s };
}
