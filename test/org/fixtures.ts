import type { TestApp } from '../helpers/app';
import type { Role } from '../../src/server/platform/rbac/roles';
import { completeCreditCode } from '../../src/shared/org/credit-code';

let counter = 0;
/** A valid synthetic credit code, unique within a test file (each file has its own database). */
export function creditCode(prefix = '11361100'): string {
  return completeCreditCode(prefix, `MT${String(++counter).padStart(6, '0')}`);
}

/** Signs in a fresh user holding `roles` and returns them with request headers. */
export async function signedIn(t: TestApp, roles: Role[], opts: { departmentId?: string | null } = {}) {
  const u = await t.user(roles, opts);
  const { cookie } = await t.login(u.username);
  return { ...u, headers: { cookie } };
}
