import { AppError } from '../../../platform/errors';

/**
 * Driver errors turned into messages a data specialist can act on. The driver's own text can name
 * host and user but never the password; it is still scrubbed of it in case a server echoes it.
 */
const KINDS = {
  auth: [400, 'EXCHANGE_SOURCE_AUTH', 'The source refused the user name or password', '源数据库拒绝了用户名或密码'],
  unreachable: [
    400,
    'EXCHANGE_SOURCE_UNREACHABLE',
    'The source host cannot be reached (address, port, firewall or timeout)',
    '无法连接源数据库主机（请检查地址、端口、防火墙或超时）',
  ],
  database: [
    400,
    'EXCHANGE_SOURCE_DATABASE',
    'The source has no such database, or the user may not use it',
    '源数据库不存在，或该用户无权访问',
  ],
  denied: [400, 'EXCHANGE_SOURCE_DENIED', 'The source user lacks the privilege to read this', '源数据库用户无读取权限'],
  failed: [400, 'EXCHANGE_SOURCE_FAILED', 'The source database reported an error', '源数据库返回错误'],
} as const;

export type SourceErrorKind = keyof typeof KINDS;

export function sourceError(
  kind: SourceErrorKind,
  driverCode: string | undefined,
  driverMessage: string | undefined,
  password: string,
): AppError {
  const [status, code, en, zh] = KINDS[kind];
  const scrub = (s: string) => (password ? s.split(password).join('***') : s);
  return new AppError(status, code, en, zh, {
    driverCode: driverCode ?? null,
    driverMessage: driverMessage ? scrub(driverMessage).slice(0, 300) : null,
  });
}

/** The same faults of a push job's target (the consumer's database), which the platform writes to. */
export function targetError(
  kind: SourceErrorKind,
  driverCode: string | undefined,
  driverMessage: string | undefined,
  password: string,
): AppError {
  const e = sourceError(kind, driverCode, driverMessage, password);
  const en = e.message.replace(/\bsource\b/g, 'target').replace('to read this', 'to create and write this table');
  const zh = (e.messageZh ?? '').replace(/源数据库/g, '目标数据库').replace('无读取权限', '无建表或写入权限');
  return new AppError(e.status, e.code.replace('EXCHANGE_SOURCE_', 'EXCHANGE_TARGET_'), en, zh, e.details);
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
]);

export const isNetworkCode = (code: string | undefined) => code !== undefined && NETWORK.has(code);

/** test() reports a failed connection as a result (the check itself worked); other faults still throw. */
export function failedTest(e: unknown): {
  ok: false;
  serverVersion: null;
  message: string;
  messageZh: string;
  code: string;
} {
  if (e instanceof AppError && e.code.startsWith('EXCHANGE_SOURCE_')) {
    return { ok: false, serverVersion: null, message: e.message, messageZh: e.messageZh ?? e.message, code: e.code };
  }
  throw e;
}
