import type { Role } from './roles';

/**
 * Every route names one permission (or 'public' / 'authenticated' / 'mfa_pending');
 * this table is the only place that says which roles hold which permission.
 */
const INTERNAL: readonly Role[] = [
  'platform_admin',
  'security_admin',
  'auditor',
  'dept_specialist',
  'dept_leader',
  'dept_user',
];

export const PERMISSIONS = {
  'org.read': INTERNAL,
  'org.manage': ['platform_admin'],
  'user.read': ['platform_admin', 'security_admin'],
  'user.manage': ['platform_admin', 'security_admin'],
  // Unlock accounts, reset passwords and second factors, grant the three separated roles.
  'user.security': ['security_admin'],
  'specialist.read': INTERNAL,
  'specialist.manage': ['platform_admin', 'dept_specialist', 'dept_leader'],
  'audit.read': ['auditor'],
  // a department's leader and 数据专员 read the events about its data (as provider) and its use (as consumer).
  'audit.department.read': ['auditor', 'dept_leader', 'dept_specialist'],
  // Where the department's own system receives its signed usage digests.
  'audit.digest.webhook': ['dept_leader'],
  'audit.settings': ['security_admin'],
  'calendar.read': INTERNAL,
  'calendar.manage': ['platform_admin'],
  'settings.read': ['platform_admin', 'security_admin'],
  // The security operations register (R-46, Art 23, 25, 26): kept by the platform's managing unit.
  'security.register.read': ['platform_admin', 'security_admin'],
  'security.register.manage': ['platform_admin', 'security_admin'],
  // a running embedded platform makes its own backup (its data folder is locked to the CLI).
  'platform.backup': ['platform_admin', 'security_admin'],
  // Art 18: a leaked file traced to the department and user it was downloaded by.
  'security.trace': ['security_admin'],
  // Catalog (R-01 … R-09)
  'catalog.read': INTERNAL,
  'catalog.compile': ['dept_specialist'],
  'catalog.dept_review': ['dept_leader'],
  'catalog.platform_review': ['platform_admin'],
  'catalog.classify': ['platform_admin'],
  'catalog.objection.raise': ['dept_specialist', 'dept_leader', 'dept_user'],
  'catalog.demand.file': ['dept_specialist', 'dept_leader', 'dept_user'],
  'catalog.demand.manage': ['platform_admin'],
  // Sharing (R-10 … R-16): what each side of a request may do; rows are filtered by department in SQL.
  // The platform's city-wide overview on its home page.
  'overview.read': ['platform_admin'],
  // The auditor reads every request and grant (nothing more) to follow an audit event to its record.
  'sharing.read': ['platform_admin', 'auditor', 'dept_specialist', 'dept_leader', 'dept_user'],
  'sharing.request': ['dept_specialist', 'dept_leader', 'dept_user'],
  'sharing.prereview': ['platform_admin'],
  'sharing.decide': ['dept_specialist', 'dept_leader'],
  'sharing.grant.manage': ['platform_admin', 'dept_specialist', 'dept_leader'],
  // Exchange (R-20 … R-29): source databases are scoped to the department in SQL.
  'exchange.read': ['platform_admin', 'dept_specialist', 'dept_leader'],
  'exchange.source.manage': ['platform_admin', 'dept_specialist'],
  // Reading resource data: rows are limited further by grants, in the service.
  'exchange.data.read': ['platform_admin', 'dept_specialist', 'dept_leader', 'dept_user'],
  // Resource files: the provider's specialist uploads and withdraws; downloads are checked against grants.
  'exchange.file.manage': ['dept_specialist'],
  'exchange.file.download': ['platform_admin', 'dept_specialist', 'dept_leader', 'dept_user'],
  // Open portal (R-30 … R-34): the open entries' way to the portal, scoped to the provider in SQL.
  /** register a 服务接口 entry's upstream API (the providing department). */
  'gateway.upstream.manage': ['platform_admin', 'dept_specialist'],
  /** a registration change that takes operations from grant holders waits for the platform. */
  'gateway.change.review': ['platform_admin'],
  /** a department's consuming systems and their app credentials. */
  'gateway.system.manage': ['platform_admin', 'dept_specialist', 'dept_leader'],
  'open.read': ['platform_admin', 'dept_specialist', 'dept_leader'],
  // 保密审查 (R-33, Art 20): the provider's leader answers for the department, the platform for the city.
  'open.review': ['platform_admin', 'dept_leader'],
  'open.withdraw': ['platform_admin', 'dept_leader'],
  // A public user's own account: profile, real-name status.
  'open.account': ['public_user'],
  // 有条件开放 (R-32, Art 22): the public applies; the provider answers (scoped in SQL); the platform oversees.
  'open.application.apply': ['public_user'],
  'open.application.read': ['platform_admin', 'dept_specialist', 'dept_leader'],
  'open.application.decide': ['dept_specialist', 'dept_leader'],
  // a registered public user's own open API keys and their statistics (rows filtered to the owner in SQL).
  'open.key.manage': ['public_user'],
  // Public feedback: the public files data requests, rates, comments and reports errors; the platform
  // moderates; the provider's specialist or leader answers what concerns its data (scoped in SQL).
  'open.feedback.file': ['public_user'],
  'open.feedback.moderate': ['platform_admin'],
  'open.feedback.answer': ['platform_admin', 'dept_specialist', 'dept_leader'],
  // Supervision and assessment (Chapter 6, R-50 – R-52): the leading group's office (the platform) assesses;
  // a department reads its own card and evidence, answers rectification notices and reports misuse of its data.
  'supervision.read': ['platform_admin', 'auditor', 'dept_specialist', 'dept_leader'],
  'supervision.manage': ['platform_admin'],
  'supervision.rectification.answer': ['dept_specialist', 'dept_leader'],
  'supervision.violation.report': ['dept_specialist', 'dept_leader'],
  // 通报 are published to every department.
  'supervision.circular.read': INTERNAL,
  // 数据专员 training (Art 28): sessions kept by the platform, each specialist's record readable by their department.
  'training.read': ['platform_admin', 'dept_specialist', 'dept_leader'],
  'training.manage': ['platform_admin'],
  // The live compliance view (articles 1–32 with this instance's evidence), for inspections (Art 26).
  'compliance.read': ['platform_admin', 'security_admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** public: anyone; authenticated: any signed-in session that passed MFA; mfa_pending: also before MFA. */
export type RouteAccess = Permission | 'public' | 'authenticated' | 'mfa_pending';

export function rolesHolding(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission];
}

export function can(roles: readonly string[], permission: Permission): boolean {
  const holders: readonly string[] = PERMISSIONS[permission];
  return roles.some((r) => holders.includes(r));
}

export function isPermission(p: string): p is Permission {
  return Object.hasOwn(PERMISSIONS, p);
}
