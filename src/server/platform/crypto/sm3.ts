import { hash } from 'node:crypto';

/** SM3 (GB/T 32905) through OpenSSL, as bundled with Node; one-shot, as the audit writer hashes every event. */
export function sm3Hex(data: string | Buffer): string {
  return hash('sm3', data, 'hex');
}

/** JSON with object keys sorted at every level, so a value hashes the same after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value));
}

/** The value with object keys sorted at every level (what canonicalJson serialises). */
export function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonicalValue(v);
    }
    return out;
  }
  return value;
}
