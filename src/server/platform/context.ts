import type { RouteAccess } from './rbac/permissions';
import type { AuditSpec } from './audit/categories';

/** The signed-in person behind a request, as the audit log and the authorization filters see them. */
export interface Actor {
  userId: string;
  username: string;
  realName: string;
  departmentId: string | null;
  departmentName: string | null;
  roles: string[];
  sessionKind: 'cookie' | 'bearer';
  mfaPassed: boolean;
  tokenHash: string;
}

/**
 * Whose rows a caller sees in department-scoped tables (catalog versions, requests, grants, sources):
 * its own department's, or every department's for the platform administrator. Repositories turn it
 * into a WHERE clause.
 */
export interface DepartmentViewer {
  departmentId: string | null;
  isAdmin: boolean;
}

export const departmentViewer = (a: Pick<Actor, 'departmentId' | 'roles'>): DepartmentViewer => ({
  departmentId: a.departmentId,
  isAdmin: a.roles.includes('platform_admin'),
});

/** Facts a handler adds to its request's audit event (target, rows read, anything else worth keeping). */
export interface AuditNote {
  targetType?: string;
  targetId?: string;
  rowCount?: number;
  detail?: Record<string, unknown>;
  /** For login: who tried, before there is a session. */
  actor?: Partial<Pick<Actor, 'userId' | 'username' | 'realName' | 'departmentId' | 'departmentName' | 'roles'>>;
  /** Set by the error handler so a failed or denied attempt says why. */
  errorCode?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: declared on every route, checked in one hook. */
    access?: RouteAccess;
    /** How the route is audited, or false for routes that touch nothing worth logging (health, docs). */
    audit?: AuditSpec | false;
  }
  interface FastifyRequest {
    actor: Actor | null;
    auditNote: AuditNote;
  }
}
