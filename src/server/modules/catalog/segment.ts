import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';

/**
 * Chinese word segmentation for search. jieba's search mode emits both words and their
 * shorter parts (上饶市 → 上饶, 上饶市), so a query for either finds the text. Tokens are stored in a
 * 'simple' tsvector: PostgreSQL does no stemming on them, jieba already did the language work.
 */
let jieba: Jieba | undefined;

function segmenter(): Jieba {
  // The dictionary takes ~100 ms to load: once per process, on first use. Read here rather than
  // through '@node-rs/jieba/dict.js', which also reads a 6 MB IDF table this never uses and keeps
  // both files' buffers for the life of the process; jieba copies the words into its own memory.
  return (jieba ??= Jieba.withDict(fs.readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt'))));
}

/** Lower-cased search tokens without punctuation or whitespace. */
export function searchTokens(text: string): string[] {
  if (!text) return [];
  return segmenter()
    .cutForSearch(text, true)
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t && !/^[\p{P}\p{S}\s]+$/u.test(t));
}

/** Tokens joined by spaces: the input of to_tsvector('simple', …) / plainto_tsquery('simple', …). */
export function segmentForIndex(text: string): string {
  return searchTokens(text).join(' ');
}
