import type { AppContext } from '../../app-context';
import * as auth from '../../platform/auth/service';
import { checkPasswordPolicy } from '../../platform/auth/password';
import { secrets } from '../../platform/crypto/key-ring';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import { mask } from '../../platform/masking';
import { inTransaction } from '../../db/tx';
import { CREDIT_CODE_MESSAGES, creditCodeProblem, normaliseCreditCode } from '../../../shared/org/credit-code';
import { ID_NUMBER_MESSAGES, idNumberProblem, normaliseIdNumber } from '../../../shared/org/id-number';
import { sendCode, useCode } from './accounts-codes';
import { realNameProvider, type RealNameAnswer } from './accounts-realname';
import * as repo from './accounts-repo';
import type { Account, RegisterInput } from './accounts-schemas';

/** R-34: public accounts: registration with real name, confirmation, password reset, the own profile. */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE = /^1[3-9]\d{9}$/;
/** The sealed identity number is bound to its account row. */
export const sealContext = (userId: string) => `public_account:${userId}:id_number`;

const invalid = (field: string, code: string, [en, zh]: readonly [string, string]) =>
  badRequest(code, en, zh, { field });

/** The address as the account's user name: e-mail lower-cased, mobile without spaces or +86. */
export function normaliseContact(kind: 'email' | 'mobile', contact: string): string {
  if (kind === 'email') {
    const v = contact.trim().toLowerCase();
    if (!EMAIL.test(v)) {
      throw invalid('contact', 'ACCOUNT_EMAIL_INVALID', ['Not an e-mail address', '电子邮箱格式不正确']);
    }
    return v;
  }
  const v = contact.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  if (!MOBILE.test(v)) throw invalid('contact', 'ACCOUNT_MOBILE_INVALID', ['Not a mobile number', '手机号格式不正确']);
  return v;
}

/** Either kind of address as typed at sign-in or reset, for finding the account. */
const anyContact = (contact: string) =>
  contact.includes('@') ? contact.trim().toLowerCase() : contact.replace(/[\s-]/g, '').replace(/^\+?86/, '');

const maskContact = (kind: 'email' | 'mobile', v: string) =>
  mask({ code: kind === 'email' ? 'email' : 'mobile' }, v) ?? '';

interface Checked {
  kind: 'citizen' | 'legal_person';
  personName: string;
  idNumber: string;
  orgName: string | null;
  creditCode: string | null;
  contact: string;
}

function checkInput(input: RegisterInput): Checked {
  const idNumber = normaliseIdNumber(input.idNumber);
  const idProblem = idNumberProblem(idNumber);
  if (idProblem) throw invalid('idNumber', 'ACCOUNT_ID_NUMBER_INVALID', ID_NUMBER_MESSAGES[idProblem]);
  let orgName: string | null = null;
  let creditCode: string | null = null;
  if (input.kind === 'legal_person') {
    orgName = input.orgName?.trim() || null;
    if (!orgName) {
      throw invalid('orgName', 'ACCOUNT_ORG_NAME_REQUIRED', ["Enter the legal person's name", '请填写法人名称']);
    }
    creditCode = normaliseCreditCode(input.creditCode ?? '');
    const problem = creditCodeProblem(creditCode);
    if (problem) throw invalid('creditCode', 'ACCOUNT_CREDIT_CODE_INVALID', CREDIT_CODE_MESSAGES[problem]);
  }
  return {
    kind: input.kind,
    personName: input.personName.trim(),
    idNumber,
    orgName,
    creditCode,
    contact: normaliseContact(input.contactKind, input.contact),
  };
}

type RealName = { status: 'verified' | 'unverified'; provider: string | null; message: string | null };

/** Asks the provider; a mismatch refuses the registration, an unreachable provider leaves it unverified. */
async function checkRealName(ctx: AppContext, c: Checked): Promise<RealName> {
  const provider = realNameProvider(ctx.config);
  if (!provider) return { status: 'unverified', provider: null, message: 'no real-name service configured' };
  const answers: RealNameAnswer[] = [await provider.person(c.personName, c.idNumber)];
  if (c.orgName && c.creditCode) answers.push(await provider.organisation(c.orgName, c.creditCode));
  for (const a of answers) {
    if ('match' in a && !a.match) {
      throw badRequest(
        'REALNAME_MISMATCH',
        `The real-name check did not match${a.reason ? `: ${a.reason}` : ''}`,
        `实名核验未通过${a.reason ? `：${a.reason}` : '，请核对姓名与证件号码'}`,
        { field: answers.indexOf(a) === 0 ? 'idNumber' : 'creditCode' },
      );
    }
  }
  const down = answers.find((a): a is { unavailable: string } => 'unavailable' in a);
  if (down) return { status: 'unverified', provider: provider.name, message: `unavailable: ${down.unavailable}` };
  return { status: 'verified', provider: provider.name, message: null };
}

