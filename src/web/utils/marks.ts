/**
 * The search API marks matched words as HTML-escaped text with <mark></mark>. The page turns that
 * into plain segments and renders them as text, so nothing the server sends is ever parsed as HTML.
 */
export interface Segment {
  text: string;
  mark: boolean;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

export function markSegments(marked: string): Segment[] {
  const out: Segment[] = [];
  const re = /<mark>(.*?)<\/mark>/gs;
  let last = 0;
  for (const m of marked.matchAll(re)) {
    if (m.index > last) out.push({ text: unescape(marked.slice(last, m.index)), mark: false });
    out.push({ text: unescape(m[1] ?? ''), mark: true });
    last = m.index + m[0].length;
  }
  if (last < marked.length) out.push({ text: unescape(marked.slice(last)), mark: false });
  return out;
}
