import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, sign, stringToSign, verify, type SignedRequest } from './request-signing';

const NOW = new Date('2026-12-06T10:00:00Z');
const secret = 'a3f1c0de-app-secret-for-tests';
const request: SignedRequest = {
  method: 'post',
  path: '/gw/102-000001/v1/persons',
  query: [
    ['page', '2'],
    ['name', '张 三*'],
    ['a', 'z'],
    ['a', 'b'],
  ],
  timestamp: String(NOW.getTime() / 1000),
  nonce: 'n0nce-0123456789abcdef',
  body: '{"idType":"01"}',
};

describe('HMAC-SM3 request signing (issue #14)', () => {
  it('signs the canonical string as OpenSSL computes HMAC-SM3 over it', () => {
    expect(canonicalQuery(request.query)).toBe('a=b&a=z&name=%E5%BC%A0%20%E4%B8%89%2A&page=2');
    const text = stringToSign(request);
    expect(text.split('\n').slice(0, 5)).toEqual([
      'POST',
      '/gw/102-000001/v1/persons',
      'a=b&a=z&name=%E5%BC%A0%20%E4%B8%89%2A&page=2',
      String(NOW.getTime() / 1000),
      'n0nce-0123456789abcdef',
    ]);
    // An independent implementation: what the docs' curl example does with the openssl command.
    const bodyDigest = execFileSync('openssl', ['dgst', '-sm3', '-r'], { input: request.body })
      .toString()
      .split(' ')[0];
    expect(text.split('\n')[5]).toBe(bodyDigest);
    const byOpenssl = execFileSync('openssl', ['dgst', '-sm3', '-hmac', secret, '-r'], { input: text })
      .toString()
      .split(' ')[0];
    expect(sign(secret, request)).toBe(byOpenssl);
  });

  it('accepts the signed request, in any order of its query, within the clock skew', () => {
    const signature = sign(secret, request);
    expect(verify(secret, request, signature, NOW)).toBeNull();
    expect(verify(secret, { ...request, query: [...request.query].reverse() }, signature, NOW)).toBeNull();
    expect(verify(secret, request, signature.toUpperCase(), NOW)).toBeNull();
    expect(verify(secret, request, signature, new Date(NOW.getTime() + 299_000))).toBeNull();
    expect(verify(secret, request, signature, new Date(NOW.getTime() - 299_000))).toBeNull();
  });

  it('refuses a request changed after signing, signed with another secret, or outside the skew', () => {
    const signature = sign(secret, request);
    const changed: SignedRequest[] = [
      { ...request, method: 'GET' },
      { ...request, path: '/gw/102-000001/v1/persons/1' },
      { ...request, query: [...request.query, ['extra', '1']] },
      { ...request, body: '{"idType":"02"}' },
      { ...request, nonce: 'n0nce-0123456789abcdeF' },
    ];
    for (const r of changed) expect(verify(secret, r, signature, NOW)).toBe('SIGNATURE_INVALID');
    expect(verify('another-secret', request, signature, NOW)).toBe('SIGNATURE_INVALID');
    expect(verify(secret, request, signature, new Date(NOW.getTime() + 301_000))).toBe('TIMESTAMP_SKEW');
    expect(verify(secret, request, signature, new Date(NOW.getTime() - 301_000))).toBe('TIMESTAMP_SKEW');
  });

  it('refuses a malformed timestamp, nonce or signature before computing anything', () => {
    const signature = sign(secret, request);
    expect(verify(secret, { ...request, timestamp: '2026-12-06T10:00:00Z' }, signature, NOW)).toBe(
      'SIGNATURE_MALFORMED',
    );
    expect(verify(secret, { ...request, nonce: 'short' }, signature, NOW)).toBe('SIGNATURE_MALFORMED');
    expect(verify(secret, { ...request, nonce: 'has space in the nonce!!' }, signature, NOW)).toBe(
      'SIGNATURE_MALFORMED',
    );
    expect(verify(secret, request, signature.slice(2), NOW)).toBe('SIGNATURE_MALFORMED');
    expect(verify(secret, request, 'z'.repeat(64), NOW)).toBe('SIGNATURE_MALFORMED');
  });
});
