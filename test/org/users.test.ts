import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { createUser } from '../../src/server/modules/org/users-service';
import { signedIn } from './fixtures';

type Who = Awaited<ReturnType<typeof signedIn>>;
let t: TestApp;
let admin: Who;
let security: Who;
let deptId: string;
beforeAll(async () => {
  t = await testApp();
  admin = await signedIn(t, ['platform_admin']);
  security = await signedIn(t, ['security_admin']);
  deptId = (await t.department()).id;
});
afterAll(() => t.close());

const PASSWORD = 'Shangrao#2026ok';
let n = 0;
const newUsername = () => `user${process.pid}_${n++}`;
const create = (who: Who, body: Record<string, unknown>) =>
  t.inject({
    method: 'POST',
    url: '/api/users',
    headers: who.headers,
    payload: { username: newUsername(), realName: '测试员', password: PASSWORD, ...body },
  });
const patch = (who: Who, id: string, body: Record<string, unknown>) =>
  t.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: who.headers, payload: body });

describe('creating accounts', () => {
  it('creates a real-name department account that can log in', async () => {
    const username = newUsername();
    const res = await create(admin, {
      username,
      realName: '周敏',
      roles: ['dept_user', 'dept_leader'],
      departmentId: deptId,
      email: 'zm@example.cn',
      phone: '0793-8200000',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      username,
      realName: '周敏',
      departmentId: deptId,
      roles: ['dept_user', 'dept_leader'],
      status: 'active',
      mfaEnabled: false,
      locked: false,
      lastLoginAt: null,
    });
    expect(res.json().departmentName).toBeTruthy();
    await t.login(username, PASSWORD);
  });

  it('refuses every 三员分立 violation on create', async () => {
    for (const roles of [
      ['auditor', 'platform_admin'],
      ['security_admin', 'auditor'],
      ['platform_admin', 'dept_user'],
    ]) {
      const needsDept = roles.includes('dept_user');
      const res = await create(security, { roles, ...(needsDept ? { departmentId: deptId } : {}) });
      expect(res.statusCode, roles.join('+')).toBe(400);
      expect(res.json().error.code).toBe('SEPARATION_OF_DUTIES');
      expect(res.json().error.messageZh).toContain('三员分立');
    }
  });

  it('lets only the security administrator grant the separated roles', async () => {
    for (const role of ['auditor', 'security_admin', 'platform_admin']) {
      const byAdmin = await create(admin, { roles: [role] });
      expect(byAdmin.statusCode, role).toBe(403);
      expect(byAdmin.json().error.code).toBe('SEPARATED_ROLES_SECURITY_ONLY');
      expect((await create(security, { roles: [role] })).statusCode, role).toBe(201);
    }
  });

  it('ties department roles to a department and keeps the others out of one', async () => {
    const noDept = await create(admin, { roles: ['dept_specialist'] });
    expect(noDept.statusCode).toBe(400);
    expect(noDept.json().error).toMatchObject({ code: 'DEPARTMENT_REQUIRED', details: { field: 'departmentId' } });
    const auditorInDept = await create(security, { roles: ['auditor'], departmentId: deptId });
    expect(auditorInDept.json().error.code).toBe('DEPARTMENT_NOT_ALLOWED');
    const publicInDept = await create(admin, { roles: ['public_user'], departmentId: deptId });
    expect(publicInDept.json().error.code).toBe('DEPARTMENT_NOT_ALLOWED');
    const missing = await create(admin, { roles: ['dept_user'], departmentId: '00000000-0000-4000-8000-000000000000' });
    expect(missing.json().error.code).toBe('DEPARTMENT_NOT_FOUND');
  });

  it('keeps public users apart from internal roles and rejects unknown roles', async () => {
    const mixed = await create(admin, { roles: ['public_user', 'dept_user'], departmentId: deptId });
    expect(mixed.json().error.code).toBe('ROLE_COMBINATION_INVALID');
    expect((await create(admin, { roles: ['superuser'] })).statusCode).toBe(400);
    expect((await create(admin, { roles: [] })).json().error.code).toBe('ROLES_REQUIRED');
  });

  it('applies the password policy, real-name and user-name rules', async () => {
    const weak = await create(admin, { roles: ['public_user'], password: 'password1' });
    expect(weak.json().error.code).toBe('PASSWORD_POLICY');
    const username = newUsername();
    const containsName = await create(admin, { username, roles: ['public_user'], password: `X-${username}-9` });
    expect(containsName.json().error).toMatchObject({
      code: 'PASSWORD_POLICY',
      details: { field: 'password', problems: ['username'] },
    });
    expect((await create(admin, { roles: ['public_user'], realName: '   ' })).json().error.code).toBe(
      'REAL_NAME_REQUIRED',
    );
    expect((await create(admin, { roles: ['public_user'], username: 'ab' })).statusCode).toBe(400);
    expect((await create(admin, { roles: ['public_user'], username: '张三' })).statusCode).toBe(400);
  });

  it('treats user names case-insensitively', async () => {
    const username = `Case${process.pid}_${n++}`;
    expect((await create(admin, { username, roles: ['public_user'] })).statusCode).toBe(201);
    const again = await create(admin, { username: username.toLowerCase(), roles: ['public_user'] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('USERNAME_TAKEN');
  });

  it('lets the CLI (no actor) create any single role', async () => {
    const u = await createUser(t.ctx, null, {
      username: newUsername(),
      realName: '命令行管理员',
      roles: ['platform_admin'],
      password: PASSWORD,
    });
    expect(u.roles).toEqual(['platform_admin']);
    await expect(
      createUser(t.ctx, null, {
        username: newUsername(),
        realName: 'x',
        roles: ['platform_admin', 'auditor'],
        password: PASSWORD,
      }),
    ).rejects.toMatchObject({ code: 'SEPARATION_OF_DUTIES' });
  });
});

describe('changing accounts', () => {
  it('refuses 三员分立 violations on update', async () => {
    const auditor = await t.user(['auditor']);
    const res = await patch(security, auditor.id, { roles: ['auditor', 'platform_admin'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('SEPARATION_OF_DUTIES');
    const dept = await t.user(['dept_user']);
    const addSecurity = await patch(security, dept.id, { roles: ['dept_user', 'security_admin'] });
    expect(addSecurity.json().error.code).toBe('SEPARATION_OF_DUTIES');
  });

  it('stops a platform admin from granting, removing or editing separated roles; a security admin may', async () => {
    const dept = await t.user(['dept_user']);
    const grant = await patch(admin, dept.id, { roles: ['auditor'], departmentId: null });
    expect(grant.statusCode).toBe(403);
    const auditor = await t.user(['auditor']);
    expect((await patch(admin, auditor.id, { roles: ['public_user'] })).statusCode).toBe(403);
    expect((await patch(admin, auditor.id, { status: 'disabled' })).statusCode).toBe(403);
    const ok = await patch(security, dept.id, { roles: ['auditor'], departmentId: null });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ roles: ['auditor'], departmentId: null, departmentName: null });
  });

  it('requires a department when a department role is added', async () => {
    const pub = await t.user(['public_user']);
    const res = await patch(admin, pub.id, { roles: ['dept_user'] });
    expect(res.json().error.code).toBe('DEPARTMENT_REQUIRED');
    const ok = await patch(admin, pub.id, { roles: ['dept_user'], departmentId: deptId, realName: '新姓名' });
    expect(ok.json()).toMatchObject({ roles: ['dept_user'], departmentId: deptId, realName: '新姓名' });
  });

  it('does not let anyone change their own roles or status', async () => {
    const res = await patch(security, security.id, { status: 'disabled' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('SELF_CHANGE_FORBIDDEN');
    expect((await patch(admin, admin.id, { roles: ['security_admin'] })).statusCode).toBe(403);
  });

  it('lists roles with Chinese and English names for any signed-in user', async () => {
    const pub = await signedIn(t, ['public_user']);
    const res = await t.inject({ method: 'GET', url: '/api/roles', headers: pub.headers });
    expect(res.json()).toContainEqual({
      code: 'auditor',
      zh: '安全审计员',
      en: 'Security auditor',
      separated: true,
      needsDepartment: false,
    });
    expect(res.json()).toHaveLength(7);
  });
});
