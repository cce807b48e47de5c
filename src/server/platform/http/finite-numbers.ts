import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors';

/** Where a request holds a number that is not finite, as a field path (`querystring.pageSize`), or null. */
function nonFinite(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  // Parsed JSON and query strings only: a streamed body (the gateway's) or a Buffer is not input to walk.
  // (A parsed query string's prototype is an empty object without one: fast-querystring's.)
  const proto = Object.getPrototypeOf(value) as object | null;
  const plain = proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
  if (!Array.isArray(value) && !plain) return null;
  for (const [k, v] of Object.entries(value)) {
    const found = nonFinite(v, `${path}.${k}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * ajv coerces a query string of 400 digits (or a JSON body's 1e400) to Infinity and then passes it
 * through `maximum` and `integer` alike; the database then refuses "Infinity" as a bigint. A number
 * that is not finite is no valid input anywhere, so it is refused here, after validation, in the
 * validation error's shape.
 */
export function installFiniteNumbers(app: FastifyInstance): void {
  app.addHook('preHandler', async (req) => {
    const field = nonFinite(req.query, 'querystring') ?? nonFinite(req.params, 'params') ?? nonFinite(req.body, 'body');
    if (field)
      throw badRequest(
        'VALIDATION_FAILED',
        `Invalid input: ${field} is too large`,
        `输入数据不符合要求：${field} 数值过大`,
        [{ field, message: 'must be a finite number', messageZh: '应当为有限数值' }],
      );
  });
}
