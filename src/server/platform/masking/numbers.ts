/**
 * Maskers for numbers that identify a person or an account. All of them keep the character count:
 * separators (spaces, dashes, +, brackets) stay in place and only digits or letters become '*'.
 */
import { chars, digitOf, digitPositions, keepDigitEnds, starAll } from './text';

const SPACE = /\s/;
/** The everyday forms, masked without splitting them into characters: a push masks millions. */
const PLAIN_ID = /^\d{17}[\dXx]$/;
const PLAIN_MOBILE = /^1\d{10}$/;
const plainMobile = (s: string) => `${s.slice(0, 3)}****${s.slice(7)}`;

function solidPositions(cs: string[]): number[] {
  const at: number[] = [];
  for (let i = 0; i < cs.length; i++) if (!SPACE.test(cs[i]!)) at.push(i);
  return at;
}

/** Keep `head` and `tail` of the non-blank characters. */
export function maskKeep(s: string, head: number, tail: number): string {
  const cs = chars(s);
  return keepDigitEnds(cs, solidPositions(cs), 0, head, tail);
}

/**
 * 身份证号: 18 digits keep the first 6 (region) and last 4. The old 15-digit form has no century and a
 * 3-digit sequence, so keeping its last 4 would show a digit of the birthday: it keeps the last 3.
 */
export function maskIdNumber(s: string): string {
  if (PLAIN_ID.test(s)) return `${s.slice(0, 6)}********${s.slice(14)}`;
  const cs = chars(s);
  const at = solidPositions(cs);
  return keepDigitEnds(cs, at, 0, 6, at.length === 15 ? 3 : 4);
}

/** How many leading digits are the country code 86 (written +86, 0086 or 86 before an 11-digit number). */
function countryDigits(cs: string[], at: number[]): number {
  const d = at.map((i) => digitOf(cs[i]!)).join('');
  if (d.startsWith('0086') && d.length > 4) return 4;
  const plus = at.length > 0 && cs.slice(0, at[0]).some((c) => c === '+' || c === '＋');
  if (d.startsWith('86') && (plus || d.length === 13)) return 2;
  return 0;
}

/** 手机号: keep the first 3 and last 4 of the 11 national digits; a +86 prefix stays visible. */
export function maskMobile(s: string): string {
  if (PLAIN_MOBILE.test(s)) return plainMobile(s);
  const cs = chars(s);
  const at = digitPositions(cs);
  if (at.length === 0) return starAll(s);
  return keepDigitEnds(cs, at, countryDigits(cs, at), 3, 4);
}

/** The first run of digits when a separator (-, space, bracket) closes it: an area code written out. */
function writtenAreaCode(cs: string[], at: number[], from: number): number | null {
  if (from >= at.length) return null;
  let n = 1;
  while (from + n < at.length && at[from + n] === at[from + n - 1]! + 1) n++;
  const next = cs[at[from + n - 1]! + 1];
  if (next === undefined || from + n >= at.length) return null;
  return n >= 2 && n <= 4 ? n : null;
}

/**
 * 固定电话: keep the area code (0793, 010, or 793 after +86) and the last 2 digits. Without a written
 * separator the code is inferred from the national plan: 010 and 02x have 3 digits, the rest 4. A
 * "phone" column often holds mobiles too; those get the mobile rule so 138… is not shown as an area.
 */
export function maskLandline(s: string): string {
  if (PLAIN_MOBILE.test(s)) return plainMobile(s);
  const cs = chars(s);
  const at = digitPositions(cs);
  if (at.length === 0) return starAll(s);
  const cc = countryDigits(cs, at);
  const d = at.slice(cc).map((i) => digitOf(cs[i]!));
  if (d.length === 11 && d[0] === '1') return keepDigitEnds(cs, at, cc, 3, 4);
  let area = writtenAreaCode(cs, at, cc);
  if (area === null) {
    if (d[0] === '0') area = d[1] === '1' || d[1] === '2' ? 3 : 4;
    else if (cc > 0) area = d[0] === '1' || d[0] === '2' ? 2 : 3;
    else area = 0;
  }
  return keepDigitEnds(cs, at, cc, area, 2);
}

/** 银行卡号: keep the first 6 (the issuer, BIN) and last 4 digits. */
export function maskBankCard(s: string): string {
  const cs = chars(s);
  const at = digitPositions(cs);
  return at.length === 0 ? starAll(s) : keepDigitEnds(cs, at, 0, 6, 4);
}

/** 统一社会信用代码 (18 characters, letters included): keep the first 2 (registering authority, kind) and last 4. */
export function maskCreditCode(s: string): string {
  return maskKeep(s, 2, 4);
}
