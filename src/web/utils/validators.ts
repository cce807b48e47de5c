import type { FormItemRule } from 'element-plus';
import { creditCodeProblem, normaliseCreditCode, type CreditCodeProblem } from '../../shared/org/credit-code';
import { i18n } from '../i18n';

// The credit-code rules are the server's own pure module, so browser and API never disagree.
export { normaliseCreditCode };

const PROBLEM_KEY: Record<CreditCodeProblem, string> = {
  length: 'department.creditCodeLength',
  charset: 'department.creditCodeCharset',
  region: 'department.creditCodeRegion',
  organisation_check: 'department.creditCodeOrgCheck',
  check: 'department.creditCodeCheck',
};

const t = (key: string) => i18n.global.t(key);

export const creditCodeRule: FormItemRule = {
  // required only draws the asterisk; the validator itself reports an empty field.
  required: true,
  trigger: 'blur',
  validator: (_rule, value: unknown, callback) => {
    const code = normaliseCreditCode(typeof value === 'string' ? value : '');
    if (!code) return callback(new Error(t('department.creditCodeRequired')));
    const problem = creditCodeProblem(code);
    callback(problem ? new Error(t(PROBLEM_KEY[problem])) : undefined);
  },
};

/** The same policy the server enforces (10+ chars, three classes, not containing the user name). */
export function passwordProblem(password: string, username: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return (
    password.length < 10 || classes < 3 || (username !== '' && password.toLowerCase().includes(username.toLowerCase()))
  );
}

export const MOBILE_RE = /^1[3-9]\d{9}$/;
export const PHONE_RE = /^[0-9+][0-9 ()+-]{4,24}$/;
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const USERNAME_RE = /^[A-Za-z0-9_.-]{3,32}$/;

/** An optional field that must match a pattern when filled. */
export function optionalPattern(re: RegExp, messageKey: string): FormItemRule {
  return {
    trigger: 'blur',
    validator: (_rule, value: unknown, callback) => {
      const v = typeof value === 'string' ? value.trim() : '';
      callback(v && !re.test(v) ? new Error(t(messageKey)) : undefined);
    },
  };
}

/** Empty strings become null, which is what the API stores for "not given". */
export const nullIfBlank = (v: string | null | undefined): string | null => (v && v.trim() ? v.trim() : null);
