import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context';
import type { AuditOutcome } from './categories';
import { recordAudit } from './service';

/** Denied = the guard said no (no session, no second factor, no permission); a wrong password is a failure. */
const GUARD_CODES = new Set(['UNAUTHENTICATED', 'MFA_REQUIRED']);
function outcomeOf(status: number, errorCode: string | undefined): AuditOutcome {
  if (status === 403 || (status === 401 && errorCode !== undefined && GUARD_CODES.has(errorCode))) return 'denied';
  return status >= 400 ? 'failed' : 'success';
}

function param(req: FastifyRequest, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const v = (req.params as Record<string, unknown> | undefined)?.[name];
  return v === undefined ? undefined : String(v);
}

/**
 * The one audit mechanism. It runs in onSend, before the client has the response, so a request
 * whose audit row cannot be written fails instead of going unrecorded. Denied attempts are logged
 * on every route, including those that otherwise are not audited.
 */
export function installAuditHook(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const { access, audit } = req.routeOptions.config;
    if (access === undefined) return payload;
    const note = req.auditNote ?? {};
    const outcome = outcomeOf(reply.statusCode, note.errorCode);
    if (audit === false && outcome !== 'denied') return payload;
    const spec = audit || { category: 'access' as const, action: `${req.method} ${req.routeOptions.url ?? ''}` };
    const who = req.actor ?? note.actor;
    const detail = { ...note.detail, ...(note.errorCode ? { errorCode: note.errorCode } : {}) };
    await recordAudit(ctx, {
      userId: who?.userId ?? null,
      username: who?.username ?? null,
      realName: who?.realName ?? null,
      departmentId: who?.departmentId ?? null,
      departmentName: who?.departmentName ?? null,
      roles: who?.roles ?? [],
      category: spec.category,
      action: spec.action,
      targetType: note.targetType ?? spec.targetType ?? null,
      targetId: note.targetId ?? param(req, spec.targetParam) ?? null,
      rowCount: note.rowCount ?? null,
      ip: req.ip,
      userAgent: req.headers['user-agent'] ?? null,
      outcome,
      statusCode: reply.statusCode,
      detail: Object.keys(detail).length ? detail : null,
    });
    return payload;
  });
}
