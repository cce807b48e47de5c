import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/platform/errors';
import {
  compileRule,
  formatRuleSpec,
  parseRuleSpec,
  regexRule,
  type MaskRule,
} from '../../src/server/platform/masking';

function errorOf(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('rule specs (R-43)', () => {
  const CANONICAL = [
    'name',
    'id_number',
    'mobile',
    'landline',
    'bank_card',
    'email',
    'plate',
    'credit_code',
    'redact',
    'none',
    'address',
    'address:town',
    'address:community',
    'keep:3,4',
    'keep:0,0',
    'regex:/^(\\d{3})\\d+(\\d{4})$/$1****$2/',
    'regex:/\\d/#/g',
    'regex:/a\\/b/c\\/d\\\\e/gi',
    'regex:/[/]x/y/',
    'regex:/(?<head>\\w)\\w*@/$<head>***@/u',
  ];

  it('round-trips every canonical spec', () => {
    for (const s of CANONICAL) expect(formatRuleSpec(parseRuleSpec(s))).toBe(s);
  });

  it('round-trips rule objects', () => {
    const rules: MaskRule[] = [
      { code: 'address', level: 'community' },
      { code: 'keep', head: 6, tail: 4 },
      regexRule('a/b', 'x/y\\z', 'g'),
      { code: 'plate' },
    ];
    for (const r of rules) expect(parseRuleSpec(formatRuleSpec(r))).toEqual(r);
  });

  it('reads the parameters it stores', () => {
    expect(parseRuleSpec(' address:town ')).toEqual({ code: 'address', level: 'town' });
    expect(parseRuleSpec('address:district')).toEqual({ code: 'address', level: 'district' });
    expect(parseRuleSpec('keep:6,4')).toEqual({ code: 'keep', head: 6, tail: 4 });
    expect(parseRuleSpec('regex:/a\\/b/c\\/d/g')).toEqual({
      code: 'regex',
      pattern: 'a\\/b',
      replacement: 'c/d',
      flags: 'g',
    });
    const m = compileRule(parseRuleSpec('regex:/a\\/b/c\\/d/g'));
    expect(m('xa/bya/b')).toBe('xc/dyc/d');
  });

  it('rejects unknown codes in Chinese and English', () => {
    const e = errorOf(() => parseRuleSpec('phone'));
    expect(e.code).toBe('MASK_RULE_UNKNOWN');
    expect(e.status).toBe(400);
    expect(e.message).toContain('phone');
    expect(e.messageZh).toContain('未知的脱敏规则');
    expect(errorOf(() => parseRuleSpec('')).code).toBe('MASK_RULE_UNKNOWN');
    expect(errorOf(() => parseRuleSpec('保留前6位和后4位')).code).toBe('MASK_RULE_UNKNOWN');
  });

  it('rejects malformed parameters', () => {
    for (const s of [
      'name:x',
      'address:street',
      'keep:3',
      'keep:a,b',
      'keep:65,1',
      'regex:',
      'regex:abc',
      'regex:/abc',
      'regex:/abc/x',
      'x'.repeat(501),
    ]) {
      expect([s.slice(0, 20), errorOf(() => parseRuleSpec(s)).code]).toEqual([
        s.slice(0, 20),
        expect.stringMatching(/^MASK_(RULE_(INVALID|UNKNOWN)|REGEX_INVALID)$/),
      ]);
    }
    expect(errorOf(() => parseRuleSpec('keep:65,1')).messageZh).toContain('保留首尾');
  });
});

describe('custom regex safety', () => {
  const codeOf = (pattern: string, replacement = '*', flags = '') =>
    errorOf(() => regexRule(pattern, replacement, flags)).code;

  it('refuses patterns that backtrack exponentially', () => {
    for (const p of ['(a+)+$', '(a*)*b', '(\\d+)*x', '(a|aa)+', '(?:a|b)*c', '((ab)*)+', '(x+x+)+y', '(.*){2,}z']) {
      expect([p, codeOf(p)]).toEqual([p, 'MASK_REGEX_UNSAFE']);
    }
  });

  it('refuses backreferences, huge repeats and many open-ended repeats', () => {
    expect(codeOf('(a)\\1')).toBe('MASK_REGEX_UNSAFE');
    expect(codeOf('(?<x>a)\\k<x>')).toBe('MASK_REGEX_UNSAFE');
    expect(codeOf('a{1,5000}')).toBe('MASK_REGEX_UNSAFE');
    expect(codeOf('\\d*\\d*\\d*x')).toBe('MASK_REGEX_UNSAFE');
  });

  it('refuses invalid patterns, flags, group references and lengths', () => {
    expect(codeOf('(')).toBe('MASK_REGEX_INVALID');
    expect(codeOf('')).toBe('MASK_REGEX_INVALID');
    expect(codeOf('a', '*', 'y')).toBe('MASK_REGEX_INVALID');
    expect(codeOf('a', '*', 'gg')).toBe('MASK_REGEX_INVALID');
    expect(codeOf('(a)', '$2')).toBe('MASK_REGEX_INVALID');
    expect(codeOf('a'.repeat(201))).toBe('MASK_REGEX_TOO_LONG');
    expect(codeOf('a', '*'.repeat(201))).toBe('MASK_REGEX_TOO_LONG');
  });

  it('accepts the patterns masking needs', () => {
    for (const p of [
      '^(\\d{3})\\d+(\\d{4})$',
      '(?<=^.).',
      '[\\u4e00-\\u9fa5]',
      '(\\w)[^@]*(@.*)',
      '(ab){2,5}',
      '(?:\\d{4}-){3}',
      '(a|b)c',
    ]) {
      expect(() => regexRule(p, '$&')).not.toThrow();
    }
    expect(compileRule(regexRule('(\\w)[^@]*(@.*)', '$1***$2'))('zhangsan@gov.cn')).toBe('z***@gov.cn');
  });

  it('runs an accepted pattern on hostile input within milliseconds', () => {
    const m = compileRule(regexRule('\\d*\\d*x', '*'));
    const t = performance.now();
    for (let i = 0; i < 20; i++) m('1'.repeat(256));
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
