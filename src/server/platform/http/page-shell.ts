import fs from 'node:fs';
import path from 'node:path';
import { WEB_DIST } from './web-app';

/** What a server-rendered page puts into the web app's index.html. */
export interface ShellPage {
  title: string;
  description: string;
  /** Absolute URL of the page (canonical link). */
  canonical?: string;
  /** Extra head markup, already safe (JSON-LD through jsonLdScript). */
  head?: string;
  /** The page's content as HTML, already escaped: what a crawler reads; the app replaces it when it starts. */
  body: string;
}

const FALLBACK = `<!doctype html><html lang="zh-CN"><head><meta charset="UTF-8" /><title></title></head><body><div id="app"></div></body></html>`;

let cached: { mtimeMs: number; html: string } | null = null;

/** The built index.html (re-read when a new build replaces it); a bare document when the web is not built. */
function indexHtml(): string {
  const file = path.join(WEB_DIST, 'index.html');
  try {
    const { mtimeMs } = fs.statSync(file);
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, html: fs.readFileSync(file, 'utf8') };
    return cached.html;
  } catch {
    return FALLBACK;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON in a script element; `<` is escaped so no value can close the element. */
const jsonScript = (type: string, data: unknown, id?: string) =>
  `<script type="${type}"${id ? ` id="${id}"` : ''}>${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;

/** schema.org JSON-LD for search engines. */
export const jsonLdScript = (data: unknown): string => jsonScript('application/ld+json', data);

/**
 * What the page was rendered from, for the web app to start with instead of asking again
 * (src/web/utils/ssr-data.ts reads it): its first screen is then the same page, at once.
 */
export const ssrDataScript = (data: Record<string, unknown>): string =>
  jsonScript('application/json', data, 'gs-ssr-data');

/**
 * Pages that search engines read (the open portal's datasets and departments) are served as the web
 * app's own index.html with their title, description and content already in it, so they are complete
 * without running JavaScript; the app then starts on the same URL and takes over.
 */
export function renderShell(p: ShellPage): string {
  const head = [
    `<title>${escapeHtml(p.title)}</title>`,
    `<meta name="description" content="${escapeHtml(p.description)}" />`,
    p.canonical ? `<link rel="canonical" href="${escapeHtml(p.canonical)}" />` : '',
    p.head ?? '',
  ].join('\n    ');
  return (
    indexHtml()
      .replace(/<meta\s+name="description"[^>]*>\s*/, '')
      // The page reads without the app, so the app's scripts wait behind the stylesheets: on a slow
      // phone connection its first paint no longer waits for ~170 kB of JavaScript (Lighthouse's
      // mobile first contentful paint went from 2.1 s to 0.9 s).
      .replace(/<(script type="module"|link rel="modulepreload") /g, '<$1 fetchpriority="low" ')
      .replace(/<title>[^<]*<\/title>/, () => head)
      .replace('<div id="app"></div>', () => `<div id="app">${p.body}</div>`)
  );
}
