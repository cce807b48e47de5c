import { createHmac, timingSafeEqual } from 'node:crypto';
import { sm3Hex } from './sm3';

/**
 * HMAC-SM3 request signing for systems calling the service gateway (issue #14, R-23, R-43): the
 * caller signs the method, the path, the query, a timestamp, a nonce and the SM3 digest of the body
 * with its app secret; the gateway recomputes the signature. The timestamp bounds a captured request's
 * life to the clock skew allowed; the nonce, remembered for that window by the caller of `verify`,
 * makes it usable once.
 *
 * The string signed, one field per line (the docs' examples in curl, Node and Python build the same):
 *
 *     METHOD            upper case
 *     /path             as sent, percent-encoded as sent
 *     a=1&b=x%20y       query pairs sorted by name then value, each part percent-encoded (RFC 3986)
 *     1796578206        timestamp, Unix seconds
 *     5f0c…             nonce, 16–64 of [A-Za-z0-9_-]
 *     1ab2…             SM3 of the body, hex (of nothing for a body-less request)
 */

/** How far a request's timestamp may be from the gateway's clock. */
export const MAX_SKEW_SECONDS = 300;

export interface SignedRequest {
  method: string;
  path: string;
  /** The query as pairs, repeated names included, in any order. */
  query: Array<[string, string]>;
  timestamp: string;
  nonce: string;
  body: Buffer | string;
}

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^\d{1,12}$/;

/** RFC 3986 percent-encoding (encodeURIComponent leaves !'()* as they are). */
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The query in the signed form: pairs sorted by name, then value, each part percent-encoded. */
export function canonicalQuery(query: Array<[string, string]>): string {
  return query
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** The string a request's signature is computed over. */
export function stringToSign(r: SignedRequest): string {
  return [r.method.toUpperCase(), r.path, canonicalQuery(r.query), r.timestamp, r.nonce, sm3Hex(r.body)].join('\n');
}

/** The signature of a request with a secret: HMAC-SM3, hex. */
export function sign(secret: string, r: SignedRequest): string {
  return createHmac('sm3', secret).update(stringToSign(r)).digest('hex');
}

/** Why a signed request is refused (the gateway's X-Gateway-Error codes). */
export type SignatureFault = 'SIGNATURE_MALFORMED' | 'TIMESTAMP_SKEW' | 'SIGNATURE_INVALID';

/**
 * Checks a request's signature against the secret, at `now`: its form first (timestamp, nonce,
 * signature), then the clock skew, then the signature in constant time. The nonce's single use is the
 * caller's to enforce (it has the store), after this returns null.
 */
export function verify(secret: string, r: SignedRequest, signature: string, now: Date): SignatureFault | null {
  if (!TIMESTAMP.test(r.timestamp) || !NONCE.test(r.nonce) || !/^[0-9a-f]{64}$/i.test(signature))
    return 'SIGNATURE_MALFORMED';
  if (Math.abs(now.getTime() / 1000 - Number(r.timestamp)) > MAX_SKEW_SECONDS) return 'TIMESTAMP_SKEW';
  const expected = Buffer.from(sign(secret, r), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? null : 'SIGNATURE_INVALID';
}
