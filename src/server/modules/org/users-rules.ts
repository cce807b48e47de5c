import type { Actor } from '../../platform/context';
import { AppError, badRequest } from '../../platform/errors';
import { DEPARTMENT_ROLES, SEPARATED_ROLES, isRole, type Role } from '../../platform/rbac/roles';

/**
 * The account rules of R-41, in one place so create, update and the CLI cannot drift apart.
 * 三员分立: platform_admin, security_admin and auditor are held by three different people, each
 * holding nothing else; only the security administrator hands those roles out.
 */

const isSeparated = (r: string) => (SEPARATED_ROLES as readonly string[]).includes(r);
const isDeptRole = (r: string) => (DEPARTMENT_ROLES as readonly string[]).includes(r);

export const separationOfDuties = () =>
  badRequest(
    'SEPARATION_OF_DUTIES',
    'Separation of duties: platform administrator, security administrator and auditor must be different accounts, each holding no other role',
    '违反三员分立：平台管理员、安全保密管理员、安全审计员须由不同账号担任，且不得兼任其他角色',
    { field: 'roles' },
  );

/** Checks a complete role set with the department it comes with; returns the roles deduplicated. */
export function checkRoleSet(roles: readonly string[], departmentId: string | null): Role[] {
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length)
    throw badRequest('ROLE_UNKNOWN', `Unknown role(s): ${unknown.join(', ')}`, `未知角色：${unknown.join('、')}`, {
      field: 'roles',
      unknown,
    });
  const set = [...new Set(roles)] as Role[];
  if (!set.length)
    throw badRequest('ROLES_REQUIRED', 'An account needs at least one role', '请至少选择一个角色', { field: 'roles' });
  const separated = set.filter(isSeparated);
  if (separated.length > 1 || (separated.length === 1 && set.length > 1)) throw separationOfDuties();
  if (set.includes('public_user') && set.length > 1) {
    throw badRequest(
      'ROLE_COMBINATION_INVALID',
      'A public user account cannot also hold internal roles',
      '社会公众用户账号不得兼任内部角色',
      { field: 'roles' },
    );
  }
  const needsDept = set.some(isDeptRole);
  if (needsDept && !departmentId) {
    throw badRequest(
      'DEPARTMENT_REQUIRED',
      'Department roles need a department',
      '数据专员、部门审核人、使用部门人员须指定所属部门',
      { field: 'departmentId' },
    );
  }
  if (!needsDept && departmentId) {
    throw badRequest(
      'DEPARTMENT_NOT_ALLOWED',
      'Platform administrator, security administrator, auditor and public user accounts belong to no department',
      '平台管理员、安全保密管理员、安全审计员和社会公众用户账号不属于任何部门',
      { field: 'departmentId' },
    );
  }
  return set;
}

const securityOnly = () =>
  new AppError(
    403,
    'SEPARATED_ROLES_SECURITY_ONLY',
    'Only a security administrator may grant, remove or change accounts holding the platform administrator, security administrator and auditor roles',
    '三员分立：只有安全保密管理员可以授予、撤销平台管理员、安全保密管理员、安全审计员角色，或修改持有这些角色的账号',
  );

/**
 * Who may make a change: the CLI (actor null) may do anything; otherwise touching the separated
 * roles, or any account that holds one, needs a security_admin. Nobody changes their own roles,
 * department or status, so no one can widen their own reach.
 */
export function checkAuthority(
  actor: Actor | null,
  target: { id: string | null; roles: readonly string[] },
  nextRoles: readonly string[],
  selfSensitive: boolean,
): void {
  if (!actor) return;
  if (target.id && target.id === actor.userId && selfSensitive) {
    throw new AppError(
      403,
      'SELF_CHANGE_FORBIDDEN',
      'You cannot change your own roles, department or status',
      '不能修改本人账号的角色、所属部门或状态',
    );
  }
  const touchesSeparated = target.roles.some(isSeparated) || nextRoles.some(isSeparated);
  if (touchesSeparated && !actor.roles.includes('security_admin')) throw securityOnly();
}

/** For unlock and resets: the security administrator acts on others; their own account goes through /auth. */
export function checkNotSelf(actor: Actor | null, targetId: string): void {
  if (actor && actor.userId === targetId) {
    throw new AppError(
      403,
      'SELF_CHANGE_FORBIDDEN',
      'Use your own account settings for this',
      '请在个人设置中修改本人账号',
    );
  }
}
