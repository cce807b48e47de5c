import type { RouteAccess } from './rbac/permissions';
import type { AuditSpec } from './audit/categories';
import type { StaffPrincipal } from './rbac/principal';

/**
 * The signed-in staff account behind a request (platform/rbac/principal.ts has the other kinds of
 * principal). Authorization reads it through scopeOf and can, never by looking at its roles.
 */
export type Actor = StaffPrincipal;

/** Facts a handler adds to its request's audit event (target, rows read, anything else worth keeping). */
export interface AuditNote {
  targetType?: string;
  targetId?: string;
  /** The target's human name when the handler has it at hand; otherwise the target type's resolver finds it. */
  targetName?: string;
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
    /**
     * The route answers whether the caller has a session (the login page asks /api/auth/me): its
     * 401 for a missing or expired session is that answer, not a refused attempt, so it is not
     * logged as denied. Any other denial on it still is.
     */
    sessionProbe?: true;
  }
  interface FastifyRequest {
    actor: Actor | null;
    auditNote: AuditNote;
  }
}
