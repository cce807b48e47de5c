import path from 'node:path';

/** Runtime settings, all from the environment so that one build runs embedded or in production. */
export interface Config {
  port: number;
  host: string;
  /** postgres://… for production; undefined means the embedded PGlite database in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** Seed Shangrao demo data on an empty database (default on for the embedded database). */
  demo: boolean;
  /**
   * GOVSHARE_DEMO_ROWS: synthetic rows in the demo's 库表 resources, as a scale (1: 10 000 enterprises,
   * 50 000 insured people …; 0 or "off": none, the catalog only). Default 1.
   */
  demoRows: number;
  /** Enforce TOTP for privileged roles (default on, off in demo mode unless set explicitly). */
  requireMfa: boolean;
  sessionIdleMinutes: number;
  logLevel: string;
  /** Secure flag on cookies; on unless explicitly disabled (local http demo sets it off). */
  secureCookies: boolean;
  /**
   * Take the client address from X-Forwarded-For. Only behind a reverse proxy: otherwise any caller
   * could write whatever address it likes into the audit log.
   */
  trustProxy: boolean;
  /** GOVSHARE_SECRET_KEY: the SM4 master key (64 hex) for stored secrets; never logged, never in the database. */
  secretKey?: string;
  /** GOVSHARE_KEY_FILE: a file holding that key; default <dataDir>/secret.key for the embedded database only. */
  keyFile?: string;
  /**
   * FILES_DIR: where uploaded resource files live (default <dataDir>/files). With several app
   * servers it must be shared storage (NFS, a mounted volume) so every server finds every file.
   */
  filesDir: string;
  /** MAX_FILE_MB: the largest resource file accepted, default 200. */
  maxFileMb: number;
  /**
   * SMTP_URL (smtp://user:pass@host:587, smtps://… for TLS): where e-mail to the public goes. With
   * neither SMTP_URL nor SMS_URL set, messages (e-mail and SMS alike) are written to OUTBOX_FILE
   * instead, for the demo and for tests.
   */
  smtpUrl?: string;
  /** SMS_URL: the SMS gateway adapter for text messages to the public (notify/sender.ts has its contract). */
  smsUrl?: string;
  /** SMS_TOKEN: the bearer token the SMS gateway expects, if any. */
  smsToken?: string;
  /** MAIL_FROM: the sender address of that e-mail. */
  mailFrom: string;
  /** OUTBOX_FILE: JSON lines of the messages not sent (default <dataDir>/outbox.jsonl). */
  outboxFile: string;
  /**
   * REALNAME_URL: the real-name verification service checking a name against an identity
   * number or a credit code (accounts-realname.ts has its contract). Unset: in demo mode a built-in
   * stand-in accepts every well-formed number; otherwise accounts stay unverified.
   */
  realNameUrl?: string;
  /**
   * SEARCH_CACHE_SIZE: how many recent search results each process keeps (default 500, about 10 MB;
   * 0: none). Kept only while nothing they show has changed (catalog/search-cache.ts).
   */
  searchCacheSize: number;
  /**
   * RATE_LIMIT_SCALE: multiplies every abuse limit (platform/http/abuse-limits.ts: sign-in,
   * registration, search, downloads, API keys per client address); 0 switches them off (default 1).
   */
  rateLimitScale: number;
}

function bool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === '') return dflt;
  return ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
}

/** A scale: on/off words mean 1/0, else a non-negative number. */
function scale(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const w = v.toLowerCase();
  if (['true', 'yes', 'on'].includes(w)) return 1;
  if (['false', 'no', 'off'].includes(w)) return 0;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be on, off or a non-negative number, got "${v}"`);
  return n;
}

function int(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  const demo = bool(env.DEMO, databaseUrl === undefined);
  const dataDir = path.resolve(env.DATA_DIR || './data');
  return {
    port: int('PORT', env.PORT, 3000),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir,
    demo,
    demoRows: scale('GOVSHARE_DEMO_ROWS', env.GOVSHARE_DEMO_ROWS, 1),
    requireMfa: bool(env.REQUIRE_MFA, !demo),
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', env.SESSION_IDLE_MINUTES, 30),
    logLevel: env.LOG_LEVEL || 'info',
    secureCookies: bool(env.SECURE_COOKIES, !demo),
    trustProxy: bool(env.TRUST_PROXY, false),
    secretKey: env.GOVSHARE_SECRET_KEY || undefined,
    keyFile: env.GOVSHARE_KEY_FILE ? path.resolve(env.GOVSHARE_KEY_FILE) : undefined,
    filesDir: env.FILES_DIR ? path.resolve(env.FILES_DIR) : path.join(dataDir, 'files'),
    maxFileMb: int('MAX_FILE_MB', env.MAX_FILE_MB, 200),
    smtpUrl: env.SMTP_URL || undefined,
    smsUrl: env.SMS_URL || undefined,
    smsToken: env.SMS_TOKEN || undefined,
    mailFrom: env.MAIL_FROM || 'govshare <no-reply@govshare.local>',
    outboxFile: env.OUTBOX_FILE ? path.resolve(env.OUTBOX_FILE) : path.join(dataDir, 'outbox.jsonl'),
    realNameUrl: env.REALNAME_URL || undefined,
    searchCacheSize: int('SEARCH_CACHE_SIZE', env.SEARCH_CACHE_SIZE, 500),
    rateLimitScale: scale('RATE_LIMIT_SCALE', env.RATE_LIMIT_SCALE, 1),
  };
}