/** The public_account row of a checked identity: the number sealed, digested and masked, never in clear. */
async function accountRow(
  ctx: AppContext,
  userId: string,
  c: Checked,
  contactKind: 'email' | 'mobile',
  realName: RealName,
  contactVerifiedAt: Date | null,
) {
  const box = secrets(ctx);
  const now = ctx.clock.now();
  return {
    user_id: userId,
    kind: c.kind,
    person_name: c.personName,
    id_number_digest: await box.lookupDigest(c.idNumber),
    id_number_sealed: await box.seal(c.idNumber, sealContext(userId)),
    id_number_masked: mask({ code: 'id_number' }, c.idNumber) ?? '',
    org_name: c.orgName,
    credit_code: c.creditCode,
    contact_kind: contactKind,
    contact_verified_at: contactVerifiedAt,
    real_name_status: realName.status,
    real_name_provider: realName.provider,
    real_name_checked_at: realName.provider ? now : null,
    real_name_message: realName.message,
    created_at: now,
  };
}

/**
 * Registers an account that signs in once its address is confirmed. An earlier unconfirmed
 * registration of the same address or identity gives way (it holds nothing yet); a confirmed one
 * is a conflict, answered with where to go instead (password reset).
 */
export async function register(
  ctx: AppContext,
  input: RegisterInput,
): Promise<{ userId: string; sentTo: string; expiresAt: string }> {
  const c = checkInput(input);
  const idDigest = await secrets(ctx).lookupDigest(c.idNumber);
  const sameLogin = await repo.findLogin(ctx.db, c.contact);
  if (sameLogin && sameLogin.status !== 'pending') {
    throw conflict(
      'ACCOUNT_CONTACT_TAKEN',
      'This address already has an account; sign in or reset the password',
      '该邮箱或手机号已注册，请直接登录或找回密码',
    );
  }
  const holders = await repo.findHolders(ctx.db, c.kind, idDigest, c.creditCode);
  if (holders.some((h) => h.status !== 'pending')) {
    throw conflict(
      'ACCOUNT_IDENTITY_TAKEN',
      'An account with this identity exists already; sign in or reset the password',
      c.kind === 'citizen'
        ? '该身份证号已注册，请直接登录或找回密码'
        : '该经办人已为此法人注册账号，请直接登录或找回密码',
    );
  }
  const realName = await checkRealName(ctx, c);
  return inTransaction(ctx, async (db) => {
    const tx = { ...ctx, db };
    for (const id of new Set([...(sameLogin ? [sameLogin.id] : []), ...holders.map((h) => h.user_id)])) {
      await auth.dropPendingLogin(tx, id);
    }
    const userId = await auth.createPendingLogin(tx, {
      username: c.contact,
      realName: c.personName,
      email: input.contactKind === 'email' ? c.contact : null,
      phone: input.contactKind === 'mobile' ? c.contact : null,
      password: input.password,
    });
    await repo.insertAccount(tx.db, await accountRow(tx, userId, c, input.contactKind, realName, null));
    const expiresAt = await sendCode(
      tx,
      { id: userId, username: c.contact, contactKind: input.contactKind },
      'verify_contact',
    );
    return { userId, sentTo: maskContact(input.contactKind, c.contact), expiresAt: expiresAt.toISOString() };
  });
}

/** The public account behind an address, for the flows that start from one (confirm, resend, reset). */
async function accountByContact(ctx: AppContext, contact: string) {
  const login = await repo.findLogin(ctx.db, anyContact(contact));
  if (!login?.account_user_id || !login.contact_kind) return null;
  return { id: login.id, username: login.username, status: login.status, contactKind: login.contact_kind };
}

const noPendingAccount = () => notFound('Account awaiting confirmation', '待激活的账号');

export async function resendConfirmation(ctx: AppContext, contact: string) {
  const a = await accountByContact(ctx, contact);
  if (!a || a.status !== 'pending') throw noPendingAccount();
  const expiresAt = await sendCode(ctx, a, 'verify_contact');
  return { sentTo: maskContact(a.contactKind, a.username), expiresAt: expiresAt.toISOString() };
}

