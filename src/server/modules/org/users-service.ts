import type { AppContext } from '../../app-context';
import type { RowUpdate } from '../../db/types';
import * as authRepo from '../../platform/auth/repo';
import { checkPasswordPolicy, hashPassword } from '../../platform/auth/password';
import type { Actor } from '../../platform/context';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { DEPARTMENT_ROLES, ROLES, ROLE_NAMES, SEPARATED_ROLES } from '../../platform/rbac/roles';
import * as repo from './users-repo';
import { inTransaction } from '../../db/tx';
import { checkAuthority, checkNotSelf, checkRoleSet } from './users-rules';
import type { User } from './schemas';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;

function toUser(ctx: AppContext, r: repo.UserRow): User {
  return {
    id: r.id,
    username: r.username,
    realName: r.real_name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    roles: r.roles,
    email: r.email,
    phone: r.phone,
    status: r.status,
    lockedUntil: r.locked_until?.toISOString() ?? null,
    locked: !!r.locked_until && r.locked_until > ctx.clock.now(),
    mfaEnabled: r.mfa_enabled,
    lastLoginAt: r.last_login_at?.toISOString() ?? null,
    passwordChangedAt: r.password_changed_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function listRoles() {
  return ROLES.map((code) => ({
    code,
    ...ROLE_NAMES[code],
    separated: SEPARATED_ROLES.includes(code),
    needsDepartment: DEPARTMENT_ROLES.includes(code),
  }));
}

export async function listUsers(ctx: AppContext, filter: repo.UserFilter, limit: number, offset: number) {
  const { rows, total } = await repo.listUsers(ctx.db, { ...filter, q: filter.q?.trim() || undefined }, limit, offset);
  return { items: rows.map((r) => toUser(ctx, r)), total };
}

async function loadUser(ctx: AppContext, id: string) {
  const row = await repo.findUser(ctx.db, id);
  if (!row) throw notFound('User', '用户');
  return row;
}

export async function getUser(ctx: AppContext, id: string): Promise<User> {
  return toUser(ctx, await loadUser(ctx, id));
}

async function checkDepartment(ctx: AppContext, id: string) {
  const d = await repo.findDepartmentStatus(ctx.db, id);
  if (!d)
    throw badRequest('DEPARTMENT_NOT_FOUND', 'The department does not exist', '所属部门不存在', {
      field: 'departmentId',
    });
  if (d.status !== 'active')
    throw badRequest('DEPARTMENT_INACTIVE', `${d.name} is inactive`, `部门“${d.name}”已停用`, {
      field: 'departmentId',
    });
}

/** Art 25 real-name identity: every account carries the person's name. */
function checkRealName(realName: string): string {
  const n = realName.trim();
  if (!n)
    throw badRequest('REAL_NAME_REQUIRED', 'The real name is required', '请填写真实姓名（实名制）', {
      field: 'realName',
    });
  return n;
}

const blankToNull = (s: string | null | undefined) => (s === undefined ? undefined : s?.trim() || null);

export interface NewUserInput {
  username: string;
  realName: string;
  departmentId?: string | null;
  roles: string[];
  email?: string | null;
  phone?: string | null;
  password: string;
}

/** Creates an account; actor null is the CLI (create-admin), which may hand out any role. */
export async function createUser(ctx: AppContext, actor: Actor | null, input: NewUserInput): Promise<User> {
  const username = input.username.trim();
  if (!USERNAME_PATTERN.test(username)) {
    throw badRequest(
      'USERNAME_INVALID',
      'User names have 3–32 characters: letters, digits, _ . -',
      '用户名须为3至32位字母、数字或 _ . -',
      { field: 'username' },
    );
  }
  const realName = checkRealName(input.realName);
  const departmentId = input.departmentId ?? null;
  const roles = checkRoleSet(input.roles, departmentId);
  checkAuthority(actor, { id: null, roles: [] }, roles, false);
  if (departmentId) await checkDepartment(ctx, departmentId);
  checkPasswordPolicy(input.password, username);
  if (await repo.usernameTaken(ctx.db, username))
    throw conflict('USERNAME_TAKEN', `User name ${username} is taken`, `用户名“${username}”已被使用`);
  const now = ctx.clock.now();
  const id = await repo.insertUser(ctx.db, {
    username,
    real_name: realName,
    department_id: departmentId,
    roles,
    email: blankToNull(input.email) ?? null,
    phone: blankToNull(input.phone) ?? null,
    password_hash: await hashPassword(input.password),
    password_changed_at: now,
    locked_until: null,
    mfa_secret: null,
    last_login_at: null,
    created_at: now,
    updated_at: now,
  });
  return getUser(ctx, id);
}

export interface UserPatch {
  realName?: string;
  departmentId?: string | null;
  roles?: string[];
  email?: string | null;
  phone?: string | null;
  status?: 'active' | 'disabled';
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Changing what someone may do (roles, department) or switching them off ends their sessions at once. */
export async function updateUser(ctx: AppContext, actor: Actor | null, id: string, patch: UserPatch): Promise<User> {
  const current = await loadUser(ctx, id);
  const departmentId = patch.departmentId !== undefined ? patch.departmentId : current.department_id;
  const roles =
    patch.roles !== undefined || patch.departmentId !== undefined
      ? checkRoleSet(patch.roles ?? current.roles, departmentId)
      : current.roles;
  const rolesChanged = !sameSet(roles, current.roles);
  const deptChanged = departmentId !== current.department_id;
  const statusChanged = patch.status !== undefined && patch.status !== current.status;
  checkAuthority(actor, { id, roles: current.roles }, roles, rolesChanged || deptChanged || statusChanged);
  if (deptChanged && departmentId) await checkDepartment(ctx, departmentId);

  const set: RowUpdate<'app_user'> = { updated_at: ctx.clock.now() };
  if (patch.realName !== undefined) set.real_name = checkRealName(patch.realName);
  if (rolesChanged) set.roles = roles;
  if (deptChanged) set.department_id = departmentId;
  if (patch.email !== undefined) set.email = blankToNull(patch.email);
  if (patch.phone !== undefined) set.phone = blankToNull(patch.phone);
  if (statusChanged) set.status = patch.status;
  const endSessions = rolesChanged || deptChanged || (statusChanged && patch.status === 'disabled');
  await inTransaction(ctx, async (trx) => {
    await repo.updateUser(trx, id, set);
    if (endSessions) await authRepo.deleteUserSessions(trx, id);
  });
  return getUser(ctx, id);
}

export async function unlockUser(ctx: AppContext, actor: Actor | null, id: string): Promise<User> {
  checkNotSelf(actor, id);
  await loadUser(ctx, id);
  await repo.unlockUser(ctx.db, id, ctx.clock.now());
  return getUser(ctx, id);
}

/** A reset password also clears a lock, and ends every session that the old password opened. */
export async function resetPassword(ctx: AppContext, actor: Actor | null, id: string, password: string): Promise<void> {
  checkNotSelf(actor, id);
  const user = await loadUser(ctx, id);
  checkPasswordPolicy(password, user.username);
  const hash = await hashPassword(password);
  const now = ctx.clock.now();
  await inTransaction(ctx, async (trx) => {
    await authRepo.setPasswordHash(trx, id, hash, now);
    await repo.unlockUser(trx, id, now);
    await authRepo.deleteUserSessions(trx, id);
  });
}

/** For a lost authenticator: the user enrols a new one at the next login (where MFA is required). */
export async function resetMfa(ctx: AppContext, actor: Actor | null, id: string): Promise<void> {
  checkNotSelf(actor, id);
  await loadUser(ctx, id);
  await inTransaction(ctx, async (trx) => {
    await authRepo.setMfaSecret(trx, id, null, false);
    await authRepo.deleteUserSessions(trx, id);
  });
}
