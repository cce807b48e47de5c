import { randomInt } from 'node:crypto';
import type { AppContext } from '../../app-context';
import { AppError, badRequest } from '../../platform/errors';
import { hashToken } from '../../platform/auth/tokens';
import { senderFor } from '../../platform/notify/sender';
import * as repo from './accounts-repo';

/**
 * One-time codes that prove a person holds an e-mail address or mobile number: six digits,
 * valid 15 minutes, five tries, a new one at most once a minute. Only a digest is stored.
 */
const VALID_MINUTES = 15;
const MAX_ATTEMPTS = 5;
const RESEND_SECONDS = 60;

export type CodePurpose = 'verify_contact' | 'reset_password';

const digest = (userId: string, code: string) => hashToken(`${userId}:${code}`);

const MESSAGES: Record<CodePurpose, { subject: string; text: (code: string) => string }> = {
  verify_contact: {
    subject: '上饶市公共数据开放平台 注册验证码',
    text: (code) => `您的注册验证码是 ${code}，${VALID_MINUTES}分钟内有效。如非本人操作，请忽略。`,
  },
  reset_password: {
    subject: '上饶市公共数据开放平台 重置密码验证码',
    text: (code) =>
      `您正在重置密码，验证码是 ${code}，${VALID_MINUTES}分钟内有效。如非本人操作，请忽略并注意账号安全。`,
  },
};

/** Sends a fresh code to the address; refuses when the last one went out less than a minute ago. */
export async function sendCode(
  ctx: AppContext,
  user: { id: string; username: string; contactKind: 'email' | 'mobile' },
  purpose: CodePurpose,
): Promise<Date> {
  const now = ctx.clock.now();
  const last = await repo.latestCode(ctx.db, user.id, purpose);
  const wait = last ? Math.ceil((last.created_at.getTime() + RESEND_SECONDS * 1000 - now.getTime()) / 1000) : 0;
  if (wait > 0) {
    throw new AppError(
      429,
      'ACCOUNT_CODE_TOO_SOON',
      `A code was just sent; ask again in ${wait} s`,
      `验证码已发送，请${wait}秒后再试`,
      { retryAfter: wait },
    );
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + VALID_MINUTES * 60_000);
  await repo.insertCode(ctx.db, {
    user_id: user.id,
    purpose,
    code_digest: digest(user.id, code),
    expires_at: expiresAt,
    used_at: null,
    created_at: now,
  });
  const m = MESSAGES[purpose];
  await senderFor(ctx.config).send({
    channel: user.contactKind === 'email' ? 'email' : 'sms',
    to: user.username,
    subject: m.subject,
    text: m.text(code),
  });
  return expiresAt;
}

const codeProblem = (code: string, message: string, messageZh: string) =>
  badRequest(code, message, messageZh, { field: 'code' });

/**
 * Uses up the newest code if it matches. A wrong try is counted even though the request then fails,
 * so the route runs without the request's change transaction.
 */
export async function useCode(ctx: AppContext, userId: string, purpose: CodePurpose, code: string): Promise<void> {
  const now = ctx.clock.now();
  const c = await repo.latestCode(ctx.db, userId, purpose);
  if (!c || c.used_at || c.expires_at <= now) {
    throw codeProblem('ACCOUNT_CODE_EXPIRED', 'The code has expired; ask for a new one', '验证码已失效，请重新获取');
  }
  if (c.attempts >= MAX_ATTEMPTS) {
    throw codeProblem(
      'ACCOUNT_CODE_EXHAUSTED',
      'Too many wrong codes; ask for a new one',
      '验证码错误次数过多，请重新获取',
    );
  }
  if (c.code_digest !== digest(userId, code)) {
    const left = MAX_ATTEMPTS - (await repo.countAttempt(ctx.db, c.id));
    throw codeProblem(
      'ACCOUNT_CODE_INVALID',
      `Wrong code; ${left} attempt(s) left`,
      left > 0 ? `验证码错误，还可尝试${left}次` : '验证码错误次数过多，请重新获取',
    );
  }
  await repo.markCodeUsed(ctx.db, c.id, now);
}
