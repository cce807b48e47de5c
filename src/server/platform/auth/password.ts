import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { badRequest } from '../errors';

/** argon2id with OWASP's second recommended profile (19 MiB, t=2). */
// 2 = Algorithm.Argon2id (a const enum, which isolated modules cannot read).
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (plain: string) => hash(plain, OPTIONS);
export const verifyPassword = (hashed: string, plain: string) => verify(hashed, plain).catch(() => false);

/**
 * Policy (GB/T 22239 level 3 practice): at least 10 characters, three of upper/lower/digit/symbol,
 * and not containing the user name.
 */
export function checkPasswordPolicy(password: string, username: string): void {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const problems: string[] = [];
  if (password.length < 10) problems.push('length');
  if (classes < 3) problems.push('classes');
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push('username');
  if (problems.length) {
    throw badRequest(
      'PASSWORD_POLICY',
      'Password must have at least 10 characters, three of upper case, lower case, digits and symbols, and must not contain the user name',
      '密码至少10位，须包含大写字母、小写字母、数字、符号中的三类，且不得包含用户名',
      { field: 'password', problems },
    );
  }
}
