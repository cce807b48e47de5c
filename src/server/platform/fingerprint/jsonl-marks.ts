import { rowBit, voteOf, type Vote } from './mark';

/**
 * JSON Lines' channel: whether a space follows the colon after a line's first key. Whitespace
 * between tokens is no part of a JSON value, so every parser reads the same object.
 */

/** Index of the colon after the first key of a compact `{"key":…}` line, or -1. */
function firstColon(line: string): number {
  if (!line.startsWith('{"')) return -1;
  for (let i = 2; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === '"') return line[i + 1] === ':' ? i + 1 : -1;
  }
  return -1;
}

/** `line` is JSON.stringify's compact output (its own canonical form). */
export function markJsonLine(key: Buffer, mark: bigint, line: string): string {
  const colon = firstColon(line);
  if (colon < 0 || rowBit(key, mark, line) === 0) return line;
  return `${line.slice(0, colon + 1)} ${line.slice(colon + 1)}`;
}

/** What each line of a JSON Lines text says about the mark; lines that are not JSON objects say nothing. */
export function jsonlVotes(key: Buffer, text: string): Vote[] {
  const votes: Vote[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split('\n')) {
    const line = raw.replace(/\r$/, '');
    const colon = firstColon(line);
    if (colon < 0) continue;
    let canonical: string;
    try {
      const value: unknown = JSON.parse(line);
      if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
      canonical = JSON.stringify(value);
    } catch {
      continue;
    }
    votes.push(voteOf(key, canonical, line[colon + 1] === ' ' ? 1 : 0));
  }
  return votes;
}
