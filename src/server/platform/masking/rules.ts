/**
 * The masking rule library. A rule is data (stored per data item and channel as a text spec,
 * see spec.ts); compileRule turns it into a pure function applied on every outbound path.
 */
import { badRequest } from '../errors';
import { maskBankCard, maskCreditCode, maskIdNumber, maskKeep, maskLandline, maskMobile } from './numbers';
import { maskAddress, maskEmail, maskName, maskPlate, type AddressLevel } from './people';
import { compileSafeRegex, MAX_REGEX_INPUT } from './regex';
import { starAll } from './text';

export type { AddressLevel } from './people';

export const RULE_CODES = [
  'name',
  'id_number',
  'mobile',
  'landline',
  'bank_card',
  'address',
  'email',
  'plate',
  'credit_code',
  'keep',
  'regex',
  'redact',
  'none',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];
export const ADDRESS_LEVELS: readonly AddressLevel[] = ['district', 'town', 'community'];

export type MaskRule =
  | { code: Exclude<RuleCode, 'address' | 'keep' | 'regex'> }
  | { code: 'address'; level: AddressLevel }
  | { code: 'keep'; head: number; tail: number }
  | { code: 'regex'; pattern: string; flags: string; replacement: string };

/** null and undefined stay null (absence is not data); '' stays ''. */
export type Masker = (value: string | null | undefined) => string | null;

export interface RuleInfo {
  code: RuleCode;
  nameZh: string;
  nameEn: string;
  keepsZh: string;
  keepsEn: string;
  /** The masked value has exactly as many characters as the original. */
  keepsLength: boolean;
}

const info = (
  code: RuleCode,
  nameZh: string,
  nameEn: string,
  keepsZh: string,
  keepsEn: string,
  keepsLength = true,
): RuleInfo => ({ code, nameZh, nameEn, keepsZh, keepsEn, keepsLength });

export const RULES: Readonly<Record<RuleCode, RuleInfo>> = {
  name: info(
    'name',
    '姓名',
    'Personal name',
    '保留姓（含欧阳等复姓），名以*代替',
    'Keeps the surname (compound surnames included), stars the given name',
  ),
  id_number: info(
    'id_number',
    '身份证号',
    'ID card number',
    '保留前6位和后4位（15位号码保留后3位）',
    'Keeps the first 6 and last 4 (last 3 for the 15-digit form)',
  ),
  mobile: info(
    'mobile',
    '手机号',
    'Mobile number',
    '保留前3位和后4位（+86保留）',
    'Keeps the first 3 and last 4 digits (+86 kept)',
  ),
  landline: info('landline', '固定电话', 'Landline number', '保留区号和后2位', 'Keeps the area code and last 2 digits'),
  bank_card: info(
    'bank_card',
    '银行卡号',
    'Bank card number',
    '保留前6位和后4位',
    'Keeps the first 6 and last 4 digits',
  ),
  address: info(
    'address',
    '地址',
    'Address',
    '保留到区县（可设到乡镇街道或小区村），其余以*代替',
    'Keeps down to the county (or town / community if set), stars the rest',
  ),
  email: info('email', '邮箱', 'E-mail', '保留首字符和@后的域名', 'Keeps the first character and the @domain', false),
  plate: info(
    'plate',
    '车牌',
    'Vehicle plate',
    '保留省份简称、发牌机关字母和最后1位',
    'Keeps the province, the city letter and the last character',
  ),
  credit_code: info(
    'credit_code',
    '统一社会信用代码',
    'Unified social credit code',
    '保留前2位和后4位',
    'Keeps the first 2 and last 4 characters',
  ),
  keep: info('keep', '保留首尾', 'Keep ends', '保留前N位和后M位', 'Keeps the first N and last M characters'),
  regex: info('regex', '自定义正则', 'Custom regex', '按正则表达式替换', 'Replaces what the pattern matches', false),
  redact: info('redact', '全部隐藏', 'Redact', '全部以*代替', 'Stars every character'),
  none: info('none', '不脱敏', 'None', '原样输出', 'Passes the value unchanged'),
};

export const MAX_KEEP = 64;

/** keep:N,M takes whole numbers from 0 to MAX_KEEP. */
export function checkKeep(head: number, tail: number): { head: number; tail: number } {
  for (const n of [head, tail]) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_KEEP) {
      throw badRequest(
        'MASK_RULE_INVALID',
        `keep needs two whole numbers from 0 to ${MAX_KEEP}, e.g. keep:3,4`,
        `“保留首尾”规则需要两个0到${MAX_KEEP}的整数，如 keep:3,4`,
      );
    }
  }
  return { head, tail };
}

function stringMasker(rule: MaskRule): (s: string) => string {
  switch (rule.code) {
    case 'name':
      return maskName;
    case 'id_number':
      return maskIdNumber;
    case 'mobile':
      return maskMobile;
    case 'landline':
      return maskLandline;
    case 'bank_card':
      return maskBankCard;
    case 'address': {
      const level = rule.level;
      return (s) => maskAddress(s, level);
    }
    case 'email':
      return maskEmail;
    case 'plate':
      return maskPlate;
    case 'credit_code':
      return maskCreditCode;
    case 'keep': {
      const { head, tail } = checkKeep(rule.head, rule.tail);
      return (s) => maskKeep(s, head, tail);
    }
    case 'regex': {
      const { re } = compileSafeRegex(rule.pattern, rule.flags, rule.replacement);
      const replacement = rule.replacement;
      return (s) => (s.length > MAX_REGEX_INPUT ? starAll(s) : s.replace(re, replacement));
    }
    case 'redact':
      return starAll;
    case 'none':
      return (s) => s;
  }
}

/** Compile once (a regex rule is validated and compiled here), apply many times. Throws AppError on a bad regex. */
export function compileRule(rule: MaskRule): Masker {
  const f = stringMasker(rule);
  return (value) => (value === null || value === undefined ? null : value === '' ? '' : f(value));
}

/** Mask one value; for many values compile the rule once with compileRule or compilePlan. */
export function mask(rule: MaskRule, value: string | null | undefined): string | null {
  return compileRule(rule)(value);
}
