import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { unauthenticated } from '../errors';
import { Nullable, Obj, Ok } from '../http/schemas';
import { SESSION_COOKIE } from '../http/guard';
import { SIGNED_IN_HINT_COOKIE } from '../../../shared/auth/session-hint';
import type { Actor } from '../context';
import * as auth from './service';

const Me = Obj({
  id: Type.String(),
  username: Type.String(),
  realName: Type.String(),
  departmentId: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  mfaPassed: Type.Boolean(),
});

const me = (a: Actor) => ({
  id: a.userId,
  username: a.username,
  realName: a.realName,
  departmentId: a.departmentId,
  departmentName: a.departmentName,
  roles: a.roles,
  permissions: auth.permissionsOf(a.roles),
  mfaPassed: a.mfaPassed,
});

const Code = Obj({ code: Type.String({ minLength: 6, maxLength: 8 }) });

export function authRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const actorOf = (a: Actor | null) => {
      if (!a) throw unauthenticated();
      return a;
    };

    app.post(
      '/login',
      {
        config: {
          abuseLimit: 'login',
          access: 'public',
          audit: { category: 'login', action: 'auth.login', transaction: false },
        },
        schema: {
          tags: ['auth'],
          summary: 'Log in with user name and password / 账号密码登录',
          body: Obj({
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
            client: Type.Optional(
              Type.Union([Type.Literal('browser'), Type.Literal('api')], {
                description: 'api: return a bearer token instead of setting a cookie',
              }),
            ),
          }),
          response: {
            200: Obj({
              mfa: Type.Union([Type.Literal('none'), Type.Literal('verify'), Type.Literal('enrol')]),
              token: Type.Optional(Type.String()),
              expiresAt: Type.String({ format: 'date-time' }),
              user: Me,
            }),
          },
        },
      },
      async (req, reply) => {
        const kind = req.body.client === 'api' ? 'bearer' : 'cookie';
        req.auditNote.actor = { username: req.body.username };
        const r = await auth.login(
          ctx,
          {
            username: req.body.username,
            password: req.body.password,
            kind,
            ip: req.ip,
            userAgent: req.headers['user-agent'] ?? null,
          },
          (who) => (req.auditNote.actor = who),
        );
        req.actor = r.actor;
        if (kind === 'cookie') {
          // The hint lives exactly as long as the session cookie: same path, same (browser-session) lifetime.
          const cookie = { path: '/', sameSite: 'strict', secure: ctx.config.secureCookies } as const;
          reply.setCookie(SESSION_COOKIE, r.token, { ...cookie, httpOnly: true });
          reply.setCookie(SIGNED_IN_HINT_COOKIE, '1', cookie);
        }
        return {
          mfa: r.mfa,
          token: kind === 'bearer' ? r.token : undefined,
          expiresAt: r.expiresAt.toISOString(),
          user: me(r.actor),
        };
      },
    );

    app.post(
      '/logout',
      {
        config: { access: 'mfa_pending', audit: { category: 'login', action: 'auth.logout', transaction: false } },
        schema: { tags: ['auth'], summary: 'Log out / 退出登录', response: { 200: Ok } },
      },
      async (req, reply) => {
        await auth.logout(ctx, actorOf(req.actor));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        reply.clearCookie(SIGNED_IN_HINT_COOKIE, { path: '/' });
        return { ok: true };
      },
    );

    app.get(
      '/me',
      {
        config: { access: 'mfa_pending', audit: false, sessionProbe: true },
        schema: { tags: ['auth'], summary: 'The signed-in user / 当前用户', response: { 200: Me } },
      },
      async (req) => me(actorOf(req.actor)),
    );

    app.post(
      '/mfa/setup',
      {
        config: { access: 'mfa_pending', audit: { category: 'admin', action: 'auth.mfa.setup', transaction: false } },
        schema: {
          tags: ['auth'],
          summary: 'Start TOTP enrolment; returns the secret and a QR code / 绑定动态口令',
          response: { 200: Obj({ secret: Type.String(), otpauthUri: Type.String(), qrDataUrl: Type.String() }) },
        },
      },
      async (req) => auth.startMfaEnrolment(ctx, actorOf(req.actor)),
    );

    app.post(
      '/mfa/enable',
      {
        config: { access: 'mfa_pending', audit: { category: 'admin', action: 'auth.mfa.enable', transaction: false } },
        schema: {
          tags: ['auth'],
          summary: 'Confirm TOTP enrolment with a code / 确认绑定',
          body: Code,
          response: { 200: Ok },
        },
      },
      async (req) => {
        await auth.confirmMfaEnrolment(ctx, actorOf(req.actor), req.body.code);
        return { ok: true };
      },
    );

    app.post(
      '/mfa/verify',
      {
        config: {
          abuseLimit: 'login',
          access: 'mfa_pending',
          audit: { category: 'login', action: 'auth.mfa.verify', transaction: false },
        },
        schema: {
          tags: ['auth'],
          summary: 'Second-factor step of login / 动态口令验证',
          body: Code,
          response: { 200: Ok },
        },
      },
      async (req) => {
        await auth.verifyMfa(ctx, actorOf(req.actor), req.body.code);
        return { ok: true };
      },
    );

    app.post(
      '/password',
      {
        config: {
          abuseLimit: 'login',
          access: 'authenticated',
          audit: { category: 'admin', action: 'auth.password.change', transaction: false },
        },
        schema: {
          tags: ['auth'],
          summary: 'Change own password / 修改密码',
          body: Obj({
            currentPassword: Type.String({ minLength: 1 }),
            newPassword: Type.String({ minLength: 1, maxLength: 256 }),
          }),
          response: { 200: Ok },
        },
      },
      async (req) => {
        await auth.changePassword(ctx, actorOf(req.actor), req.body.currentPassword, req.body.newPassword);
        return { ok: true };
      },
    );
  };
}

export { Me };
