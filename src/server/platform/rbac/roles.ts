/** Roles from REQUIREMENTS.md "Who uses it"; see docs/glossary.md for the Chinese names. */
export const ROLES = [
  'platform_admin',
  'security_admin',
  'auditor',
  'dept_specialist',
  'dept_leader',
  'dept_user',
  'public_user',
] as const;
export type Role = (typeof ROLES)[number];

/** 三员分立: no account may hold two of these. */
export const SEPARATED_ROLES: readonly Role[] = ['platform_admin', 'security_admin', 'auditor'];

/** Roles that must pass a second factor when REQUIRE_MFA is on. */
export const MFA_ROLES: readonly Role[] = ['platform_admin', 'security_admin', 'auditor', 'dept_specialist'];

/** Roles that act for a department and so need one. */
export const DEPARTMENT_ROLES: readonly Role[] = ['dept_specialist', 'dept_leader', 'dept_user'];

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  platform_admin: { zh: '平台管理员', en: 'Platform administrator' },
  security_admin: { zh: '安全保密管理员', en: 'Security administrator' },
  auditor: { zh: '安全审计员', en: 'Security auditor' },
  dept_specialist: { zh: '数据专员', en: 'Data specialist' },
  dept_leader: { zh: '部门审核人', en: 'Department reviewer' },
  dept_user: { zh: '使用部门人员', en: 'Department user' },
  public_user: { zh: '社会公众用户', en: 'Public user' },
};

export function isRole(r: string): r is Role {
  return (ROLES as readonly string[]).includes(r);
}
