import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAssessment } from '../../src/server/modules/supervision/assessment-jobs';
import { computeSnapshot } from '../../src/server/modules/supervision/assessment-service';
import { collectSources } from '../../src/server/modules/supervision/sources-registry';
import type { TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  platformAdmin,
  session,
  signInAgain,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import { engineApp, fakeIndicator, rows, value } from './engine';

/** Issue #16 points 1–2: snapshots with evidence, weights, scores, cards, ranks, trends; scoped reading. */
const timeliness = fakeIndicator('test.timeliness', '申请按时办结率');
const downloads = fakeIndicator('test.downloads', '开放数据下载量', 'volume');
const sources = { indicators: [timeliness, downloads] };

let t: TestApp;
let admin: Session;
let auditor: Session;
let a: CatalogDepartment;
let b: CatalogDepartment;
let c: CatalogDepartment;

beforeAll(async () => {
  t = await engineApp(sources);
  admin = await platformAdmin(t);
  auditor = await session(t, ['auditor'], { departmentId: null });
  [a, b, c] = [
    await catalogDepartment(t, { name: '市公安局' }),
    await catalogDepartment(t, { name: '市市场监督管理局' }),
    await catalogDepartment(t, { name: '市统计局' }),
  ];
  // November: A answered 9 of 10 on time and had 50 downloads; B 5 of 10 and 100; C nothing due, 0 downloads.
  timeliness.values.set('2026-11', [
    value(a.id, 9, 10, rows('a', 10, 9)),
    value(b.id, 5, 10, rows('b', 10, 5)),
    value(c.id, 0, 0),
  ]);
  downloads.values.set('2026-11', [value(a.id, 50, 0), value(b.id, 100, 0), value(c.id, 0, 0)]);
});
afterAll(async () => {
  await t?.close();
});

const send = (method: 'GET' | 'POST' | 'PUT', url: string, s: Session, payload?: object) =>
  t.inject({ method, url, headers: s.headers, ...(payload ? { payload: payload as Record<string, unknown> } : {}) });
const codeOf = (res: { json: () => unknown }) => (res.json() as { error: { code: string; messageZh: string } }).error;
type RankingItem = {
  departmentName: string;
  score: number | null;
  card: string | null;
  rank: number | null;
  scores: Record<string, number | null>;
};
const ranking = async (s: Session, period = '2026-11') =>
  expectStatus(await send('GET', `/api/supervision/periods/${period}/ranking`, s), 200).json() as {
    snapshot: { id: string } | null;
    items: RankingItem[];
  };

describe('assessment snapshots and scoring', () => {
  it('lists the indicators with formula, source and equal default weights', async () => {
    const r = expectStatus(await send('GET', '/api/supervision/indicators', b.leader), 200).json();
    const codes = r.items.map((i: { code: string }) => i.code);
    expect(codes).toEqual(['test.timeliness', 'test.downloads', 'supervision.rectification_closure']);
    expect(r.items[0]).toMatchObject({
      name: '申请按时办结率',
      formula: expect.stringContaining('÷'),
      source: '测试数据',
      kind: 'ratio',
    });
    expect(r.saved.month).toBe(false);
    const sum = r.items.reduce((s: number, i: { weights: { month: number } }) => s + i.weights.month, 0);
    expect(sum).toBeCloseTo(100, 5);
  });

  it('computes a snapshot: scores per indicator, weighted department scores, cards and ranks', async () => {
    const res = expectStatus(
      await send('POST', '/api/supervision/snapshots', admin, { period: '2026-11' }),
      201,
    ).json();
    expect(res).toMatchObject({
      periodKey: '2026-11',
      periodLabel: '2026年11月',
      final: false,
      departments: 3,
      values: 6,
      evidence: 20,
    });
    const r = await ranking(admin);
    const byName = Object.fromEntries(r.items.map((i) => [i.departmentName, i]));
    // Equal weights: A (90 + 50) / 2 = 70; B (50 + 100) / 2 = 75; C has nothing due, so only its downloads count.
    expect(byName['市公安局']).toMatchObject({
      score: 70,
      card: 'yellow',
      rank: 2,
      scores: { 'test.timeliness': 90, 'test.downloads': 50 },
    });
    expect(byName['市市场监督管理局']).toMatchObject({ score: 75, card: 'yellow', rank: 1 });
    expect(byName['市统计局']).toMatchObject({
      score: 0,
      card: 'red',
      rank: 3,
      scores: { 'test.timeliness': null, 'test.downloads': 0 },
    });
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['target_id', 'outcome'])
      .where('action', '=', 'supervision.snapshot.compute')
      .execute();
    expect(audit).toEqual([{ target_id: res.id, outcome: 'success' }]);
  });

  it('refuses weights that do not sum to 100 or name unknown indicators, and a non-admin', async () => {
    const bad = await send('PUT', '/api/supervision/weights', admin, {
      periodKind: 'month',
      weights: [
        { indicator: 'test.timeliness', weight: 60 },
        { indicator: 'test.downloads', weight: 30 },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(codeOf(bad)).toMatchObject({
      code: 'SUPERVISION_WEIGHTS_SUM',
      messageZh: '各指标权重之和须为 100，当前为 90',
    });
    const unknown = await send('PUT', '/api/supervision/weights', admin, {
      periodKind: 'month',
      weights: [
        { indicator: 'test.timeliness', weight: 50 },
        { indicator: 'nope.x', weight: 50 },
      ],
    });
    expect(codeOf(unknown).code).toBe('SUPERVISION_WEIGHT_UNKNOWN_INDICATOR');
    const denied = await send('PUT', '/api/supervision/weights', a.leader, {
      periodKind: 'month',
      weights: [{ indicator: 'test.timeliness', weight: 100 }],
    });
    expect(denied.statusCode).toBe(403);
    const thresholds = await send('PUT', '/api/supervision/thresholds', admin, { green: 60, yellow: 60 });
    expect(codeOf(thresholds).code).toBe('SUPERVISION_CARD_THRESHOLDS');
    const w = expectStatus(await send('GET', '/api/supervision/weights?periodKind=month', admin), 200).json();
    expect(w.saved).toBe(false);
  });

  it('scores with the saved weights and thresholds after a recompute, keeping the older snapshot', async () => {
    const before = await ranking(admin);
    expectStatus(
      await send('PUT', '/api/supervision/weights', admin, {
        periodKind: 'month',
        weights: [
          { indicator: 'test.timeliness', weight: 80 },
          { indicator: 'test.downloads', weight: 20 },
        ],
      }),
      200,
    );
    expectStatus(await send('PUT', '/api/supervision/thresholds', admin, { green: 80, yellow: 60 }), 200);
    t.clock.advance(60_000);
    expectStatus(await send('POST', '/api/supervision/snapshots', admin, { period: '2026-11' }), 201);
    const r = await ranking(admin);
    expect(r.snapshot!.id).not.toBe(before.snapshot!.id);
    // A: 0.8 × 90 + 0.2 × 50 = 82 (green); B: 0.8 × 50 + 0.2 × 100 = 60 (yellow); C only downloads: 0.
    expect(r.items.map((i) => [i.departmentName, i.score, i.card, i.rank])).toEqual([
      ['市公安局', 82, 'green', 1],
      ['市市场监督管理局', 60, 'yellow', 2],
      ['市统计局', 0, 'red', 3],
    ]);
    const periods = expectStatus(await send('GET', '/api/supervision/periods', admin), 200).json();
    expect(periods.items).toEqual([expect.objectContaining({ periodKey: '2026-11', snapshots: 2, final: false })]);
  });

  it("shows a department's card with why, and pages through a value's evidence", async () => {
    const card = expectStatus(
      await send('GET', `/api/supervision/periods/2026-11/departments/${a.id}`, a.specialist),
      200,
    ).json();
    expect(card).toMatchObject({ departmentName: '市公安局', score: 82, card: 'green', rank: 1, ranked: 3 });
    expect(
      card.values.map((v: { indicator: string; score: number; weight: number }) => [v.indicator, v.score, v.weight]),
    ).toEqual([
      ['test.downloads', 50, 20],
      ['test.timeliness', 90, 80],
    ]);
    // Downloads cost A 0.2 × 50 = 10 points, timeliness 0.8 × 10 = 8.
    expect(card.reasons.map((r: { name: string; lost: number }) => [r.name, r.lost])).toEqual([
      ['开放数据下载量', 10],
      ['申请按时办结率', 8],
    ]);
    // Weights changed afterwards do not rewrite the explanation of the score already computed.
    expectStatus(
      await send('PUT', '/api/supervision/weights', admin, {
        periodKind: 'month',
        weights: [
          { indicator: 'test.timeliness', weight: 50 },
          { indicator: 'test.downloads', weight: 50 },
        ],
      }),
      200,
    );
    const again = expectStatus(
      await send('GET', `/api/supervision/periods/2026-11/departments/${a.id}`, a.specialist),
      200,
    ).json();
    expect(again.reasons).toEqual(card.reasons);
    expect(again.values.map((v: { weight: number }) => v.weight)).toEqual([20, 80]);
    expectStatus(
      await send('PUT', '/api/supervision/weights', admin, {
        periodKind: 'month',
        weights: [
          { indicator: 'test.timeliness', weight: 80 },
          { indicator: 'test.downloads', weight: 20 },
        ],
      }),
      200,
    );
    const url = `/api/supervision/periods/2026-11/departments/${a.id}/evidence?indicator=test.timeliness`;
    const page1 = expectStatus(await send('GET', `${url}&pageSize=4`, a.specialist), 200).json();
    expect(page1.total).toBe(10);
    expect(page1.items).toHaveLength(4);
    // The rows that count against the department come first.
    expect(page1.items[0]).toMatchObject({ ref: 'a:9', ok: false, note: '逾期', link: '/sharing/requests/a-9' });
    const page3 = expectStatus(await send('GET', `${url}&pageSize=4&page=3`, a.specialist), 200).json();
    expect(page3.items).toHaveLength(2);
    const failed = expectStatus(await send('GET', `${url}&ok=false`, admin), 200).json();
    expect(failed.total).toBe(1);
  });

  it('lets a department see only its own card and evidence; the auditor sees all', async () => {
    const own = await ranking(b.leader);
    expect(own.items.map((i) => i.departmentName)).toEqual(['市市场监督管理局']);
    expect((await send('GET', `/api/supervision/periods/2026-11/departments/${a.id}`, b.leader)).statusCode).toBe(403);
    const ev = await send(
      'GET',
      `/api/supervision/periods/2026-11/departments/${a.id}/evidence?indicator=test.timeliness`,
      b.leader,
    );
    expect(ev.statusCode).toBe(403);
    expect(
      (await send('GET', `/api/supervision/trends?departmentId=${a.id}&periodKind=month`, b.specialist)).statusCode,
    ).toBe(403);
    expect((await ranking(auditor)).items).toHaveLength(3);
    expect((await send('POST', '/api/supervision/snapshots', auditor, { period: '2026-11' })).statusCode).toBe(403);
  });

  it('refuses a period that has not begun', async () => {
    const r = await send('POST', '/api/supervision/snapshots', admin, { period: '2027-01' });
    expect(codeOf(r).code).toBe('SUPERVISION_PERIOD_FUTURE');
  });

  it('stores thousands of evidence rows of one value in batches', async () => {
    timeliness.values.set('2026-10', [value(c.id, 2400, 2500, rows('c', 2500, 2400))]);
    const s = await computeSnapshot(t.ctx, collectSources([sources]), '2026-10', { final: true });
    expect(s).toMatchObject({ final: true, evidence: 2500 });
    const n = await t.ctx.db
      .selectFrom('supervision_evidence')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('snapshot_id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2500);
  });

  it("draws a department's trend over the last periods", async () => {
    const r = expectStatus(
      await send('GET', `/api/supervision/trends?departmentId=${c.id}&periodKind=month&count=3`, admin),
      200,
    ).json();
    expect(r.points.map((p: { periodKey: string; score: number | null }) => [p.periodKey, p.score])).toEqual([
      ['2026-09', null],
      ['2026-10', 96],
      ['2026-11', 0],
    ]);
    expect(r.points[1].scores).toEqual({ 'test.timeliness': 96 });
  });

  it('the daily job finalises ended periods once and recomputes the running month and quarter', async () => {
    t.clock.set(new Date('2026-12-02T01:00:00Z'));
    const first = await runAssessment(t.ctx, collectSources([sources]));
    expect(first).toEqual(['2026-11 final', '2026-Q3 final', '2025 final', '2026-12', '2026-Q4']);
    const second = await runAssessment(t.ctx, collectSources([sources]));
    expect(second).toEqual(['2026-12', '2026-Q4']);
    const finals = await t.ctx.db
      .selectFrom('supervision_snapshot')
      .select(['period_key'])
      .where('final', '=', true)
      .orderBy('period_key')
      .execute();
    expect(finals.map((f) => f.period_key)).toEqual(['2025', '2026-10', '2026-11', '2026-Q3']);
    // The final November snapshot is now November's current one, and scored the same way.
    await signInAgain(t);
    const r = await ranking(admin);
    expect(r.items[0]).toMatchObject({ departmentName: '市公安局', score: 82 });
  });
});
