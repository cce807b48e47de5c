import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import { originOf } from './origin';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery: a request that changes something on the strength of the session
 * cookie must come from a page of this origin. The cookie is already SameSite=Strict; this also
 * refuses what SameSite lets through — a sibling subdomain (same-site, not same-origin) and browsers
 * that ignore SameSite — from the headers every current browser sends with such a request: Fetch
 * Metadata (Sec-Fetch-Site), which the browser computes itself, else Origin. A request carrying
 * neither comes from no browser, and so
 * carries nobody's cookie by surprise. Bearer tokens are not ambient: they are not checked.
 */
export function checkSameOrigin(req: FastifyRequest): void {
  if (SAFE.has(req.method)) return;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    // "none": typed in or bookmarked by the user; a state change cannot start that way, but it is not forged.
    if (site !== 'same-origin' && site !== 'none') throw crossSite();
    return;
  }
  // An older browser: its Origin against the address it reached (behind a proxy: TRUST_PROXY, X-Forwarded-Host).
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== originOf(req)) throw crossSite();
}

const crossSite = () =>
  new AppError(
    403,
    'CSRF_REJECTED',
    'A change signed in by cookie must come from a page of this site',
    '请求来自其他站点的页面，已拒绝（跨站请求伪造防护）',
  );
