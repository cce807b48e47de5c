import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams, Nullable, Obj, Ok, PageQuery, Paged, Uuid, pageBounds } from '../../platform/http/schemas';
import { Email, Phone, RoleName, User } from './schemas';
import * as users from './users-service';

const Status = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);
const RealName = Type.String({ minLength: 1, maxLength: 50 });
const Roles = Type.Array(RoleName, { maxItems: 7 });
const Password = Type.String({ minLength: 1, maxLength: 256 });
const RoleInfo = Obj({
  code: Type.String(),
  zh: Type.String(),
  en: Type.String(),
  separated: Type.Boolean(),
  needsDepartment: Type.Boolean(),
});

export function userRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/roles',
      {
        config: { access: 'authenticated', audit: false },
        schema: {
          tags: ['org'],
          summary: 'Roles with their names / 角色列表',
          response: { 200: Type.Array(RoleInfo) },
        },
      },
      async () => users.listRoles(),
    );

    app.get(
      '/users',
      {
        config: { access: 'user.read', audit: { category: 'query', action: 'org.user.search' } },
        schema: {
          tags: ['org'],
          summary: 'Search accounts / 查询用户',
          querystring: Obj({
            q: Type.Optional(Type.String({ maxLength: 100, description: 'user name, real name, phone or e-mail' })),
            departmentId: Type.Optional(Uuid),
            role: Type.Optional(RoleName),
            status: Type.Optional(Status),
            ...PageQuery,
          }),
          response: { 200: Paged(User) },
        },
      },
      async (req) => {
        const { page, pageSize, ...filter } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await users.listUsers(ctx, filter, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/users/:id',
      {
        config: {
          access: 'user.read',
          audit: { category: 'access', action: 'org.user.view', targetType: 'user', targetParam: 'id' },
        },
        schema: { tags: ['org'], summary: 'One account / 用户详情', params: IdParams, response: { 200: User } },
      },
      async (req) => users.getUser(ctx, req.params.id),
    );

    app.post(
      '/users',
      {
        config: { access: 'user.manage', audit: { category: 'admin', action: 'org.user.create', targetType: 'user' } },
        schema: {
          tags: ['org'],
          summary: 'Create an account (real name required; 三员分立 enforced) / 新增用户',
          body: Obj({
            username: Type.String({ pattern: '^[A-Za-z0-9_.-]{3,32}$' }),
            realName: RealName,
            departmentId: Type.Optional(Nullable(Uuid)),
            roles: Roles,
            email: Type.Optional(Nullable(Email)),
            phone: Type.Optional(Nullable(Phone)),
            password: Password,
          }),
          response: { 201: User },
        },
      },
      async (req, reply) => {
        const u = await users.createUser(ctx, req.actor, req.body);
        req.auditNote.targetId = u.id;
        req.auditNote.detail = { username: u.username, roles: u.roles, departmentId: u.departmentId };
        return reply.status(201).send(u);
      },
    );

    app.patch(
      '/users/:id',
      {
        config: {
          access: 'user.manage',
          audit: { category: 'admin', action: 'org.user.update', targetType: 'user', targetParam: 'id' },
        },
        schema: {
          tags: ['org'],
          summary: 'Change an account; role, department or status changes end its sessions / 修改用户',
          params: IdParams,
          body: Obj({
            realName: Type.Optional(RealName),
            departmentId: Type.Optional(Nullable(Uuid)),
            roles: Type.Optional(Roles),
            email: Type.Optional(Nullable(Email)),
            phone: Type.Optional(Nullable(Phone)),
            status: Type.Optional(Status),
          }),
          response: { 200: User },
        },
      },
      async (req) => {
        req.auditNote.detail = { changed: req.body };
        return users.updateUser(ctx, req.actor, req.params.id, req.body);
      },
    );

    app.post(
      '/users/:id/unlock',
      {
        config: {
          access: 'user.security',
          audit: { category: 'admin', action: 'org.user.unlock', targetType: 'user', targetParam: 'id' },
        },
        schema: {
          tags: ['org'],
          summary: 'Unlock an account locked by failed logins / 解锁账号',
          params: IdParams,
          response: { 200: User },
        },
      },
      async (req) => users.unlockUser(ctx, req.actor, req.params.id),
    );

    app.post(
      '/users/:id/reset-password',
      {
        config: {
          access: 'user.security',
          audit: { category: 'admin', action: 'org.user.reset_password', targetType: 'user', targetParam: 'id' },
        },
        schema: {
          tags: ['org'],
          summary: 'Set a new password for someone / 重置密码',
          params: IdParams,
          body: Obj({ password: Password }),
          response: { 200: Ok },
        },
      },
      async (req) => {
        await users.resetPassword(ctx, req.actor, req.params.id, req.body.password);
        return { ok: true };
      },
    );

    app.post(
      '/users/:id/reset-mfa',
      {
        config: {
          access: 'user.security',
          audit: { category: 'admin', action: 'org.user.reset_mfa', targetType: 'user', targetParam: 'id' },
        },
        schema: {
          tags: ['org'],
          summary: 'Remove the second factor so it can be enrolled again / 重置动态口令',
          params: IdParams,
          response: { 200: Ok },
        },
      },
      async (req) => {
        await users.resetMfa(ctx, req.actor, req.params.id);
        return { ok: true };
      },
    );
  };
}
