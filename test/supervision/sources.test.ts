import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  platformAdmin,
  publishedEntry,
  type CatalogDepartment,
} from '../catalog/factory';
import { conditionalRequest, post } from '../sharing/factory';
import { insertItem } from '../../src/server/modules/catalog/demands-repo';
import { insertObjection } from '../../src/server/modules/catalog/objections-repo';
import { insertStep } from '../../src/server/modules/sharing/requests-repo';
import { expectedLoads } from '../../src/server/modules/exchange-ingest/supervision-cycles';
import { parsePeriod } from '../../src/shared/supervision/periods';
import { bj, NOV, OCT, refs, sorted, sourcesApp, sources } from './sources-helpers';

/** The wiring, and the catalog's and sharing's indicators and detectors (see sources-helpers.ts). */

const h = sourcesApp();
const { value, finding } = h;
let t: TestApp;
beforeAll(() => {
  t = h.t;
});

it('every module declares its indicators and detectors, with their kinds, through compose', () => {
  const indicators = sources.flatMap((s) => s.indicators ?? []).map((i) => `${i.code}:${i.kind}`);
  expect(indicators).toEqual(
    expect.arrayContaining([
      'catalog.compilation:ratio',
      'catalog.objection_timeliness:ratio',
      'sharing.request_timeliness:ratio',
      'exchange.update_timeliness:ratio',
      'exchange.load_success:ratio',
      'exchange.quality:average',
      'gateway.uptime:ratio',
      'open.opening:ratio',
      'open.usage:volume',
      'open.application_timeliness:ratio',
    ]),
  );
  const detectors = sources.flatMap((s) => s.violations ?? []).map((d) => `${d.code}:${d.kind}`);
  expect(detectors).toEqual(
    expect.arrayContaining([
      'catalog.responsibility_overdue:1',
      'exchange.not_updated:1',
      'exchange.failed_loads:2',
      'gateway.down:2',
      'exchange.low_quality:2',
      'sharing.overdue_steps:3',
      'catalog.overdue_objections:3',
      'open.overdue_applications:3',
      'gateway.outside_grant:4',
    ]),
  );
  for (const i of sources.flatMap((s) => s.indicators ?? []))
    expect([i.name, i.formula, i.source].every((s) => /[\u4e00-\u9fff]/.test(s))).toBe(true);
});

it('update cycles expect whole Beijing calendar windows only', () => {
  expect(expectedLoads('daily', NOV.from, NOV.to)).toBe(30);
  expect(expectedLoads('weekly', NOV.from, NOV.to)).toBe(4);
  expect(expectedLoads('monthly', NOV.from, NOV.to)).toBe(1);
  expect(expectedLoads('quarterly', NOV.from, NOV.to)).toBe(0);
  expect(expectedLoads('quarterly', parsePeriod('2026-Q4')!.from, parsePeriod('2026-Q4')!.to)).toBe(1);
  expect(expectedLoads('semiannual', parsePeriod('2026')!.from, parsePeriod('2026')!.to)).toBe(2);
  expect(expectedLoads('realtime', NOV.from, NOV.to)).toBe(0);
  expect(expectedLoads('irregular', NOV.from, NOV.to)).toBe(0);
  expect(expectedLoads('daily', bj('2026-11-03T10:00:00'), bj('2026-11-24T10:00:00'))).toBe(20);
});

