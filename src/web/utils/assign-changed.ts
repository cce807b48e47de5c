/**
 * Copies into `target` only the fields of `source` whose value differs (compared as JSON), and
 * drops fields `source` lacks. On a reactive target only what changed is re-rendered: a page that
 * refreshes the data it started with (a view count) does not redraw itself whole.
 */
export function assignChanged<T extends object>(target: T, source: T): T {
  const t = target as Record<string, unknown>;
  const s = source as Record<string, unknown>;
  for (const k of Object.keys(t)) if (!(k in s)) delete t[k];
  for (const [k, v] of Object.entries(s)) if (JSON.stringify(t[k]) !== JSON.stringify(v)) t[k] = v;
  return target;
}
