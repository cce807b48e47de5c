/**
 * The data a server-rendered page was built from (page-shell.ts ssrDataScript), for the view that
 * shows the same page to start from instead of fetching it again. Read once: after the first
 * navigation the app fetches as usual.
 */
let data: Record<string, unknown> | null | undefined;

export function takeSsrData<T>(key: string): T | undefined {
  if (data === undefined) {
    const el = document.getElementById('gs-ssr-data');
    try {
      data = el?.textContent ? (JSON.parse(el.textContent) as Record<string, unknown>) : null;
    } catch {
      data = null;
    }
    el?.remove();
  }
  const value = data?.[key] as T | undefined;
  if (data) delete data[key];
  return value;
}
