import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import type { AppContext } from '../../app-context';

/**
 * Browser hardening: helmet's headers on every answer of the platform. The content security
 * policy allows what the built console and portal load — their own scripts and styles (Element Plus
 * sets inline styles), data: and blob: images — and nothing from elsewhere; no page of ours may be
 * framed by another site (frame-ancestors). HSTS and upgrade-insecure-requests only where the
 * platform is served over TLS (SECURE_COOKIES), or a plain-HTTP demo would lock itself out.
 */
export async function installSecurityHeaders(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const tls = ctx.config.secureCookies;
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
        ...(tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // Harvesters and other sites' pages may link our downloads and API answers.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
}
