import type { RouteLocationRaw } from 'vue-router';

/** The portal page of a dataset: its code `prefix/seq` is the two path segments. */
export function datasetLink(code: string): RouteLocationRaw {
  const [prefix = '', seq = ''] = code.split('/');
  return { name: 'portal-dataset', params: { prefix, seq } };
}

export const departmentLink = (id: string): RouteLocationRaw => ({ name: 'portal-department', params: { id } });

/** The search page with these criteria (empty ones left out, so the URL stays short). */
export function searchLink(query: Record<string, string | undefined> = {}): RouteLocationRaw {
  return { name: 'portal-search', query: Object.fromEntries(Object.entries(query).filter(([, v]) => v)) };
}
