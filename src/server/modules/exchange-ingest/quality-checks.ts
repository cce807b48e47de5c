import { isValidCreditCode } from '../../../shared/org/credit-code';
import { isValidIdNumber } from '../../../shared/org/id-number';

/**
 * R-27 accuracy: what a value of an item must look like, chosen from the item's name and type.
 * Typed columns (numbers, dates, flags) are checked by PostgreSQL on load already; these are the
 * text formats with rules of their own.
 */
export interface FormatCheck {
  rule: string;
  valid: (v: string) => boolean;
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
