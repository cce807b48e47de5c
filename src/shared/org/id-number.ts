/**
 * 公民身份号码 (GB 11643-1999): 6-digit region + 8-digit birth date + 3-digit sequence + an
 * ISO 7064 MOD 11-2 check character (0–9 or X).
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type IdNumberProblem = 'format' | 'birth' | 'check';

/** The check character for the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('idNumberCheckChar needs 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += WEIGHTS[i]! * Number(first17[i]);
  return CHECK[sum % 11]!;
}

/** Upper-cases the X and drops spaces, the way people type the number. */
export function normaliseIdNumber(v: string): string {
  return v.replace(/\s+/g, '').toUpperCase();
}

/** Null when valid, otherwise the first problem found. Expects a normalised number. */
export function idNumberProblem(s: string): IdNumberProblem | null {
  if (!/^\d{17}[\dX]$/.test(s)) return 'format';
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  const d = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birth) return 'birth';
  return idNumberCheckChar(s.slice(0, 17)) === s[17] ? null : 'check';
}

export const isValidIdNumber = (v: string) => idNumberProblem(normaliseIdNumber(v)) === null;

export const ID_NUMBER_MESSAGES: Record<IdNumberProblem, [string, string]> = {
  format: ['An identity number has 17 digits and a final digit or X', '身份证号应为18位，前17位为数字，末位为数字或X'],
  birth: ['Digits 7–14 must be a real date of birth', '身份证号第7至14位应为有效的出生日期'],
  check: ['The check character (18th) is wrong', '身份证号校验位（第18位）错误'],
};
