import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { Ok } from '../../platform/http/schemas';
import * as accounts from './accounts-service';
import { Account, CodeSent, ConfirmInput, ContactInput, RegisterInput, ResetInput } from './accounts-schemas';

const tags = ['portal-account'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const target = { targetType: 'user' } as const;

/**
 * public accounts under /api/portal/account. Signing in, signing out and the second factor
 * are the platform's own /api/auth routes, the same for everyone.
 */
export function accountRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/account/register',
      {
        config: {
          abuseLimit: 'register',
          access: 'public',
          audit: { category: 'admin', action: 'open.account.register', ...target },
        },
        schema: {
          tags,
          summary: 'Register as a citizen or a legal person; a code is sent to confirm / 注册公众账号',
          body: RegisterInput,
          response: { 200: CodeSent },
        },
      },
      async (req) => {
        req.auditNote.actor = { username: req.body.contact, realName: req.body.personName };
        const { userId, ...sent } = await accounts.register(ctx, req.body);
        req.auditNote.targetId = userId;
        return sent;
      },
    );

    app.post(
      '/account/confirm',
      {
        // Wrong codes are counted even though the request fails: no change transaction.
        config: {
          abuseLimit: 'register',
          access: 'public',
          audit: { category: 'admin', action: 'open.account.confirm', ...target, transaction: false },
        },
        schema: {
          tags,
          summary: 'Confirm the e-mail or mobile with the code / 验证码激活账号',
          body: ConfirmInput,
          response: { 200: Ok },
        },
      },
      async (req) => {
        req.auditNote.actor = { username: req.body.contact };
        const { userId } = await accounts.confirmContact(ctx, req.body.contact, req.body.code);
        req.auditNote.targetId = userId;
        return { ok: true };
      },
    );

    app.post(
      '/account/resend',
      {
        config: {
          abuseLimit: 'register',
          access: 'public',
          audit: { category: 'admin', action: 'open.account.resend', ...target },
        },
        schema: {
          tags,
          summary: 'Send the confirmation code again / 重新发送验证码',
          body: ContactInput,
          response: { 200: CodeSent },
        },
      },
      async (req) => {
        req.auditNote.actor = { username: req.body.contact };
        return accounts.resendConfirmation(ctx, req.body.contact);
      },
    );

    app.post(
      '/account/password/forgot',
      {
        config: {
          abuseLimit: 'register',
          access: 'public',
          audit: { category: 'admin', action: 'open.account.password.forgot', ...target },
        },
        schema: {
          tags,
          summary: 'Send a password reset code to a registered address / 找回密码',
          body: ContactInput,
          response: { 200: Ok },
        },
      },
      async (req) => {
        req.auditNote.actor = { username: req.body.contact };
        const { userId } = await accounts.forgotPassword(ctx, req.body.contact);
        if (userId) req.auditNote.targetId = userId;
        return { ok: true };
      },
    );

    app.post(
      '/account/password/reset',
      {
        config: {
          abuseLimit: 'register',
          access: 'public',
          audit: { category: 'admin', action: 'open.account.password.reset', ...target, transaction: false },
        },
        schema: {
          tags,
          summary: 'Set a new password with the reset code / 重置密码',
          body: ResetInput,
          response: { 200: Ok },
        },
      },
      async (req) => {
        req.auditNote.actor = { username: req.body.contact };
        const { userId } = await accounts.resetPassword(ctx, req.body.contact, req.body.code, req.body.newPassword);
        req.auditNote.targetId = userId;
        return { ok: true };
      },
    );

    app.get(
      '/account',
      {
        config: { access: 'open.account', audit: false },
        schema: { tags, summary: 'My account / 我的账号', response: { 200: Account } },
      },
      async (req) => accounts.getAccount(ctx, actorOf(req).userId),
    );

    app.post(
      '/account/realname',
      {
        config: { access: 'open.account', audit: { category: 'admin', action: 'open.account.realname' } },
        schema: { tags, summary: 'Check the real name again / 重新实名核验', response: { 200: Account } },
      },
      async (req) => accounts.recheckRealName(ctx, actorOf(req).userId),
    );
  };
}
