import { createHmac, randomBytes } from 'node:crypto';

/**
 * A download's mark: 64 random bits, recorded with the download and spread over its rows one bit a
 * row. Which bit a row carries, and the pad it is XORed with, come from a keyed hash (HMAC-SM3) of
 * the row's own content: a fragment, in any order, decodes without knowing where its rows stood,
 * and without the key nobody can tell which representation choice carries what (or scrub it).
 */

export const MARK_BITS = 64;

/** 64 random bits as an unsigned bigint. */
export const newMark = (): bigint => randomBytes(8).readBigUInt64BE();

export const markHex = (mark: bigint): string => BigInt.asUintN(64, mark).toString(16).padStart(16, '0');

export const markOfHex = (hex: string): bigint | null => (/^[0-9a-f]{16}$/i.test(hex) ? BigInt(`0x${hex}`) : null);

/** The database keeps it in a bigint column, which is signed. */
export const markToDb = (mark: bigint): string => BigInt.asIntN(64, mark).toString();
export const markFromDb = (v: string | bigint): bigint => BigInt.asUintN(64, BigInt(v));

export const bitAt = (mark: bigint, index: number): 0 | 1 => ((mark >> BigInt(index)) & 1n ? 1 : 0);

/** Where a row's content puts its bit: the mark bit's index and the pad. */
export interface RowSlot {
  index: number;
  pad: 0 | 1;
}

export function rowSlot(key: Buffer, canonical: string): RowSlot {
  const d = createHmac('sm3', key).update(canonical, 'utf8').digest();
  return { index: d[0]! % MARK_BITS, pad: (d[1]! & 1) as 0 | 1 };
}

/** The bit a row with this content shows in a file carrying `mark`. */
export function rowBit(key: Buffer, mark: bigint, canonical: string): 0 | 1 {
  const s = rowSlot(key, canonical);
  return (bitAt(mark, s.index) ^ s.pad) as 0 | 1;
}

/** What one row of a file says: mark bit `index` is `bit` (pad removed). */
export interface Vote {
  index: number;
  bit: 0 | 1;
}

export function voteOf(key: Buffer, canonical: string, shown: 0 | 1): Vote {
  const s = rowSlot(key, canonical);
  return { index: s.index, bit: (shown ^ s.pad) as 0 | 1 };
}
