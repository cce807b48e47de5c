import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { signedIn } from './fixtures';

type Who = Awaited<ReturnType<typeof signedIn>>;
let t: TestApp;
let admin: Who;
beforeAll(async () => {
  t = await testApp(); // the clock stands at 2026-11-24
  admin = await signedIn(t, ['platform_admin']);
});
afterAll(() => t.close());

let n = 0;
const mobile = () => `139${String(10_000_000 + n++).slice(-8)}`;
const create = (who: Who, departmentId: string, extra: Record<string, unknown> = {}) =>
  t.inject({
    method: 'POST',
    url: '/api/specialists',
    headers: who.headers,
    payload: { departmentId, name: '孙测试', mobile: mobile(), activeFrom: '2026-01-05', ...extra },
  });
const patch = (who: Who, id: string, body: Record<string, unknown>) =>
  t.inject({ method: 'PATCH', url: `/api/specialists/${id}`, headers: who.headers, payload: body });
const retire = (who: Who, id: string, activeTo: string) =>
  t.inject({ method: 'POST', url: `/api/specialists/${id}/retire`, headers: who.headers, payload: { activeTo } });

describe('data specialists registry (Art 28)', () => {
  it('lets department specialists and reviewers manage only their own department', async () => {
    const a = await t.department();
    const b = await t.department();
    const specialistA = await signedIn(t, ['dept_specialist'], { departmentId: a.id });
    const leaderA = await signedIn(t, ['dept_leader'], { departmentId: a.id });

    const own = await create(specialistA, a.id, { title: '信息科科长' });
    expect(own.statusCode).toBe(201);
    expect(own.json()).toMatchObject({
      departmentId: a.id,
      departmentName: a.name,
      active: true,
      activeTo: null,
      title: '信息科科长',
    });
    expect((await create(specialistA, b.id)).statusCode).toBe(403);
    expect((await create(leaderA, b.id)).statusCode).toBe(403);

    const inB = (await create(admin, b.id)).json();
    expect((await patch(specialistA, inB.id, { title: '改' })).statusCode).toBe(403);
    expect((await retire(leaderA, inB.id, '2026-11-01')).statusCode).toBe(403);
    // Nor can a record be moved out of, or into, someone else's department.
    expect((await patch(specialistA, own.json().id, { departmentId: b.id })).statusCode).toBe(403);

    expect((await patch(leaderA, own.json().id, { phone: '0793-1234567' })).json().phone).toBe('0793-1234567');
    const user = await signedIn(t, ['dept_user'], { departmentId: a.id });
    expect((await create(user, a.id)).statusCode).toBe(403);
  });

  it('records every change with before and after, newest first, and who made it', async () => {
    const d = await t.department();
    const s = await signedIn(t, ['dept_specialist'], { departmentId: d.id });
    const created = (await create(s, d.id, { mobile: '13800000001' })).json();
    await patch(s, created.id, { mobile: '13800000002', name: '孙改名' });
    const retired = await retire(s, created.id, '2026-11-20');
    expect(retired.json()).toMatchObject({ activeTo: '2026-11-20', active: false });

    const history = await t.inject({
      method: 'GET',
      url: `/api/specialists/${created.id}/history`,
      headers: admin.headers,
    });
    expect(history.statusCode).toBe(200);
    const rows = history.json();
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['retire', 'update', 'create']);
    const [ret, upd, cre] = rows;
    expect(cre).toMatchObject({
      before: null,
      after: { mobile: '13800000001', name: '孙测试', activeTo: null },
      changedBy: s.id,
    });
    expect(upd.before).toMatchObject({ mobile: '13800000001', name: '孙测试' });
    expect(upd.after).toMatchObject({ mobile: '13800000002', name: '孙改名' });
    expect(ret).toMatchObject({ before: { activeTo: null }, after: { activeTo: '2026-11-20' } });
    expect(upd.changedByName).toBeTruthy();

    const again = await retire(s, created.id, '2026-11-21');
    expect(again.statusCode).toBe(409);
  });

  it('tells platform administrators about arrivals and departures, not edits', async () => {
    const d = await t.department();
    const s = (await create(admin, d.id, { name: '通知测试' })).json();
    await patch(admin, s.id, { title: '副科长' });
    await retire(admin, s.id, '2026-11-24');
    const notes = await t.ctx.db
      .selectFrom('notification')
      .selectAll()
      .where('user_id', '=', admin.id)
      .where('kind', '=', 'org.specialist.changed')
      .execute();
    const mine = notes.filter((x) => (x.payload as { specialistId: string }).specialistId === s.id);
    expect(mine.map((x) => (x.payload as { action: string }).action).sort()).toEqual(['create', 'retire']);
    expect(mine.find((x) => (x.payload as { action: string }).action === 'create')!.title).toContain('通知测试');
  });

  it('validates the mobile number, dates and the linked account', async () => {
    const d = await t.department();
    const bad = await create(admin, d.id, { mobile: '1380000000' });
    expect(bad.statusCode).toBe(400);
    expect((await create(admin, d.id, { mobile: '12800000000' })).statusCode).toBe(400);
    expect((await create(admin, d.id, { activeFrom: '2026-02-30' })).json().error.code).toBe('DATE_INVALID');
    const outsider = await t.user(['dept_user']);
    const linked = await create(admin, d.id, { userId: outsider.id });
    expect(linked.json().error.code).toBe('SPECIALIST_USER_DEPARTMENT');
    const s = (await create(admin, d.id, { activeFrom: '2026-06-01' })).json();
    expect((await retire(admin, s.id, '2026-05-31')).json().error.code).toBe('DATE_RANGE_INVALID');
  });

  it('lists by department and by whether they serve today, with totals', async () => {
    const d = await t.department();
    for (let i = 0; i < 3; i++) await create(admin, d.id);
    const gone = (await create(admin, d.id)).json();
    await retire(admin, gone.id, '2026-10-31');
    await create(admin, d.id, { activeFrom: '2027-01-01' });
    const reader = await signedIn(t, ['dept_user']);
    const get = (q: string) =>
      t.inject({ method: 'GET', url: `/api/specialists?departmentId=${d.id}${q}`, headers: reader.headers });
    expect((await get('')).json().total).toBe(5);
    const active = (await get('&active=true&pageSize=2')).json();
    expect(active).toMatchObject({ total: 3, pageSize: 2 });
    expect(active.items).toHaveLength(2);
    expect(active.items[0].departmentName).toBe(d.name);
    expect((await get('&active=false')).json().total).toBe(2);
  });
});
