import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context';
import type { AuditOutcome } from './categories';
import { takeChangeTransaction } from './change-transaction';
import { recordAudit } from './service';

/** Denied = the guard said no (no session, no second factor, no permission); a wrong password is a failure. */
const GUARD_CODES = new Set(['UNAUTHENTICATED', 'MFA_REQUIRED']);
function outcomeOf(status: number, errorCode: string | undefined): AuditOutcome {
  // 429: an abuse limit refused it (platform/http/abuse-limits.ts).
  if (status === 403 || status === 429 || (status === 401 && errorCode !== undefined && GUARD_CODES.has(errorCode)))
    return 'denied';
  return status >= 400 ? 'failed' : 'success';
}

function param(req: FastifyRequest, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const v = (req.params as Record<string, unknown> | undefined)?.[name];
  return v === undefined ? undefined : String(v);
}

/** Who made the request and from where, as every event of the request records it. */
function callerOf(req: FastifyRequest) {
  const who = req.actor ?? req.auditNote?.actor;
  return {
    userId: who?.userId ?? null,
    username: who?.username ?? null,
    realName: who?.realName ?? null,
    departmentId: who?.departmentId ?? null,
    departmentName: who?.departmentName ?? null,
    roles: who?.roles ?? [],
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
  };
}

/**
 * The one audit mechanism. It runs in onSend, before the client has the response, so a request
 * whose audit row cannot be written fails instead of going unrecorded. Denied attempts are logged
 * on every route, including those that otherwise are not audited.
 */
export function installAuditHook(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const { access, audit, sessionProbe } = req.routeOptions.config;
    if (access === undefined) return payload;
    const note = req.auditNote ?? {};
    const outcome = outcomeOf(reply.statusCode, note.errorCode);
    if (audit === false && outcome !== 'denied') return payload;
    // "No session" is what a session probe answers, not an attempt it refused (config.sessionProbe).
    if (sessionProbe && note.errorCode === 'UNAUTHENTICATED') return payload;
    const spec = audit || { category: 'access' as const, action: `${req.method} ${req.routeOptions.url ?? ''}` };
    const detail = { ...note.detail, ...(note.errorCode ? { errorCode: note.errorCode } : {}) };
    const event = {
      ...callerOf(req),
      category: spec.category,
      action: spec.action,
      targetType: note.targetType ?? spec.targetType ?? null,
      targetId: note.targetId ?? param(req, spec.targetParam) ?? null,
      targetName: note.targetName,
      rowCount: note.rowCount ?? null,
      outcome,
      statusCode: reply.statusCode,
      detail: Object.keys(detail).length ? detail : null,
    };
    const change = takeChangeTransaction(req);
    if (change && outcome === 'success') {
      // The change and its event commit together; if either fails, neither stays and the client gets the error.
      try {
        await recordAudit({ ...ctx, db: change }, event);
        await change.commit().execute();
      } catch (e) {
        await change
          .rollback()
          .execute()
          .catch(() => undefined);
        throw e;
      }
      return payload;
    }
    await change?.rollback().execute();
    await recordAudit(ctx, event);
    return payload;
  });
}

/** What a streamed response delivered, known only once it has ended. */
export interface StreamEnd {
  rowCount: number;
  /** Whether the source was read to its end; the event also needs the response to have finished. */
  complete: boolean;
  detail?: Record<string, unknown>;
}

/**
 * A streamed body (a data export) is still on its way when onSend records the request, so that
 * event cannot say how many rows left. This records a second event of the same caller and target,
 * action `<route action>.end`, once the response has closed, through the same recordAudit. The
 * response is gone by then, so a failure to write it is logged rather than returned.
 */
export function auditStreamEnd(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  summary: () => StreamEnd,
): void {
  const { audit } = req.routeOptions.config;
  if (!audit) return;
  // Undeclared, its `.end` action would be missing from the label table: fail where a test sees it.
  if (!audit.streamEnd) throw new Error(`route of ${audit.action} records a stream end without audit.streamEnd`);
  let finished = false;
  reply.raw.once('finish', () => (finished = true));
  reply.raw.once('close', () => {
    const s = summary();
    const complete = s.complete && finished;
    const note = req.auditNote ?? {};
    recordAudit(ctx, {
      ...callerOf(req),
      category: audit.category,
      action: `${audit.action}.end`,
      targetType: note.targetType ?? audit.targetType ?? null,
      targetId: note.targetId ?? param(req, audit.targetParam) ?? null,
      targetName: note.targetName,
      rowCount: s.rowCount,
      outcome: complete ? 'success' : 'failed',
      statusCode: reply.statusCode,
      detail: { ...s.detail, complete },
    }).catch((err: unknown) =>
      req.log.error({ err, action: audit.action }, 'audit of a stream end could not be written'),
    );
  });
}
