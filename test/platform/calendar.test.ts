import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { addWorkingDays, workingDaysDeadline } from '../../src/server/platform/calendar/service';

let t: TestApp;
let admin: { cookie: string };
beforeAll(async () => {
  t = await testApp();
  admin = await t.login((await t.user(['platform_admin'])).username);
});
afterAll(() => t.close());

const add = (d: string, n: number) => addWorkingDays(t.ctx, d, n);

describe('addWorkingDays (R-14)', () => {
  it('does not count the start day', async () => {
    expect(await add('2026-11-24', 0)).toBe('2026-11-24');
    expect(await add('2026-11-24', 1)).toBe('2026-11-25');
    expect(await add('2026-11-27', 1)).toBe('2026-11-30'); // Friday → Monday
  });

  it('skips the 2026 National Day week and counts the 调休 Saturday after it', async () => {
    expect(await add('2026-09-30', 1)).toBe('2026-10-08');
    expect(await add('2026-09-30', 3)).toBe('2026-10-10'); // Saturday 10-10 is a working day
    expect(await add('2026-09-30', 4)).toBe('2026-10-12');
    expect(await add('2026-09-18', 1)).toBe('2026-09-20'); // Sunday 09-20 is a working day
  });

  it('skips the 2026 Spring Festival and counts its working weekends', async () => {
    expect(await add('2026-02-13', 1)).toBe('2026-02-14'); // Saturday, 调休 working day
    expect(await add('2026-02-14', 1)).toBe('2026-02-24');
    expect(await add('2026-02-14', 3)).toBe('2026-02-26');
    expect(await add('2026-02-26', 2)).toBe('2026-02-28'); // Saturday 02-28 works
  });

  it('gives the deadline as the end of the due day in Asia/Shanghai', async () => {
    // 20:00 on 30 Sept in Shanghai; three working days later is Saturday 10 Oct.
    const due = await workingDaysDeadline(t.ctx, new Date('2026-09-30T12:00:00Z'), 3);
    expect(due.toISOString()).toBe('2026-10-10T15:59:59.999Z');
    // 01:00 on 25 Nov in Shanghai is still 24 Nov in UTC: the start day is the Shanghai one.
    const due2 = await workingDaysDeadline(t.ctx, new Date('2026-11-24T17:00:00Z'), 1);
    expect(due2.toISOString()).toBe('2026-11-26T15:59:59.999Z');
  });

  it('lets an admin override a day, and removing the override restores the statutory day', async () => {
    const put = await t.inject({
      method: 'PUT',
      url: '/api/calendar/days/2026-12-01',
      headers: admin,
      payload: { isOffDay: true, name: '临时停工' },
    });
    expect(put.statusCode).toBe(200);
    expect(await add('2026-11-30', 1)).toBe('2026-12-02');
    expect(
      (await t.inject({ method: 'DELETE', url: '/api/calendar/days/2026-12-01', headers: admin })).statusCode,
    ).toBe(200);
    expect(await add('2026-11-30', 1)).toBe('2026-12-01');
    // A day the pattern admits but the calendar lacks is refused, not looked up (found by test/platform/fuzz.test.ts).
    for (const method of ['PUT', 'DELETE'] as const) {
      const bad = await t.inject({
        method,
        url: '/api/calendar/days/2026-02-30',
        headers: admin,
        ...(method === 'PUT' ? { payload: { isOffDay: true } } : {}),
      });
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'DATE_INVALID']);
    }
  });

  it('answers over HTTP too', async () => {
    const r = await t.inject({ method: 'GET', url: '/api/calendar/working-days?from=2026-09-30&n=3', headers: admin });
    expect(r.json()).toEqual({ from: '2026-09-30', n: 3, due: '2026-10-10' });
  });
});

describe('missing years and import', () => {
  it('warns that 2027 has no data until it is imported', async () => {
    const m = await testApp();
    try {
      const a = await m.login((await m.user(['platform_admin'])).username);
      const health = (await m.inject({ method: 'GET', url: '/api/health' })).json();
      expect(health.warnings).toEqual([
        expect.objectContaining({ code: 'CALENDAR_YEAR_MISSING', messageZh: expect.stringContaining('2027') }),
      ]);
      expect((await m.inject({ method: 'GET', url: '/api/calendar/status', headers: a })).json().missingYears).toEqual([
        2027,
      ]);
      // Without data, 1 Jan 2027 (a Friday) counts as a working day.
      expect(await addWorkingDays(m.ctx, '2026-12-31', 1)).toBe('2027-01-01');

      const bad = await m.inject({
        method: 'POST',
        url: '/api/calendar/import',
        headers: a,
        payload: {
          year: 2027,
          days: [
            { name: '元旦', date: '2027-01-01', isOffDay: true },
            { name: 'x', date: '2028-01-01', isOffDay: true },
          ],
        },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.errors[0]).toMatchObject({ index: 1 });
      expect((await m.inject({ method: 'GET', url: '/api/calendar/status', headers: a })).json().missingYears).toEqual([
        2027,
      ]);

      const ok = await m.inject({
        method: 'POST',
        url: '/api/calendar/import',
        headers: a,
        payload: {
          year: 2027,
          days: [
            { name: '元旦', date: '2027-01-01', isOffDay: true },
            { name: '春节', date: '2027-02-06', isOffDay: false },
          ],
        },
      });
      expect(ok.json()).toEqual({ imported: 2 });
      expect(await addWorkingDays(m.ctx, '2026-12-31', 1)).toBe('2027-01-04');
      expect(await addWorkingDays(m.ctx, '2027-02-05', 1)).toBe('2027-02-06'); // imported working Saturday
      expect((await m.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({
        status: 'ok',
        warnings: [],
      });
      const year = (await m.inject({ method: 'GET', url: '/api/calendar/years/2027', headers: a })).json();
      expect(year.source).toBe('import');
      expect(year.days).toHaveLength(2);
    } finally {
      await m.close();
    }
  });

  it('refuses calendar changes from a non-admin', async () => {
    const u = await t.login((await t.user(['dept_user'])).username);
    const r = await t.inject({
      method: 'PUT',
      url: '/api/calendar/days/2026-12-01',
      headers: u,
      payload: { isOffDay: true },
    });
    expect(r.statusCode).toBe(403);
  });
});
