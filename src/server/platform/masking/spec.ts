/**
 * The text form of a rule, stored per data item and channel (one short string in a column):
 *
 *   name | id_number | mobile | landline | bank_card | email | plate | credit_code | redact | none
 *   address                 keeps down to the county; address:town, address:community go finer
 *   keep:3,4                keeps the first 3 and last 4 characters
 *   regex:/PATTERN/REPLACEMENT/FLAGS
 *
 * In regex specs PATTERN is written as in a JavaScript regex literal ('/' escaped as \/ outside
 * [...]); in REPLACEMENT '/' and '\' are escaped as \/ and \\; $1, $<name> refer to groups.
 * formatRuleSpec(parseRuleSpec(s)) gives s back for specs in this canonical form.
 */
import { badRequest } from '../errors';
import { compileSafeRegex } from './regex';
import { ADDRESS_LEVELS, checkKeep, RULE_CODES, type AddressLevel, type MaskRule, type RuleCode } from './rules';

export const MAX_SPEC_LENGTH = 500;

const unknown = (code: string) =>
  badRequest(
    'MASK_RULE_UNKNOWN',
    `Unknown masking rule "${code}" (known: ${RULE_CODES.join(', ')})`,
    `未知的脱敏规则“${code}”`,
    { known: RULE_CODES },
  );
const malformed = (spec: string, en: string, zh: string) =>
  badRequest('MASK_RULE_INVALID', `Invalid masking rule "${spec}": ${en}`, `脱敏规则“${spec}”格式错误：${zh}`);

const isCode = (s: string): s is RuleCode => (RULE_CODES as readonly string[]).includes(s);

/** A regex rule in canonical form (the pattern as RegExp prints it); validates like parseRuleSpec. */
export function regexRule(pattern: string, replacement: string, flags = ''): MaskRule {
  const { source } = compileSafeRegex(pattern, flags, replacement);
  return { code: 'regex', pattern: source, flags, replacement };
}

/** End of the pattern part of /PATTERN/…: the first '/' that is neither escaped nor inside [...]. */
function patternEnd(s: string, from: number): number {
  let inClass = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return i;
  }
  return -1;
}

function parseRegex(spec: string, body: string): MaskRule {
  if (body[0] !== '/')
    throw malformed(spec, 'expected regex:/pattern/replacement/flags', '应为 regex:/表达式/替换文本/标志');
  const pEnd = patternEnd(body, 1);
  if (pEnd < 0) throw malformed(spec, 'the pattern is not closed by /', '表达式缺少结尾的 /');
  let replacement = '';
  let i = pEnd + 1;
  for (; i < body.length && body[i] !== '/'; i++) {
    const c = body[i]!;
    const n = body[i + 1];
    if (c === '\\' && (n === '/' || n === '\\')) {
      replacement += n;
      i++;
    } else replacement += c;
  }
  if (i >= body.length) throw malformed(spec, 'the replacement is not closed by /', '替换文本缺少结尾的 /');
  return regexRule(body.slice(1, pEnd), replacement, body.slice(i + 1));
}

/** Parse a stored spec; throws AppError (MASK_RULE_UNKNOWN / MASK_RULE_INVALID / MASK_REGEX_*) with zh/en messages. */
export function parseRuleSpec(spec: string): MaskRule {
  const s = spec.trim();
  if (s.length > MAX_SPEC_LENGTH)
    throw malformed(s.slice(0, 20) + '…', `longer than ${MAX_SPEC_LENGTH} characters`, `超过${MAX_SPEC_LENGTH}个字符`);
  const colon = s.indexOf(':');
  const code = colon < 0 ? s : s.slice(0, colon);
  const arg = colon < 0 ? null : s.slice(colon + 1);
  if (!isCode(code)) throw unknown(code);
  switch (code) {
    case 'regex':
      if (arg === null)
        throw malformed(s, 'expected regex:/pattern/replacement/flags', '应为 regex:/表达式/替换文本/标志');
      return parseRegex(s, arg);
    case 'address': {
      const level = arg ?? 'district';
      if (!(ADDRESS_LEVELS as readonly string[]).includes(level)) {
        throw malformed(
          s,
          `the level must be one of ${ADDRESS_LEVELS.join(', ')}`,
          '级别应为 district（区县）、town（乡镇街道）或 community（小区村）',
        );
      }
      return { code, level: level as AddressLevel };
    }
    case 'keep': {
      const m = arg === null ? null : /^(\d{1,3}),(\d{1,3})$/.exec(arg);
      if (!m) throw malformed(s, 'expected keep:N,M', '应为 keep:前位数,后位数');
      return { code, ...checkKeep(Number(m[1]), Number(m[2])) };
    }
    case 'name':
    case 'id_number':
    case 'mobile':
    case 'landline':
    case 'bank_card':
    case 'email':
    case 'plate':
    case 'credit_code':
    case 'redact':
    case 'none':
      if (arg !== null) throw malformed(s, `${code} takes no parameters`, `${code} 规则不带参数`);
      return { code };
  }
}

export function formatRuleSpec(rule: MaskRule): string {
  switch (rule.code) {
    case 'address':
      return rule.level === 'district' ? 'address' : `address:${rule.level}`;
    case 'keep':
      return `keep:${rule.head},${rule.tail}`;
    case 'regex': {
      const { source } = compileSafeRegex(rule.pattern, rule.flags, rule.replacement);
      return `regex:/${source}/${rule.replacement.replace(/[\\/]/g, '\\$&')}/${rule.flags}`;
    }
    case 'name':
    case 'id_number':
    case 'mobile':
    case 'landline':
    case 'bank_card':
    case 'email':
    case 'plate':
    case 'credit_code':
    case 'redact':
    case 'none':
      return rule.code;
  }
}
