import type { AppContext } from '../../app-context';
import type { Actor } from '../context';
import { AppError, unauthenticated } from '../errors';
import { MFA_ROLES } from '../rbac/roles';
import { PERMISSIONS, can, type Permission } from '../rbac/permissions';
import * as repo from './repo';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './password';
import { hashToken, newToken } from './tokens';
import { checkTotp, newTotpSecret, totpEnrolment } from './totp';
import { openMfaSecret, sealMfaSecret } from './mfa-secret';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
/** A session ends after this long even when used all the time. */
const ABSOLUTE_SESSION_HOURS = 12;
const MINUTE = 60_000;

/** A hash of a throw-away password: checking against it keeps "no such user" as slow as "wrong password". */
let dummyHash: Promise<string> | undefined;

export type MfaStep = 'none' | 'verify' | 'enrol';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  mfa: MfaStep;
  actor: Actor;
}

const invalidCredentials = (left?: number) =>
  new AppError(
    401,
    'INVALID_CREDENTIALS',
    left === undefined
      ? 'Wrong user name or password'
      : `Wrong user name or password; ${left} attempt(s) left before the account is locked`,
    left === undefined ? '用户名或密码错误' : `用户名或密码错误，再错${left}次账号将被锁定`,
  );

const accountLocked = (until: Date, now: Date) => {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / MINUTE));
  return new AppError(
    423,
    'ACCOUNT_LOCKED',
    `Account locked after repeated failures; try again in ${minutes} minute(s)`,
    `登录失败次数过多，账号已锁定，请${minutes}分钟后再试`,
  );
};

export async function login(
  ctx: AppContext,
  input: { username: string; password: string; kind: 'cookie' | 'bearer'; ip: string | null; userAgent: string | null },
  onIdentified: (who: {
    userId: string;
    username: string;
    realName: string;
    departmentId: string | null;
    departmentName: string | null;
    roles: string[];
  }) => void,
): Promise<LoginResult> {
  const now = ctx.clock.now();
  const user = await repo.findCredentials(ctx.db, input.username);
  if (!user) {
    await verifyPassword(await (dummyHash ??= hashPassword('dummy-Password-1!')), input.password);
    throw invalidCredentials();
  }
  onIdentified({
    userId: user.id,
    username: user.username,
    realName: user.real_name,
    departmentId: user.department_id,
    departmentName: user.department_name,
    roles: user.roles,
  });
  if (user.status === 'disabled') throw new AppError(403, 'ACCOUNT_DISABLED', 'Account disabled', '账号已停用');
  if (user.locked_until && user.locked_until > now) throw accountLocked(user.locked_until, now);
  if (!(await verifyPassword(user.password_hash, input.password))) {
    const lockUntil = new Date(now.getTime() + LOCK_MINUTES * MINUTE);
    const failures = await repo.countFailedLogin(ctx.db, user.id, MAX_FAILED_LOGINS, lockUntil);
    if (failures >= MAX_FAILED_LOGINS) throw accountLocked(lockUntil, now);
    throw invalidCredentials(MAX_FAILED_LOGINS - failures);
  }
  // Said only after the password matched, so the answer does not tell strangers the address is registered.
  if (user.status === 'pending') {
    throw new AppError(
      403,
      'ACCOUNT_NOT_CONFIRMED',
      'Confirm your e-mail or mobile number with the code we sent before signing in',
      '账号尚未激活，请先输入发送到您邮箱或手机的验证码',
    );
  }
  await repo.markLoginSucceeded(ctx.db, user.id, now);
  const mfa: MfaStep = user.mfa_enabled
    ? 'verify'
    : ctx.config.requireMfa && user.roles.some((r) => (MFA_ROLES as readonly string[]).includes(r))
      ? 'enrol'
      : 'none';
  const token = newToken();
  const tokenHash = hashToken(token);
  const expiresAt = idleExpiry(ctx, now, now);
  await repo.insertSession(ctx.db, {
    token_hash: tokenHash,
    user_id: user.id,
    kind: input.kind,
    mfa_passed: mfa === 'none',
    last_seen_at: now,
    expires_at: expiresAt,
    ip: input.ip,
    user_agent: input.userAgent,
    created_at: now,
  });
  return {
    token,
    expiresAt,
    mfa,
    actor: {
      kind: 'staff',
      userId: user.id,
      username: user.username,
      realName: user.real_name,
      departmentId: user.department_id,
      departmentName: user.department_name,
      roles: user.roles,
      sessionKind: input.kind,
      mfaPassed: mfa === 'none',
      tokenHash,
    },
  };
}

function idleExpiry(ctx: AppContext, now: Date, createdAt: Date): Date {
  const idle = now.getTime() + ctx.config.sessionIdleMinutes * MINUTE;
  const absolute = createdAt.getTime() + ABSOLUTE_SESSION_HOURS * 60 * MINUTE;
  return new Date(Math.min(idle, absolute));
}

