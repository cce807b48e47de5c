import { bitAt, MARK_BITS, type Vote } from './mark';

/**
 * From the rows' votes to a verdict. A row of the file's download agrees with its mark; a row of
 * another download of the same data agrees by chance, half the time; noise (a header line, an
 * edited cell) is a few rows. So a recorded mark matches when nearly every voting row agrees with it
 * and the rows cover enough of its bits for chance to be out of the question.
 */

/** Fewer decided bits than this, and a chance match is no longer negligible. */
export const MIN_KNOWN_BITS = 24;
/** Share of voting rows that must agree with a mark. */
export const MIN_AGREEMENT = 0.8;

export interface Tally {
  /** The majority bit where there is one. */
  known: bigint;
  /** Which bits have a majority. */
  mask: bigint;
  knownBits: number;
}

export function tally(votes: readonly Vote[]): Tally {
  const ones = new Array<number>(MARK_BITS).fill(0);
  const zeros = new Array<number>(MARK_BITS).fill(0);
  for (const v of votes) (v.bit ? ones : zeros)[v.index]!++;
  let known = 0n;
  let mask = 0n;
  let knownBits = 0;
  for (let i = 0; i < MARK_BITS; i++) {
    if (ones[i] === zeros[i]) continue;
    mask |= 1n << BigInt(i);
    if (ones[i]! > zeros[i]!) known |= 1n << BigInt(i);
    knownBits++;
  }
  return { known, mask, knownBits };
}

/** Most decided bits a candidate may get wrong and still be looked at. */
export const maxMismatches = (t: Tally) => Math.floor(t.knownBits * (1 - MIN_AGREEMENT));

/** How many of the rows' votes a mark agrees with. */
export function agreement(votes: readonly Vote[], mark: bigint): number {
  let n = 0;
  for (const v of votes) if (bitAt(mark, v.index) === v.bit) n++;
  return n;
}

export const agreesEnough = (agreeing: number, voting: number, t: Tally) =>
  t.knownBits >= MIN_KNOWN_BITS && voting > 0 && agreeing / voting >= MIN_AGREEMENT;
