import { AppError } from '../../../platform/errors';

/** An action's parameters as they came: strings from a query string, JSON values from a POST body. */
export type Params = Record<string, unknown>;

/** CKAN's errors: a type name, a status, and for validation a message per field. */
export class CkanError extends AppError {
  constructor(
    status: number,
    readonly ckanType: string,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(status, `CKAN_${ckanType.toUpperCase().replace(/\W+/g, '_')}`, message, message);
  }
}
export const notFound = (what = 'Not found') => new CkanError(404, 'Not Found Error', what);
export const invalid = (field: string, message: string) =>
  new CkanError(409, 'Validation Error', message, { [field]: [message] });

/** The most rows a page gives (CKAN's ckan.search.rows_max; a larger ask is cut to it, as CKAN does). */
export const ROWS_MAX = 1000;

export function int(p: Params, key: string, fallback: number, min = 0): number {
  const v = p[key];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : Number(String(v));
  if (!Number.isInteger(n)) throw invalid(key, 'Invalid integer');
  if (n < min) throw invalid(key, `Must be a natural number${min ? ` of at least ${min}` : ''}`);
  return n;
}

/** An integer parameter, cut to `max` as CKAN cuts `rows` and `limit` (a larger ask is not an error). */
export const upTo = (p: Params, key: string, fallback: number, max: number, min = 0): number =>
  Math.min(int(p, key, fallback, min), max);

export function bool(p: Params, key: string, fallback: boolean): boolean {
  const v = p[key];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  throw invalid(key, 'Value must be one of: true, false');
}

export function str(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A list parameter: a JSON array, a comma-separated string, or a repeated query parameter. */
export function list(p: Params, key: string): string[] {
  const v = p[key];
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v.map(String);
  const s = String(v);
  if (s.startsWith('[')) {
    try {
      const a: unknown = JSON.parse(s);
      if (Array.isArray(a)) return a.map(String);
    } catch {
      // not JSON: read as a comma-separated list
    }
  }
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}
