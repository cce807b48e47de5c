import { isValidCreditCode } from '../../../shared/org/credit-code';

/**
 * R-27 accuracy: what a value of an item must look like, chosen from the item's name and type.
 * Typed columns (numbers, dates, flags) are checked by PostgreSQL on load already; these are the
 * text formats with rules of their own.
 */
export interface FormatCheck {
  rule: string;
  valid: (v: string) => boolean;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** 公民身份号码 (GB 11643): 18 characters, a real birth date and the ISO 7064 MOD 11-2 check character. */
export function isValidIdNumber(v: string): boolean {
  const s = v.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  const d = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birth) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(s[i]), 0);
  return ID_CHECK[sum % 11] === s[17];
}

const CHECKS: Array<[RegExp, FormatCheck]> = [
  [/身份证|身份号码|证件号码/, { rule: 'id_number', valid: isValidIdNumber }],
  [/统一社会信用代码|信用代码/, { rule: 'credit_code', valid: (v) => isValidCreditCode(v.trim()) }],
  [/手机/, { rule: 'mobile', valid: (v) => /^1[3-9]\d{9}$/.test(v.replace(/[\s-]/g, '').replace(/^\+?86/, '')) }],
  [/邮箱|电子邮件/, { rule: 'email', valid: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) }],
];

export function formatCheckFor(item: { name: string; dataType: string }): FormatCheck | null {
  if (item.dataType !== 'C') return null;
  return CHECKS.find(([re]) => re.test(item.name))?.[1] ?? null;
}