describe('catalog', () => {
  let a: CatalogDepartment;
  let idle: CatalogDepartment;
  const item: Record<string, string> = {};
  const obj: Record<string, string> = {};

  beforeAll(async () => {
    [a, idle] = await Promise.all([catalogDepartment(t), catalogDepartment(t)]);
    const { entry } = await publishedEntry(t, { provider: a });
    // A file entry with a file given (mounted), and one shared only by e-mail (nothing to mount).
    const { entry: fileEntry } = await publishedEntry(t, { provider: a, shareMethods: ['file'] });
    const { entry: emailEntry } = await publishedEntry(t, { provider: a, shareMethods: ['email'] });
    await t.ctx.db
      .insertInto('exchange_file')
      .values({
        entry_id: fileEntry.id,
        department_id: a.id,
        version_no: 1,
        file_name: '企业名录.csv',
        mime: 'text/csv',
        size: 10,
        sha256: '0'.repeat(64),
        sm3: '0'.repeat(64),
        storage_key: 'test/none',
        uploaded_by: a.specialist.id,
        uploaded_at: bj('2026-11-02T09:00:00'),
      })
      .execute();
    const raiser = await catalogDepartment(t);
    const mk = (key: string, over: Partial<Parameters<typeof insertItem>[1]>) =>
      insertItem(
        t.ctx.db,
        {
          provider_department_id: a.id,
          kind: 'share',
          description: `事项${key}`,
          due_at: bj('2026-11-10T18:00:00'),
          entry_id: null,
          status: 'open',
          created_by: a.specialist.id,
          created_at: bj('2026-10-01T09:00:00'),
          fulfilled_at: null,
          ...over,
        },
        [],
      ).then((id) => void (item[key] = id));
    await mk('onTime', { status: 'fulfilled', fulfilled_at: bj('2026-11-09T09:00:00') });
    await mk('linked', {
      kind: 'catalog',
      entry_id: entry.id,
      due_at: bj('2026-11-15T18:00:00'),
      status: 'fulfilled',
      fulfilled_at: bj('2026-11-14T09:00:00'),
    });
    for (const [key, e] of [
      ['mounted', fileEntry],
      ['offline', emailEntry],
    ] as const)
      await mk(key, {
        kind: 'catalog',
        entry_id: e.id,
        due_at: bj('2026-11-16T18:00:00'),
        status: 'fulfilled',
        fulfilled_at: bj('2026-11-14T09:00:00'),
      });
    await mk('late', {
      due_at: bj('2026-11-12T18:00:00'),
      status: 'fulfilled',
      fulfilled_at: bj('2026-11-14T09:00:00'),
    });
    await mk('open', { due_at: bj('2026-11-20T18:00:00') });
    await mk('notYet', { due_at: bj('2026-11-28T18:00:00') });
    await mk('cancelled', { due_at: bj('2026-11-05T18:00:00'), status: 'cancelled' });
    await mk('october', { due_at: bj('2026-10-20T18:00:00') });

    const mo = (key: string, due: string, answered: string | null) =>
      insertObjection(t.ctx.db, {
        entry_id: entry.id,
        version_id: null,
        kind: 'data',
        content: `异议${key}`,
        raised_by: raiser.user.id,
        raised_by_department_id: raiser.id,
        raised_at: bj('2026-11-01T09:00:00'),
        due_at: bj(due),
        status: answered ? 'answered' : 'open',
        answer: answered ? '已核实' : null,
        answered_by: answered ? a.specialist.id : null,
        answered_at: answered ? bj(answered) : null,
      }).then((id) => void (obj[key] = id));
    await mo('onTime', '2026-11-05T18:00:00', '2026-11-04T09:00:00');
    await mo('late', '2026-11-15T18:00:00', '2026-11-18T09:00:00');
    await mo('open', '2026-11-20T18:00:00', null);
    await mo('notYet', '2026-11-30T18:00:00', null);
  });

  it('compilation counts items due so far, fulfilled by their due date, each with its evidence', async () => {
    const v = await value('catalog.compilation', NOV, a.id);
    // The table entry has no binding: fulfilled on time, but its data is not mounted.
    expect(v).toMatchObject({ numerator: 3, denominator: 6 });
    expect(refs(v)).toEqual(
      sorted(['onTime', 'linked', 'mounted', 'offline', 'late', 'open'].map((k) => `responsibility_item:${item[k]}`)),
    );
    const ev = (k: string) => v!.evidence.find((e) => e.ref === `responsibility_item:${item[k]}`)!;
    expect(ev('linked')).toMatchObject({ ok: false, note: '目录未挂接数据' });
    expect(ev('mounted')).toMatchObject({ ok: true, note: '按期完成' });
    expect(ev('offline')).toMatchObject({ ok: true });
    const late = v!.evidence.find((e) => e.ref === `responsibility_item:${item.late}`)!;
    expect(late).toMatchObject({ ok: false, note: '逾期 2 天办结', link: '/console/catalog/demands' });
    expect(v!.evidence.find((e) => e.ref === `responsibility_item:${item.linked}`)!.link).toMatch(
      /^\/console\/catalog\/entries\//,
    );
    expect(await value('catalog.compilation', OCT, a.id)).toMatchObject({ numerator: 0, denominator: 1 });
    expect(await value('catalog.compilation', NOV, idle.id)).toBeUndefined();
  });

  it('objection timeliness counts objections answered by their due date', async () => {
    const v = await value('catalog.objection_timeliness', NOV, a.id);
    expect(v).toMatchObject({ numerator: 1, denominator: 3 });
    expect(refs(v)).toEqual(sorted(['onTime', 'late', 'open'].map((k) => `catalog_objection:${obj[k]}`)));
    expect(v!.evidence.find((e) => e.ref === `catalog_objection:${obj.open}`)).toMatchObject({
      ok: false,
      link: `/console/catalog/objections/${obj.open}`,
    });
  });

  it('finds the items still open past due and the objections answered late', async () => {
    const items = await finding('catalog.responsibility_overdue', NOV, a.id);
    expect(refs(items)).toEqual(sorted([item.open, item.october].map((id) => `responsibility_item:${id}`)));
    expect(items!.summary).toBe('2 个责任清单事项逾期未完成');
    expect(refs(await finding('catalog.responsibility_overdue', OCT, a.id))).toEqual([
      `responsibility_item:${item.october}`,
    ]);
    const late = await finding('catalog.overdue_objections', NOV, a.id);
    expect(refs(late)).toEqual(sorted([obj.late, obj.open].map((id) => `catalog_objection:${id}`)));
    expect(await finding('catalog.overdue_objections', NOV, idle.id)).toBeUndefined();
    expect(await finding('catalog.responsibility_overdue', NOV, idle.id)).toBeUndefined();
  });

  it('a running period counts what falls due as time passes', async () => {
    const now = t.clock.now();
    try {
      t.clock.set(bj('2026-12-02T09:00:00'));
      expect(await value('catalog.compilation', NOV, a.id)).toMatchObject({ numerator: 3, denominator: 7 });
      expect(await value('catalog.objection_timeliness', NOV, a.id)).toMatchObject({ numerator: 1, denominator: 4 });
    } finally {
      t.clock.set(now);
    }
  });
});

