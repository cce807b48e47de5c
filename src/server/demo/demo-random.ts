/**
 * Deterministic randomness for the demo rows: the same seed gives the same data on every machine,
 * so a demo, a screenshot and a test all see the same people and enterprises.
 */

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** 32-bit FNV-1a of a string: turns names ("企业登记信息", a column) into independent seeds. */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: tiny, fast and good enough for synthetic data (not for anything secret). */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)]!,
    chance: (p) => next() < p,
  };
}

/**
 * A shuffled, one-to-one numbering of 0..size-1 (a keyed permutation): identifiers built from it
 * never repeat, with no set of used values to keep, and neighbouring numbers map far apart, so
 * consecutive rows get unrelated ID numbers and credit codes. A 4-round Feistel network over the
 * smallest even power of two covering size, walking the cycle until the value falls inside it.
 */
export function permutation(size: number, seed: number): (i: number) => number {
  if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 32) throw new Error('permutation size must be in 1..2^32');
  let bits = 2;
  while (2 ** bits < size) bits += 2;
  const half = bits / 2;
  const mask = 2 ** half;
  const keys = [0, 1, 2, 3].map((k) => hash32(`round${k}`, seed));
  const round = (x: number, k: number) => {
    let h = Math.imul((x ^ keys[k]!) >>> 0, 0x9e3779b1) >>> 0;
    h = Math.imul((h ^ (h >>> 15)) >>> 0, 0x85ebca6b) >>> 0;
    return ((h ^ (h >>> 13)) >>> 0) % mask;
  };
  const encrypt = (x: number) => {
    let left = Math.floor(x / mask);
    let right = x % mask;
    for (let k = 0; k < 4; k++) [left, right] = [right, (left + round(right, k)) % mask];
    return left * mask + right;
  };
  return (i) => {
    let x = ((i % size) + size) % size;
    do x = encrypt(x);
    while (x >= size);
    return x;
  };
}
