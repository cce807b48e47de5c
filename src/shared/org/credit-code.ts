/**
 * 统一社会信用代码 (GB 32100-2015): 登记管理部门码 (1) + 机构类别码 (1) + 登记管理机关行政区划码 (6)
 * + 主体标识码 i.e. 组织机构代码 (9, GB 11714, with its own check char) + check char (1).
 */

/** The 31 characters GB 32100 allows (no I, O, S, V, Z); a character's value is its index. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export type CreditCodeProblem = 'length' | 'charset' | 'region' | 'organisation_check' | 'check';

/** The 18th character for the first 17; throws on characters outside the charset. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new Error('creditCodeCheckChar needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARSET.indexOf(first17[i]!);
    if (v < 0) throw new Error(`"${first17[i]}" is not allowed in a credit code`);
    sum += v * WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** GB 11714 check character of an organisation code's 8-character body (digits and A–Z as 10–35). */
export function organisationCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) throw new Error('organisationCodeCheckChar needs 8 characters 0-9/A-Z');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i]!, 36) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** Upper-cases and drops spaces, the way people paste codes from licences. */
export function normaliseCreditCode(code: string): string {
  return code.replace(/\s+/g, '').toUpperCase();
}

/** Null when valid, otherwise the first problem found. Expects a normalised code. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!CREDIT_CODE_CHARSET.includes(ch)) return 'charset';
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'region';
  if (organisationCodeCheckChar(code.slice(8, 16)) !== code[16]) return 'organisation_check';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return 'check';
  return null;
}

export const isValidCreditCode = (code: string) => creditCodeProblem(code) === null;

/** Completes 8 body characters of the 主体标识码 (prefix + 8 + 2 check chars) into a full valid code. */
export function completeCreditCode(prefix8: string, orgBody8: string): string {
  const first17 = prefix8 + orgBody8 + organisationCodeCheckChar(orgBody8);
  return first17 + creditCodeCheckChar(first17);
}

export const CREDIT_CODE_MESSAGES: Record<CreditCodeProblem, [string, string]> = {
  length: ['A unified social credit code has 18 characters', '统一社会信用代码应为18位'],
  charset: [
    'The code may contain only digits and capital letters other than I, O, S, V, Z',
    '统一社会信用代码只能包含数字和除I、O、S、V、Z以外的大写字母',
  ],
  region: ['Characters 3–8 must be the 6-digit region code', '统一社会信用代码第3至8位应为6位行政区划码'],
  organisation_check: [
    'The organisation code (characters 9–17) has a wrong check character',
    '统一社会信用代码中的组织机构代码（第9至17位）校验位错误',
  ],
  check: ['The check character (18th) is wrong', '统一社会信用代码校验位（第18位）错误'],
};