/** Turns a presented token into the actor behind it, sliding the idle timeout; null if unknown or expired. */
export async function resolveSession(ctx: AppContext, token: string): Promise<Actor | null> {
  const tokenHash = hashToken(token);
  const s = await repo.findSession(ctx.db, tokenHash);
  if (!s) return null;
  const now = ctx.clock.now();
  if (s.expires_at <= now || s.status !== 'active') {
    await repo.deleteSession(ctx.db, tokenHash);
    return null;
  }
  // Writing on every request would serialise reads on PGlite; a minute's granularity is enough.
  if (now.getTime() - s.last_seen_at.getTime() > MINUTE) {
    await repo.touchSession(ctx.db, tokenHash, now, idleExpiry(ctx, now, s.created_at));
  }
  return {
    kind: 'staff',
    userId: s.user_id,
    username: s.username,
    realName: s.real_name,
    departmentId: s.department_id,
    departmentName: s.department_name,
    roles: s.roles,
    sessionKind: s.kind,
    mfaPassed: s.mfa_passed,
    tokenHash,
  };
}

export async function logout(ctx: AppContext, actor: Actor): Promise<void> {
  await repo.deleteSession(ctx.db, actor.tokenHash);
}

export function permissionsOf(roles: readonly string[]): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(roles, p));
}

const badCode = () =>
  new AppError(400, 'MFA_CODE_INVALID', 'The verification code is wrong or expired', '动态验证码错误或已过期', {
    field: 'code',
  });

/** Starts (or restarts) TOTP enrolment; refused once enabled unless this session already passed it. */
export async function startMfaEnrolment(ctx: AppContext, actor: Actor) {
  const creds = await repo.findCredentialsById(ctx.db, actor.userId);
  if (!creds) throw unauthenticated();
  if (creds.mfa_enabled && !actor.mfaPassed) {
    throw new AppError(
      403,
      'MFA_ALREADY_ENROLLED',
      'A second factor is already set up; verify with it first',
      '已绑定动态口令，请先完成验证',
    );
  }
  const secret = newTotpSecret();
  await repo.setMfaSecret(ctx.db, actor.userId, await sealMfaSecret(ctx, actor.userId, secret), false);
  return totpEnrolment(secret, creds.username);
}

export async function confirmMfaEnrolment(ctx: AppContext, actor: Actor, code: string): Promise<void> {
  const creds = await repo.findCredentialsById(ctx.db, actor.userId);
  if (!creds?.mfa_secret || (creds.mfa_enabled && !actor.mfaPassed)) {
    throw new AppError(409, 'MFA_NOT_STARTED', 'Start the enrolment first', '请先开始绑定动态口令');
  }
  if (!checkTotp(await openMfaSecret(ctx, actor.userId, creds.mfa_secret), code, ctx.clock.now())) throw badCode();
  await repo.setMfaSecret(ctx.db, actor.userId, creds.mfa_secret, true);
  await repo.setSessionMfaPassed(ctx.db, actor.tokenHash);
}

export async function verifyMfa(ctx: AppContext, actor: Actor, code: string): Promise<void> {
  const creds = await repo.findCredentialsById(ctx.db, actor.userId);
  if (!creds?.mfa_enabled || !creds.mfa_secret) {
    throw new AppError(409, 'MFA_NOT_ENROLLED', 'No second factor is set up', '尚未绑定动态口令');
  }
  if (!checkTotp(await openMfaSecret(ctx, actor.userId, creds.mfa_secret), code, ctx.clock.now())) throw badCode();
  await repo.setSessionMfaPassed(ctx.db, actor.tokenHash);
}

export async function changePassword(ctx: AppContext, actor: Actor, current: string, next: string): Promise<void> {
  const creds = await repo.findCredentialsById(ctx.db, actor.userId);
  if (!creds || !(await verifyPassword(creds.password_hash, current))) {
    throw new AppError(400, 'PASSWORD_WRONG', 'The current password is wrong', '当前密码错误', {
      field: 'currentPassword',
    });
  }
  checkPasswordPolicy(next, creds.username);
  await repo.setPasswordHash(ctx.db, actor.userId, await hashPassword(next), ctx.clock.now());
  // Whoever else signed in with the old password is signed out; this session, which proved it, stays.
  await repo.deleteUserSessions(ctx.db, actor.userId, actor.tokenHash);
}

/**
 * A public account's sign-in: a public_user that cannot sign in until its e-mail or mobile
 * is confirmed (activateLogin). The open module keeps who the person is; this keeps how they sign in.
 */
export async function createPendingLogin(
  ctx: AppContext,
  input: { username: string; realName: string; email: string | null; phone: string | null; password: string },
): Promise<string> {
  checkPasswordPolicy(input.password, input.username);
  return repo.insertPendingPublicUser(ctx.db, {
    username: input.username,
    real_name: input.realName,
    email: input.email,
    phone: input.phone,
    roles: ['public_user'],
    status: 'pending',
    password_hash: await hashPassword(input.password),
    password_changed_at: ctx.clock.now(),
    updated_at: ctx.clock.now(),
  });
}

export const activateLogin = (ctx: AppContext, userId: string) => repo.activatePendingUser(ctx.db, userId);

/** Registration abandoned before confirmation: the address may be used again. */
export const dropPendingLogin = (ctx: AppContext, userId: string) => repo.deletePendingUser(ctx.db, userId);

/** A forgotten password replaced after proving the address: unlocks and signs out every session. */
export async function resetPassword(ctx: AppContext, userId: string, username: string, next: string): Promise<void> {
  checkPasswordPolicy(next, username);
  await repo.setPasswordHash(ctx.db, userId, await hashPassword(next), ctx.clock.now());
  await repo.markLoginSucceeded(ctx.db, userId, null);
  await repo.deleteUserSessions(ctx.db, userId);
}