/** Confirms the address with the code it received: the account can sign in from now on. */
export async function confirmContact(ctx: AppContext, contact: string, code: string): Promise<{ userId: string }> {
  const a = await accountByContact(ctx, contact);
  if (!a || a.status !== 'pending') throw noPendingAccount();
  await useCode(ctx, a.id, 'verify_contact', code);
  await inTransaction(ctx, async (db) => {
    const tx = { ...ctx, db };
    await auth.activateLogin(tx, a.id);
    await repo.updateAccount(tx.db, a.id, { contact_verified_at: tx.clock.now() });
  });
  return { userId: a.id };
}

/**
 * Sends a reset code when the address belongs to a confirmed public account. The answer is the same
 * either way, so the form does not tell strangers which addresses are registered.
 */
export async function forgotPassword(ctx: AppContext, contact: string): Promise<{ userId: string | null }> {
  const a = await accountByContact(ctx, contact);
  if (!a || a.status !== 'active') return { userId: null };
  try {
    await sendCode(ctx, a, 'reset_password');
  } catch (e) {
    // Too soon after the last code: the earlier one is still on its way; say nothing different.
    if (!(e instanceof AppError && e.code === 'ACCOUNT_CODE_TOO_SOON')) throw e;
  }
  return { userId: a.id };
}

export async function resetPassword(ctx: AppContext, contact: string, code: string, newPassword: string) {
  const a = await accountByContact(ctx, contact);
  // Without an account there is no code: answer as a wrong code would, not "no such account".
  if (!a || a.status !== 'active') {
    throw badRequest('ACCOUNT_CODE_EXPIRED', 'The code has expired; ask for a new one', '验证码已失效，请重新获取', {
      field: 'code',
    });
  }
  // A refused password must not use up the code.
  checkPasswordPolicy(newPassword, a.username);
  await useCode(ctx, a.id, 'reset_password', code);
  await auth.resetPassword(ctx, a.id, a.username, newPassword);
  return { userId: a.id };
}

function toAccount(r: repo.AccountRow): Account {
  return {
    kind: r.kind,
    personName: r.person_name,
    idNumberMasked: r.id_number_masked,
    orgName: r.org_name,
    creditCode: r.credit_code,
    contactKind: r.contact_kind,
    contact: r.username,
    realNameStatus: r.real_name_status,
    realNameProvider: r.real_name_provider,
    realNameCheckedAt: r.real_name_checked_at?.toISOString() ?? null,
    realNameMessage: r.real_name_message,
    mfaEnabled: r.mfa_enabled,
    createdAt: r.created_at.toISOString(),
  };
}

async function loadAccount(ctx: AppContext, userId: string) {
  const r = await repo.findAccount(ctx.db, userId);
  if (!r) throw notFound('Public account', '公众账号');
  return r;
}

export async function getAccount(ctx: AppContext, userId: string): Promise<Account> {
  return toAccount(await loadAccount(ctx, userId));
}

/** Checks the real name again (the provider was down at registration, or is configured since). */
export async function recheckRealName(ctx: AppContext, userId: string): Promise<Account> {
  const r = await loadAccount(ctx, userId);
  if (r.real_name_status === 'verified') return toAccount(r);
  const idNumber = await secrets(ctx).open(r.id_number_sealed, sealContext(userId));
  const checked: Checked = {
    kind: r.kind,
    personName: r.person_name,
    idNumber,
    orgName: r.org_name,
    creditCode: r.credit_code,
    contact: r.username,
  };
  let result: { status: 'verified' | 'unverified' | 'failed'; provider: string | null; message: string | null };
  try {
    result = await checkRealName(ctx, checked);
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'REALNAME_MISMATCH')) throw e;
    result = {
      status: 'failed',
      provider: realNameProvider(ctx.config)?.name ?? null,
      message: e.messageZh ?? e.message,
    };
  }
  await repo.updateAccount(ctx.db, userId, {
    real_name_status: result.status,
    real_name_provider: result.provider,
    real_name_checked_at: ctx.clock.now(),
    real_name_message: result.message,
  });
  return getAccount(ctx, userId);
}

/**
 * Gives a sign-in made elsewhere (the demo's `public`) its public account, confirmed and checked by
 * the configured provider as registration would.
 */
export async function attachAccount(
  ctx: AppContext,
  userId: string,
  p: { personName: string; idNumber: string; contactKind: 'email' | 'mobile' },
): Promise<void> {
  const checked: Checked = { kind: 'citizen', orgName: null, creditCode: null, contact: '', ...p };
  const realName = await checkRealName(ctx, checked);
  await repo.insertAccount(ctx.db, await accountRow(ctx, userId, checked, p.contactKind, realName, ctx.clock.now()));
}
