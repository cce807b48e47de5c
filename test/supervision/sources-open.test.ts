import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { catalogDepartment, publishedEntry, type CatalogDepartment } from '../catalog/factory';
import { insertApplication } from '../../src/server/modules/open/applications-repo';
import { saveDataset } from '../../src/server/modules/open/review-repo';
import { insertUnsealed } from '../../src/server/platform/audit/repo';
import { audit, bj, NOV, OCT, refs, sorted, sourcesApp } from './sources-helpers';

/** The open portal's indicators and detector (see sources-helpers.ts). */

const h = sourcesApp();
const { value, finding } = h;
let t: TestApp;
beforeAll(() => {
  t = h.t;
});

describe('open', () => {
  let a: CatalogDepartment;
  let open: { id: string; code: string };
  let notOpen: { id: string; code: string };
  let withdrawn: { id: string; code: string };
  const app: Record<string, string> = {};

  beforeAll(async () => {
    a = await catalogDepartment(t);
    const entry = async (openType: 'unconditional' | 'conditional') => {
      const { entry: e, version } = await publishedEntry(t, { provider: a, openType });
      return { id: e.id, code: e.code, versionId: version.id };
    };
    const o = await entry('unconditional');
    const n = await entry('conditional');
    const w = await entry('unconditional');
    // Not open: an entry the catalog keeps closed is not counted at all.
    await publishedEntry(t, { provider: a, openType: 'none' });
    await saveDataset(t.ctx.db, {
      entry_id: o.id,
      version_id: o.versionId,
      status: 'open',
      opened_at: bj('2026-11-05T09:00:00'),
      withdrawn_at: null,
      withdrawn_by: null,
      withdrawn_reason: null,
      updated_at: bj('2026-11-05T09:00:00'),
    });
    await saveDataset(t.ctx.db, {
      entry_id: w.id,
      version_id: w.versionId,
      status: 'withdrawn',
      opened_at: bj('2026-10-01T09:00:00'),
      withdrawn_at: bj('2026-11-10T09:00:00'),
      withdrawn_by: a.specialist.id,
      withdrawn_reason: '数据更正',
      updated_at: bj('2026-11-10T09:00:00'),
    });
    [open, notOpen, withdrawn] = [o, n, w];
    // Compiled long before the periods measured (the test clock created them today).
    await t.ctx.db
      .updateTable('catalog_entry')
      .set({ created_at: bj('2026-09-01T09:00:00') })
      .where('id', 'in', [o.id, n.id, w.id])
      .execute();

    const use = (at: string, action: string, code: string, outcome: 'success' | 'failed' = 'success') =>
      audit({ at: bj(at), action, targetType: 'catalog_entry_code', targetId: code, outcome });
    await insertUnsealed(t.ctx.db, [
      use('2026-11-06T09:00:00', 'open.data.download', o.code),
      use('2026-11-07T09:00:00', 'open.data.download', o.code),
      use('2026-11-07T10:00:00', 'open.api.records', o.code),
      use('2026-11-07T10:01:00', 'open.api.records', o.code),
      use('2026-11-07T10:02:00', 'open.api.records', o.code),
      use('2026-11-08T09:00:00', 'open.data.download', o.code, 'failed'),
      use('2026-10-20T09:00:00', 'open.data.download', w.code),
    ]);

    const ma = async (
      key: string,
      due: string,
      status: 'submitted' | 'approved' | 'refused' | 'withdrawn',
      decided?: string,
    ) => {
      // One waiting application per applicant and entry.
      const applicant = await t.user([]);
      app[key] = await insertApplication(t.ctx.db, {
        no: `KF-2026-${key}`,
        entry_id: n.id,
        provider_department_id: a.id,
        applicant_id: applicant.id,
        applicant_name: '张三',
        purpose: '研究',
        scenario: '城市交通研究',
        fields: [],
        wanted_until: '2027-06-30',
        commitment_version: '1',
        commitment_signed_name: '张三',
        commitment_signed_at: bj('2026-10-10T09:00:00'),
        status,
        received_at: bj('2026-10-10T09:00:00'),
        due_at: bj(due),
        decided_at: decided ? bj(decided) : null,
        decided_by: decided ? a.leader.id : null,
        decided_by_name: decided ? '审核人' : null,
        approved_fields: status === 'approved' ? [] : null,
        access_until: status === 'approved' ? '2027-06-30' : null,
        refusal_basis: status === 'refused' ? '《条例》第二十二条' : null,
        refusal_reason: status === 'refused' ? '用途不明确' : null,
        use_report: null,
        use_reported_at: null,
      });
    };
    await ma('onTime', '2026-11-10T18:00:00', 'approved', '2026-11-08T09:00:00');
    await ma('late', '2026-11-12T18:00:00', 'refused', '2026-11-16T09:00:00');
    await ma('open', '2026-11-20T18:00:00', 'submitted');
    await ma('withdrawn', '2026-11-18T18:00:00', 'withdrawn');
    await ma('notYet', '2026-12-05T18:00:00', 'submitted');
  });

  it('opening counts the entries the catalog opens that are on the portal at the period’s end', async () => {
    const v = await value('open.opening', NOV, a.id);
    expect(v).toMatchObject({ numerator: 1, denominator: 3 });
    expect(refs(v)).toEqual(sorted([open, notOpen, withdrawn].map((e) => `catalog_entry:${e.id}`)));
    expect(v!.evidence.find((e) => e.ref === `catalog_entry:${open.id}`)).toMatchObject({
      ok: true,
      note: '已开放；本期下载 2 次，接口调用 3 次',
      link: `/console/open/datasets/${open.id}`,
    });
    // On 1 November only the later withdrawn one was open (from 1 October to 10 November).
    expect(await value('open.opening', OCT, a.id)).toMatchObject({ numerator: 1, denominator: 3 });
  });

  it('usage sums downloads and open-API calls of the datasets open in the period', async () => {
    const v = await value('open.usage', NOV, a.id);
    expect(v).toMatchObject({ numerator: 5, denominator: 2 });
    expect(v!.evidence.map((e) => `${e.ref} ${e.note}`).sort()).toEqual(
      sorted([
        `open_dataset:${open.id} 下载 2 次，接口调用 3 次`,
        `open_dataset:${withdrawn.id} 下载 0 次，接口调用 0 次`,
      ]),
    );
    expect(await value('open.usage', OCT, a.id)).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it('applications answered by their due date; the late ones are a violation', async () => {
    const v = await value('open.application_timeliness', NOV, a.id);
    expect(v).toMatchObject({ numerator: 1, denominator: 3 });
    expect(refs(v)).toEqual(sorted(['onTime', 'late', 'open'].map((k) => `open_application:${app[k]}`)));
    expect(v!.evidence.find((e) => e.ref === `open_application:${app.late}`)).toMatchObject({
      note: '逾期 4 天答复',
      link: `/console/open/applications/${app.late}`,
    });
    const f = await finding('open.overdue_applications', NOV, a.id);
    expect(refs(f)).toEqual(sorted([app.late, app.open].map((id) => `open_application:${id}`)));
    expect(f!.summary).toBe('2 个有条件开放申请未按期答复');
    expect(await finding('open.overdue_applications', OCT, a.id)).toBeUndefined();
  });
});
