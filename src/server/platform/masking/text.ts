/**
 * Character-level helpers shared by the maskers. Everything counts Unicode code points, not UTF-16
 * units, so a rare 𠀀 (outside the BMP) in a name is one character and is never split in half.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** Code points of s; most government data is BMP-only, so the common case avoids Array.from. */
export function chars(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split('');
}

export const STAR = '*';

/** ASCII 0-9 and full-width ０-９ both count as digits: forms typed on Chinese IMEs produce either. */
export function isDigit(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code >= 0x30 && code <= 0x39) || (code >= 0xff10 && code <= 0xff19);
}

/** Half-width digit value of an ASCII or full-width digit (for looking at prefixes such as 0 or 86). */
export function digitOf(c: string): string {
  const code = c.charCodeAt(0);
  return code >= 0xff10 ? String.fromCharCode(code - 0xff10 + 0x30) : c;
}

/**
 * How many characters to leave visible at each end. When the value is not longer than what the rule
 * keeps, showing `head` and `tail` would reveal it all, so each end shrinks to a third of the value
 * (1 → '*', 4 → 'a**d'): a malformed value is still masked, never passed through.
 */
export function ends(n: number, head: number, tail: number): [number, number] {
  if (n > head + tail) return [head, tail];
  const third = Math.floor(n / 3);
  return [Math.min(head, third), Math.min(tail, third)];
}

/** Keep `head` and `tail` characters, star the rest; the result has as many characters as the input. */
export function keepEnds(s: string, head: number, tail: number): string {
  const cs = chars(s);
  const [h, t] = ends(cs.length, head, tail);
  return cs.slice(0, h).join('') + STAR.repeat(cs.length - h - t) + cs.slice(cs.length - t).join('');
}

/** Keep the first `keep` characters, star the rest. */
export function keepHead(s: string, keep: number): string {
  const cs = chars(s);
  const k = Math.min(keep, cs.length);
  return cs.slice(0, k).join('') + STAR.repeat(cs.length - k);
}

/**
 * Star the digits of a number that sits among separators (+86 138-1234-5678, 6222 0212 …), keeping
 * the first `head` and last `tail` of the digits from index `from` on; separators stay where they are.
 */
export function keepDigitEnds(cs: string[], digitAt: number[], from: number, head: number, tail: number): string {
  const body = digitAt.slice(from);
  const [h, t] = ends(body.length, head, tail);
  const out = cs.slice();
  for (let i = h; i < body.length - t; i++) out[body[i]!] = STAR;
  return out.join('');
}

/** Positions of the digits in cs. */
export function digitPositions(cs: string[]): number[] {
  const at: number[] = [];
  for (let i = 0; i < cs.length; i++) if (isDigit(cs[i]!)) at.push(i);
  return at;
}

/** Star every character that is not a separator; used when a value does not look like what the rule expects. */
export function starAll(s: string): string {
  return STAR.repeat(chars(s).length);
}
