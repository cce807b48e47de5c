/** File names coming in (uploads) and going out (downloads), made safe the same way everywhere. */

/** The base name a browser sent, without a path, control characters or quotes, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim();
  return base.slice(-200) || 'file';
}

/** RFC 6266/5987 Content-Disposition: an ASCII fallback for old clients and the real (Chinese) name in filename*. */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
