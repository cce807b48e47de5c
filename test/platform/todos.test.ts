import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/server/demo/seed';
import { addDays, shanghaiDate } from '../../src/server/platform/calendar/dates';

/** Issue 11 point 1: every role's to-do home over the demo data, and the platform's overview. */
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ demoRows: 0 });
  await seedDemoIfEmpty(t.ctx);
});
afterAll(() => t.close());

interface Todo {
  kind: string;
  title: string;
  link: string;
  dueAt: string | null;
  overdue: boolean;
}
interface Todos {
  groups: Array<{ kind: string; total: number; overdue: number; items: Todo[]; more: string }>;
  unread: number;
}
const todosOf = async (username: string): Promise<Todos> => {
  const headers = await t.login(username, DEMO_PASSWORD);
  const res = await t.inject({ method: 'GET', url: '/api/todos', headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Todos>();
};
const group = (todos: Todos, kind: string) => todos.groups.find((g) => g.kind === kind);

describe('the to-do home (待办)', () => {
  it('gives the platform its pre-review queue with deadlines and its catalog reviews', async () => {
    const admin = await todosOf('admin');
    expect(group(admin, 'sharing.prereview')).toMatchObject({
      total: 1,
      overdue: 0,
      items: [{ title: expect.stringContaining('不动产登记信息'), overdue: false, dueAt: expect.any(String) }],
    });
    expect(group(admin, 'catalog.review.platform')!.total).toBeGreaterThanOrEqual(3);
    // Nothing of a department's own work reaches the platform's list.
    expect(group(admin, 'sharing.decide')).toBeUndefined();
  });

  it('gives each department what waits for it, and nothing of the others', async () => {
    const rsj = await todosOf('rsj_zy');
    expect(group(rsj, 'sharing.decide')!.items.map((i) => i.title)).toEqual([
      expect.stringContaining('社会保障卡信息'),
    ]);
    expect(group(rsj, 'sharing.prereview')).toBeUndefined();
    const leader = await todosOf('scj_ld');
    expect(group(leader, 'catalog.review.dept')!.total).toBe(2);
    expect(group(leader, 'catalog.review.platform')).toBeUndefined();
    // A department user only applies: none of the reviewers' queues.
    const user = await todosOf('rsj_yh');
    expect(user.groups.map((g) => g.kind)).not.toContain('sharing.decide');
    expect(user.unread).toEqual(expect.any(Number));
  });

  it('lists a grant ending within 30 days for its consumer', async () => {
    const soon = addDays(shanghaiDate(t.clock.now()), 10);
    await t.ctx.db
      .updateTable('share_grant')
      .set({ valid_to: soon })
      .where('entry_name', '=', '行政处罚信息')
      .execute();
    const rsj = await todosOf('rsj_yh');
    expect(group(rsj, 'sharing.grant.expiring')).toMatchObject({
      total: 1,
      items: [
        {
          title: expect.stringContaining('行政处罚信息'),
          link: expect.stringMatching(/^\/console\/sharing\/grants\//),
        },
      ],
    });
  });

  it('puts overdue work first once its deadline has passed', async () => {
    t.clock.advance(30 * 86_400_000);
    const rsj = await todosOf('rsj_zy');
    expect(rsj.groups[0]).toMatchObject({ kind: 'sharing.decide', overdue: 1, items: [{ overdue: true }] });
  });

  it('shows the platform city-wide counts, and no one else', async () => {
    const admin = await t.login('admin', DEMO_PASSWORD);
    const res = await t.inject({ method: 'GET', url: '/api/overview', headers: admin });
    const series = res.json<Array<{ key: string; points: Array<{ label: string; value: number }> }>>();
    expect(series.map((s) => s.key)).toEqual([
      'catalog.versionsByStatus',
      'sharing.requestsByStatus',
      'sharing.overdueByHolder',
      'open.applicationsByStatus',
    ]);
    expect(series[0]!.points.find((p) => p.label === '已发布')!.value).toBeGreaterThanOrEqual(60);
    expect(series[2]!.points).toContainEqual({ label: '上饶市人力资源和社会保障局', value: 1 });
    const user = await t.login('rsj_yh', DEMO_PASSWORD);
    expect((await t.inject({ method: 'GET', url: '/api/overview', headers: user })).statusCode).toBe(403);
  });
});
