import { describe, expect, it } from 'vitest';
import {
  completeCreditCode,
  creditCodeCheckChar,
  creditCodeProblem,
  isValidCreditCode,
  normaliseCreditCode,
  organisationCodeCheckChar,
} from '../../src/shared/org/credit-code';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts the worked example of the standard', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull();
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(organisationCodeCheckChar('M000100Y')).toBe('4');
  });

  it('maps a check value of 31 to 0 and 30 to Y', () => {
    // Sum ≡ 0 (mod 31) gives 31 - 0 = 31, which is written 0; the all-zero body is the simplest case.
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
    expect(creditCodeCheckChar('10000000000000000')).toBe('Y');
  });

  it('computes GB 11714 check characters including X and 0', () => {
    // sum 10·3=30 → 30 mod 11 = 8 → 11-8 = 3
    expect(organisationCodeCheckChar('A0000000')).toBe('3');
    // sum 0 → 11 → '0'
    expect(organisationCodeCheckChar('00000000')).toBe('0');
    // sum 4·3 = 12 ≡ 1 → 10 → 'X'
    expect(organisationCodeCheckChar('40000000')).toBe('X');
  });

  it('builds valid synthetic codes', () => {
    const code = completeCreditCode('11361100', 'MB000001');
    expect(code).toHaveLength(18);
    expect(isValidCreditCode(code)).toBe(true);
  });

  it('names the problem of invalid codes', () => {
    const good = completeCreditCode('12361102', 'MB000042');
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(creditCodeProblem(wrongCheck)).toBe('check');
    const wrongOrg = good.slice(0, 16) + (good[16] === '0' ? '1' : '0') + good[17];
    expect(creditCodeProblem(wrongOrg)).toBe('organisation_check');
    expect(creditCodeProblem(good.slice(0, 17))).toBe('length');
    expect(creditCodeProblem(good.slice(0, 17) + 'I')).toBe('charset');
    expect(creditCodeProblem('91350100M000100Y4O')).toBe('charset');
    expect(creditCodeProblem('913A0100M000100Y43')).toBe('region');
    // One transposition of neighbours is caught.
    expect(isValidCreditCode('91350100M000100Y34')).toBe(false);
  });

  it('normalises pasted codes', () => {
    expect(normaliseCreditCode(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
  });
});
