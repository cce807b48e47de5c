import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { notify } from '../../src/server/platform/notify/service';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('inbox (R-60)', () => {
  it('delivers to named users and counts unread until read', async () => {
    const a = await t.user(['dept_user']);
    const b = await t.user(['dept_user']);
    const ha = await t.login(a.username);
    const hb = await t.login(b.username);
    expect(await notify(t.ctx, { userIds: [a.id, a.id] }, { kind: 'test.one', title: '第一条', link: '/inbox' })).toBe(
      1,
    );
    await notify(t.ctx, { userIds: [a.id] }, { kind: 'test.two', title: '第二条' });

    expect((await t.inject({ method: 'GET', url: '/api/inbox/unread-count', headers: ha })).json()).toEqual({
      unread: 2,
    });
    expect((await t.inject({ method: 'GET', url: '/api/inbox/unread-count', headers: hb })).json()).toEqual({
      unread: 0,
    });
    const list = (await t.inject({ method: 'GET', url: '/api/inbox', headers: ha })).json();
    expect(list.total).toBe(2);
    expect(list.items.map((n: { title: string }) => n.title)).toEqual(['第二条', '第一条']);

    // b cannot mark a's notifications.
    const first = list.items[1].id as string;
    expect(
      (await t.inject({ method: 'POST', url: '/api/inbox/read', headers: hb, payload: { ids: [first] } })).json(),
    ).toEqual({ updated: 0 });
    expect(
      (await t.inject({ method: 'POST', url: '/api/inbox/read', headers: ha, payload: { ids: [first] } })).json(),
    ).toEqual({ updated: 1 });
    expect((await t.inject({ method: 'GET', url: '/api/inbox?unread=true', headers: ha })).json().total).toBe(1);
    expect((await t.inject({ method: 'POST', url: '/api/inbox/read', headers: ha, payload: {} })).json()).toEqual({
      updated: 1,
    });
    expect((await t.inject({ method: 'GET', url: '/api/inbox/unread-count', headers: ha })).json()).toEqual({
      unread: 0,
    });
  });

  it('delivers to everyone holding a role, optionally in one department', async () => {
    const dept = await t.department();
    const s1 = await t.user(['dept_specialist'], { departmentId: dept.id });
    const s2 = await t.user(['dept_specialist']);
    expect(
      await notify(t.ctx, { role: 'dept_specialist', departmentId: dept.id }, { kind: 'test.dept', title: '部门通知' }),
    ).toBe(1);
    const h1 = await t.login(s1.username);
    const h2 = await t.login(s2.username);
    expect((await t.inject({ method: 'GET', url: '/api/inbox/unread-count', headers: h1 })).json().unread).toBe(1);
    expect((await t.inject({ method: 'GET', url: '/api/inbox/unread-count', headers: h2 })).json().unread).toBe(0);
  });
});
