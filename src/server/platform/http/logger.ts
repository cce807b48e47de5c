import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Config } from '../../config';

/**
 * The server's log (pino through Fastify), made unable to carry a secret: no password,
 * token, key, session or code reaches it, at any level. Fastify logs each request's method and URL;
 * a URL's query may carry a token (a link mailed to confirm an address, a key given by a client in
 * the wrong place), so the values of such parameters are replaced. Headers and bodies are not
 * logged, and pino's redaction removes the secret ones should an error or a plugin log them.
 */

/**
 * Query parameters whose values are never logged, by name in snake case (apiKey → api_key): a
 * secret's name, or one ending in it. A bare `code` is a one-time code; `region_code` is not secret.
 */
const SECRET_PARAM =
  /^(code|otp|totp)$|(^|[_.-])(pass(word|wd)?|secrets?|token|key|sig(nature)?|nonce|ticket|session(_?id)?|cookie|captcha|credentials?|auth(orization)?|(sms|verify|verification|auth|otp|confirm|reset)_code)$/;

const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

export const REDACTED = '[redacted]';

/** The URL with the values of secret-looking query parameters replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name);
      } catch {
        // a malformed escape: judged by its raw text
      }
      return SECRET_PARAM.test(snakeCase(name)) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-gw-signature',
  'x-gw-nonce',
  'proxy-authorization',
];
const SECRET_FIELDS = [
  'password',
  'newPassword',
  'currentPassword',
  'oldPassword',
  'secret',
  'appSecret',
  'clientSecret',
  'token',
  'code',
  'idNumber',
  'value',
  'key',
];

export function loggerOptions(
  config: Pick<Config, 'logLevel'>,
  stream?: { write(line: string): void },
): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        ...SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `res.headers["${h}"]`, `headers["${h}"]`]),
        ...SECRET_FIELDS.flatMap((f) => [`body.${f}`, `req.body.${f}`, `payload.${f}`]),
      ],
      censor: REDACTED,
    },
    serializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
}
