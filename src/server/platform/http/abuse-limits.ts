import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { AppContext } from '../../app-context';
import { AppError } from '../errors';

/**
 * Abuse limits (R-43, Art 18): how often one address may try what an attacker or a runaway script
 * would repeat — guess passwords, open accounts and send verification codes, crawl search, pull
 * downloads, mint API keys. A route opts in with `config.abuseLimit`; each route counts on its own,
 * per client address, in this process (a deployment with several processes divides nothing: each
 * process allows the limit). RATE_LIMIT_SCALE multiplies every limit (0 switches them off).
 */
export const ABUSE_LIMITS = {
  /** Sign-in, its second factor, the gateway's token: a password guessed ten times a minute at most per route. */
  login: { max: 10, windowMs: 60_000 },
  /** New public accounts, verification codes and password resets: each costs an SMS or an e-mail. */
  register: { max: 10, windowMs: 3_600_000 },
  /** Search and listing, the catalog's and the portal's (CKAN included): what a crawler hammers. */
  search: { max: 120, windowMs: 60_000 },
  /** Downloads and exports of data and files. */
  download: { max: 60, windowMs: 60_000 },
  /** Public API keys created. */
  apiKey: { max: 10, windowMs: 3_600_000 },
} as const;

export type AbuseLimit = keyof typeof ABUSE_LIMITS;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The abuse limit this route counts against (platform/http/abuse-limits.ts). */
    abuseLimit?: AbuseLimit;
  }
}

function tooMany(seconds: number): AppError {
  return new AppError(
    429,
    'RATE_LIMITED',
    `Too many requests from this address; try again in ${seconds} s`,
    `操作过于频繁，请 ${seconds} 秒后再试`,
    { retryAfter: seconds },
  );
}

/**
 * Registers the limiter (before any route) and turns each route's `abuseLimit` into its limit. The
 * hook that does so is added first so it runs before the limiter's own, which reads `config.rateLimit`.
 */
export async function installAbuseLimits(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const scale = ctx.config.rateLimitScale;
  app.addHook('onRoute', (route) => {
    const name = route.config?.abuseLimit;
    if (!name || scale === 0) return;
    const limit = ABUSE_LIMITS[name];
    route.config = {
      ...route.config,
      rateLimit: { max: Math.max(1, Math.round(limit.max * scale)), timeWindow: limit.windowMs },
    } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (req) => req.ip,
    errorResponseBuilder: (_req, c) => tooMany(Math.max(1, Math.ceil(c.ttl / 1000))),
  });
}
