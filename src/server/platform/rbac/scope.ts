import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Principal, StaffIdentity } from './principal';
import type { Role } from './roles';

/**
 * Whose rows a principal may see or act on for an action: every department's, one department's,
 * or none. Repositories turn it into a WHERE clause (scopeFilter), services check a loaded row
 * with inScope; nothing else decides "the platform or the own department".
 */
export type Scope = { kind: 'all' } | { kind: 'department'; departmentId: string } | { kind: 'none' };

export const ALL: Scope = { kind: 'all' };
export const NONE: Scope = { kind: 'none' };

/** The department-scoped actions, with the roles that see every department's rows for each. */
const CITY_WIDE = {
  'catalog.version.read': ['platform_admin'],
  'catalog.objection.read': ['platform_admin'],
  'catalog.demand.read': ['platform_admin'],
  'org.specialist.manage': ['platform_admin'],
  'sharing.grant.read': ['platform_admin', 'auditor'],
  'sharing.grant.manage': ['platform_admin'],
  'exchange.source.read': ['platform_admin'],
  'exchange.source.manage': ['platform_admin'],
  /** Configure an entry's binding, masking and files, and read its rows unmasked: the provider's business. */
  'exchange.entry.manage': ['platform_admin'],
  /** R-23: the upstream of a 服务接口 entry is the provider's; consuming systems their department's. */
  'gateway.upstream.manage': ['platform_admin'],
  'gateway.system.manage': ['platform_admin'],
  /** Read, review and withdraw open datasets (R-33). */
  'open.dataset.manage': ['platform_admin'],
  /** 有条件开放 applications (R-32): the provider answers its own, the platform oversees every one. */
  'open.application.manage': ['platform_admin'],
  /** Read and answer the public's data requests routed to a department and 纠错 on its datasets (R-36). */
  'open.feedback.answer': ['platform_admin'],
  /** R-42: the audit log about a department's data and its use; the auditor reads every department's. */
  'audit.department.read': ['auditor'],
  /** Chapter 6: a department's scores, evidence, violations and notices; the platform and the auditor see all. */
  'supervision.department.read': ['platform_admin', 'auditor'],
  /** A specialist's training record: their department's; the platform keeps every one. */
  'training.record.read': ['platform_admin'],
} as const satisfies Record<string, readonly Role[]>;

export type ScopedAction = keyof typeof CITY_WIDE;

/** A principal that is not a staff account (or has no kind: a staff identity a service holds) gets nothing until its issue grants it. */
export function scopeOf(principal: Principal | StaffIdentity | null, action: ScopedAction): Scope {
  if (!principal || (principal.kind !== undefined && principal.kind !== 'staff')) return NONE;
  const p = principal as StaffIdentity;
  if ((CITY_WIDE[action] as readonly string[]).some((r) => p.roles.includes(r))) return ALL;
  return p.departmentId ? { kind: 'department', departmentId: p.departmentId } : NONE;
}

/** Whether a row owned by any of these departments is within the scope. */
export function inScope(scope: Scope, ...departmentIds: Array<string | null | undefined>): boolean {
  return scope.kind === 'all' || (scope.kind === 'department' && departmentIds.includes(scope.departmentId));
}

/** The scope as a WHERE condition: the row's department is in any of these columns (e.g. 'g.provider_department_id'). */
export function scopeFilter(scope: Scope, ...departmentColumns: string[]): RawBuilder<SqlBool> {
  if (scope.kind === 'all') return sql<SqlBool>`true`;
  if (scope.kind === 'none' || !departmentColumns.length) return sql<SqlBool>`false`;
  const id = scope.departmentId;
  return sql<SqlBool>`(${sql.join(
    departmentColumns.map((c) => sql`${sql.ref(c)} = ${id}`),
    sql` or `,
  )})`;
}
