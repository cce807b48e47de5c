import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context';
import { resolveSession } from '../auth/service';
import { AppError, forbidden, unauthenticated } from '../errors';
import { can } from '../rbac/permissions';
import { checkSameOrigin } from './csrf';

export const SESSION_COOKIE = 'gs_session';

/** The session token: a bearer token, else the session cookie (ambient: the browser sends it by itself). */
function presentedToken(req: FastifyRequest): { token: string; ambient: boolean } | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7).trim(), ambient: false };
  const cookie = req.cookies[SESSION_COOKIE];
  return cookie ? { token: cookie, ambient: true } : undefined;
}

/**
 * The one authorization point: every API route declares `config.access`, and this hook resolves
 * the session and checks it before validation or the handler run.
 */
export function installGuard(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('auditNote', null as never);
  app.addHook('onRequest', async (req) => {
    req.actor = null;
    req.auditNote = {};
    const access = req.routeOptions.config.access;
    if (access === undefined) return; // static files and unknown routes
    const presented = presentedToken(req);
    if (presented) {
      req.actor = await resolveSession(ctx, presented.token);
      // Only pages of this origin may change things with the cookie (after the session is known, so
      // that the refusal is audited under the user whose cookie was used).
      if (presented.ambient) checkSameOrigin(req);
    }
    if (access === 'public') return;
    if (!req.actor) throw unauthenticated();
    if (!req.actor.mfaPassed && access !== 'mfa_pending') {
      throw new AppError(401, 'MFA_REQUIRED', 'Complete the second-factor step first', '请先完成动态口令验证');
    }
    if (access === 'authenticated' || access === 'mfa_pending') return;
    if (!can(req.actor.roles, access)) throw forbidden();
  });
}