describe('sharing', () => {
  it('counts the provider’s decision steps due so far, not the platform’s pre-review', async () => {
    const { provider, request } = await conditionalRequest(t);
    const admin = await platformAdmin(t);
    expectStatus(await post(t, `/api/sharing/requests/${request.id}/prereview`, admin, { decision: 'forward' }), 200);
    const step: Record<string, string> = {};
    let round = 10;
    const ms = async (
      key: string,
      kind: 'admin_prereview' | 'provider_decision',
      due: string,
      decided?: string,
      decision?: 'approve' | 'reject' | 'withdrawn',
    ) => {
      step[key] = await insertStep(t.ctx.db, {
        request_id: request.id,
        kind,
        round: round++,
        started_at: bj('2026-11-01T09:00:00'),
        due_at: bj(due),
        decided_at: decided ? bj(decided) : null,
        decision: decision ?? null,
      });
    };
    await ms('onTime', 'provider_decision', '2026-11-10T18:00:00', '2026-11-09T09:00:00', 'approve');
    await ms('late', 'provider_decision', '2026-11-12T18:00:00', '2026-11-13T09:00:00', 'reject');
    await ms('open', 'provider_decision', '2026-11-20T18:00:00');
    await ms('withdrawn', 'provider_decision', '2026-11-16T18:00:00', '2026-11-15T09:00:00', 'withdrawn');
    await ms('notYet', 'provider_decision', '2026-11-27T18:00:00');
    await ms('admin', 'admin_prereview', '2026-11-10T18:00:00');

    const v = await value('sharing.request_timeliness', NOV, provider.id);
    expect(v).toMatchObject({ numerator: 1, denominator: 3 });
    expect(refs(v)).toEqual(sorted(['onTime', 'late', 'open'].map((k) => `share_review_step:${step[k]}`)));
    const late = v!.evidence.find((e) => e.ref === `share_review_step:${step.late}`)!;
    expect(late).toMatchObject({ ok: false, note: '逾期 1 天办结', link: `/console/sharing/requests/${request.id}` });
    expect(late.label).toContain(`共享申请 ${request.no} · 提供部门审核`);

    const f = await finding('sharing.overdue_steps', NOV, provider.id);
    expect(refs(f)).toEqual(sorted([step.late, step.open].map((id) => `share_review_step:${id}`)));
    expect(f!.summary).toBe('2 个共享审核环节逾期未办');
    expect(await value('sharing.request_timeliness', OCT, provider.id)).toBeUndefined();
    expect(await finding('sharing.overdue_steps', OCT, provider.id)).toBeUndefined();
  });
});
