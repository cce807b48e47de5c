import { AppError } from '../../platform/errors';
import type { GrantRefusal } from '../sharing';

/**
 * The gateway's own refusals and failures, each sent with its code in X-Gateway-Error so a caller
 * tells them from an upstream's own errors (which pass through without that header).
 */
const ERRORS = {
  SERVICE_NOT_FOUND: [404, 'No service is registered under this resource code', '该资源代码下没有登记服务接口'],
  OPERATION_NOT_FOUND: [404, 'The service offers no such operation', '该服务接口没有此操作'],
  REQUEST_TOO_LARGE: [413, 'The request body is larger than the service accepts', '请求体超过该服务接口允许的大小'],
  CREDENTIALS_MISSING: [
    401,
    'Sign the request (X-Gw-Key, X-Gw-Timestamp, X-Gw-Nonce, X-Gw-Signature) or send a bearer token',
    '请对请求签名（X-Gw-Key、X-Gw-Timestamp、X-Gw-Nonce、X-Gw-Signature）或携带访问令牌',
  ],
  APP_KEY_UNKNOWN: [401, 'Unknown app key', '应用标识不存在'],
  TOKEN_INVALID: [401, 'The access token is unknown or has expired', '访问令牌无效或已过期'],
  SYSTEM_DISABLED: [403, 'The calling system is disabled', '调用方应用系统已停用'],
  SIGNATURE_MALFORMED: [
    401,
    'Timestamp, nonce (16–64 of A–Z a–z 0–9 _ -) or signature (64 hex) malformed',
    '时间戳、随机串（16–64 位字母、数字、_ 或 -）或签名（64 位十六进制）格式不正确',
  ],
  TIMESTAMP_SKEW: [401, 'The timestamp is more than 300 s from the gateway clock', '时间戳与网关时间相差超过 300 秒'],
  SIGNATURE_INVALID: [401, 'The signature does not match', '签名不正确'],
  NONCE_REPLAYED: [401, 'This nonce was used already: a replayed request', '随机串已使用过（重放请求）'],
  GRANT_NONE: [403, 'Your department holds no grant for this resource', '本部门未获得该资源的共享授权'],
  GRANT_EXPIRED: [403, 'The grant has expired', '共享授权已过期'],
  GRANT_REVOKED: [403, 'The grant was revoked', '共享授权已被撤销'],
  GRANT_NOT_YET_VALID: [403, 'The grant is not valid yet', '共享授权尚未生效'],
  GRANT_METHOD: [403, 'The grant is not for the service API method', '共享授权的共享方式不是服务接口'],
  GRANT_IP: [403, 'Calls under this grant must come from its permitted IP ranges', '该授权只允许从指定 IP 范围调用'],
  GRANT_ITEMS: [403, 'The grant does not cover these data items', '共享授权未包含这些数据项'],
  OPERATION_NOT_GRANTED: [403, 'The grant does not include this operation', '共享授权不包含此操作'],
  RATE_LIMITED: [429, 'Too many calls a minute under this grant', '该授权每分钟调用次数已达上限'],
  QUOTA_EXCEEDED: [429, "The grant's daily call quota is used up", '该授权今日调用次数已达上限'],
  UPSTREAM_TIMEOUT: [504, 'The service did not answer in time', '服务接口响应超时'],
  UPSTREAM_UNAVAILABLE: [502, 'The service cannot be reached', '服务接口无法访问'],
  UPSTREAM_AUTH_FAILED: [502, 'The gateway could not authenticate to the service', '网关无法通过服务接口的认证'],
  UPSTREAM_RESPONSE_TOO_LARGE: [
    502,
    'The service answered more than the gateway may mask; ask for less (a page)',
    '服务接口返回的数据超过网关可脱敏的大小，请缩小查询范围（分页）',
  ],
  UPSTREAM_RESPONSE_INVALID: [
    502,
    'The service answered with a body that is not the JSON/XML it declares',
    '服务接口返回的内容不是其声明的 JSON/XML',
  ],
} as const satisfies Record<string, readonly [number, string, string]>;

export type GatewayError = keyof typeof ERRORS;

export function gatewayError(code: GatewayError, extra: Record<string, unknown> = {}): AppError {
  const [status, message, messageZh] = ERRORS[code];
  return new AppError(status, `GATEWAY_${code}`, message, messageZh, { gatewayError: code, ...extra });
}

export const GRANT_REFUSALS: Record<GrantRefusal, GatewayError> = {
  no_grant: 'GRANT_NONE',
  expired: 'GRANT_EXPIRED',
  revoked: 'GRANT_REVOKED',
  not_yet_valid: 'GRANT_NOT_YET_VALID',
  method_not_allowed: 'GRANT_METHOD',
  export_not_allowed: 'GRANT_METHOD',
  ip_not_allowed: 'GRANT_IP',
  items: 'GRANT_ITEMS',
};
