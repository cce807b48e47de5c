/** PostgreSQL's COPY text format for one field: what the table jobs and the audit writer send through COPY. */

/** Escapes a string for a COPY text field (backslash, tab and line breaks). */
export function escapeCopy(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : s;
}

/** A value as one COPY text field: \N for null, t/f, ISO times, bytea hex for binary, the rest as escaped text. */
export function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`;
  return escapeCopy(typeof v === 'string' ? v : String(v));
}
