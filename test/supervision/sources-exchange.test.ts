import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app';
import { catalogDepartment, publishedEntry, type CatalogDepartment } from '../catalog/factory';
import { insertSource } from '../../src/server/modules/exchange-ingest/sources-repo';
import { insertRun, saveBinding } from '../../src/server/modules/exchange-ingest/pull-repo';
import { insertSnapshot } from '../../src/server/modules/exchange-ingest/quality-repo';
import { insertHealthCheck } from '../../src/server/modules/gateway/stats-repo';
import { insertUnsealed } from '../../src/server/platform/audit/repo';
import { putSetting } from '../../src/server/platform/settings/repo';
import { VIOLATION_SETTING } from '../../src/shared/supervision/thresholds';
import { audit, bj, NOV, OCT, refs, sorted, sourcesApp } from './sources-helpers';

/** The exchange's and the gateway's indicators and detectors (see sources-helpers.ts). */

const h = sourcesApp();
const { value, finding } = h;
let t: TestApp;
beforeAll(() => {
  t = h.t;
});

describe('exchange', () => {
  let a: CatalogDepartment;
  let daily: string;
  let irregular: string;
  const run: Record<string, string> = {};
  const snap: Record<string, string> = {};

  beforeAll(async () => {
    a = await catalogDepartment(t);
    daily = (await publishedEntry(t, { provider: a, updateCycle: 'daily' })).entry.id;
    irregular = (await publishedEntry(t, { provider: a, updateCycle: 'irregular' })).entry.id;
    const sourceId = randomUUID();
    const at = bj('2026-11-01T09:00:00');
    await insertSource(t.ctx.db, {
      id: sourceId,
      department_id: a.id,
      name: '测试前置库',
      kind: 'postgresql',
      host: '127.0.0.1',
      port: 5432,
      database: 'src',
      username: 'reader',
      password_secret: 'gs1:test',
      options: '{}',
      created_by: a.specialist.id,
      created_at: at,
      updated_at: at,
    });
    const bind = (entryId: string) =>
      saveBinding(t.ctx.db, {
        entry_id: entryId,
        source_id: sourceId,
        source_schema: 'public',
        source_table: 'corp',
        key_columns: ['id'],
        watermark_column: null,
        column_map: '[]',
        created_by: a.specialist.id,
        // Bound mid-morning on 3 November: whole days from the 4th to today (the 24th) are 20.
        created_at: bj('2026-11-03T10:00:00'),
        updated_at: bj('2026-11-03T10:00:00'),
      });
    const bindings = { [daily]: await bind(daily), [irregular]: await bind(irregular) };
    const mr = async (key: string, entryId: string, status: 'done' | 'failed', finished: string) => {
      const r = await insertRun(t.ctx.db, {
        binding_id: bindings[entryId]!,
        entry_id: entryId,
        mode: 'full',
        status,
        started_at: bj(finished),
        heartbeat_at: bj(finished),
        finished_at: bj(finished),
        error: status === 'failed' ? '源库连接超时' : null,
      });
      run[key] = r.id;
    };
    for (let d = 5; d <= 9; d++) await mr(`done${d}`, daily, 'done', `2026-11-0${d}T02:00:00`);
    await mr('fail1', daily, 'failed', '2026-11-12T02:00:00');
    await mr('fail2', daily, 'failed', '2026-11-13T02:00:00');
    await mr('irregular', irregular, 'done', '2026-11-14T02:00:00');
    await mr('october', daily, 'failed', '2026-10-30T02:00:00');

    const ms = async (key: string, entryId: string, at: string, c: number, acc: number | null, av: number) => {
      await insertSnapshot(t.ctx.db, {
        entry_id: entryId,
        run_id: null,
        at: bj(at),
        row_count: 10,
        completeness: c,
        accuracy: acc,
        availability: av,
        columns: '[]',
      });
      snap[key] = (
        await t.ctx.db
          .selectFrom('exchange_quality')
          .select((eb) => eb.fn.max('id').as('id'))
          .where('entry_id', '=', entryId)
          .executeTakeFirstOrThrow()
      ).id as string;
    };
    await ms('october', daily, '2026-10-20T09:00:00', 0.2, 0.2, 0.2);
    await ms('older', daily, '2026-11-05T09:00:00', 0.5, 0.5, 0.5);
    await ms('latest', daily, '2026-11-20T09:00:00', 1, null, 0.9);
    await ms('poor', irregular, '2026-11-21T09:00:00', 0.6, 0.5, 0.7);
  });

  it('update timeliness compares successful loads with the loads the cycle expects', async () => {
    const v = await value('exchange.update_timeliness', NOV, a.id);
    // The irregular entry expects nothing: only the daily one is measured.
    expect(v).toMatchObject({ numerator: 5, denominator: 20 });
    expect(v!.evidence).toEqual([
      expect.objectContaining({ ref: `catalog_entry:${daily}`, ok: false, note: '应更新 20 次，实际 5 次' }),
    ]);
    const f = await finding('exchange.not_updated', NOV, a.id);
    expect(refs(f)).toEqual([`catalog_entry:${daily}`]);
    expect(f!.summary).toBe('1 个目录未按更新周期更新数据');
    // Before the binding nothing was expected.
    expect(await value('exchange.update_timeliness', OCT, a.id)).toBeUndefined();
  });

  it('load success counts done ÷ finished loads, per entry', async () => {
    const v = await value('exchange.load_success', NOV, a.id);
    expect(v).toMatchObject({ numerator: 6, denominator: 8 });
    expect(v!.evidence.map((e) => `${e.ref} ${e.note}`).sort()).toEqual(
      sorted([`catalog_entry:${daily} 成功 5 次，失败 2 次`, `catalog_entry:${irregular} 成功 1 次，失败 0 次`]),
    );
    expect(await value('exchange.load_success', OCT, a.id)).toMatchObject({ numerator: 0, denominator: 1 });
  });

  it('failed loads are a violation from the threshold on (the saved setting over the default)', async () => {
    // Default threshold 3: two failures are not yet a violation.
    expect(await finding('exchange.failed_loads', NOV, a.id)).toBeUndefined();
    await putSetting(t.ctx.db, VIOLATION_SETTING, { failedLoads: 2 }, null);
    try {
      const f = await finding('exchange.failed_loads', NOV, a.id);
      expect(refs(f)).toEqual(sorted([run.fail1, run.fail2].map((id) => `exchange_run:${id}`)));
      expect(f!.summary).toBe('本期 2 次数据加载失败（阈值 2 次）');
      expect(f!.evidence[0]!.note).toBe('源库连接超时');
    } finally {
      await putSetting(t.ctx.db, VIOLATION_SETTING, {}, null);
    }
  });

  it('quality averages each entry’s last snapshot in the period; a low one is a violation', async () => {
    const v = await value('exchange.quality', NOV, a.id);
    expect(v!.denominator).toBe(2);
    expect(v!.numerator).toBeCloseTo(0.95 + 0.6, 6);
    expect(refs(v)).toEqual(sorted([snap.latest, snap.poor].map((id) => `exchange_quality:${id}`)));
    const oct = await value('exchange.quality', OCT, a.id);
    expect(oct!.denominator).toBe(1);
    expect(oct!.numerator).toBeCloseTo(0.2, 6);
    const f = await finding('exchange.low_quality', NOV, a.id);
    expect(refs(f)).toEqual([`exchange_quality:${snap.poor}`]);
    expect(f!.evidence[0]!.note).toBe('得分 0.6000（完整性 60%，准确性 50%，可用性 70%）');
  });
});

describe('gateway', () => {
  it('uptime counts health checks per service; below the threshold the department is in breach', async () => {
    const a = await catalogDepartment(t);
    const idle = await catalogDepartment(t);
    const svc = (await publishedEntry(t, { provider: a, shareMethods: ['api'], formatKind: 'service' })).entry.id;
    for (let i = 0; i < 10; i++)
      await insertHealthCheck(t.ctx.db, {
        entryId: svc,
        at: bj(`2026-11-10T10:0${i}:00`),
        ok: i !== 3,
        status: i !== 3 ? 200 : 502,
        latencyMs: 20,
        error: i !== 3 ? null : 'bad gateway',
      });
    // After now: not counted in the running period.
    await insertHealthCheck(t.ctx.db, {
      entryId: svc,
      at: bj('2026-11-25T10:00:00'),
      ok: false,
      status: 502,
      latencyMs: 1,
      error: 'x',
    });
    const v = await value('gateway.uptime', NOV, a.id);
    expect(v).toMatchObject({ numerator: 9, denominator: 10 });
    expect(v!.evidence).toEqual([
      expect.objectContaining({ ref: `catalog_entry:${svc}`, ok: false, note: '可用 9/10 次检测（90.00%）' }),
    ]);
    const f = await finding('gateway.down', NOV, a.id);
    expect(refs(f)).toEqual([`catalog_entry:${svc}`]);
    expect(f!.summary).toBe('1 个服务接口可用率低于 95.00%');
    await putSetting(t.ctx.db, VIOLATION_SETTING, { minUptime: 0.9 }, null);
    try {
      expect(await finding('gateway.down', NOV, a.id)).toBeUndefined();
    } finally {
      await putSetting(t.ctx.db, VIOLATION_SETTING, {}, null);
    }
    expect(await value('gateway.uptime', NOV, idle.id)).toBeUndefined();
    expect(await value('gateway.uptime', OCT, a.id)).toBeUndefined();
  });

  it('calls refused as outside a grant are detected use beyond duties; rate limits are not', async () => {
    const consumer = await catalogDepartment(t);
    const call = (at: string, gatewayError: string) =>
      audit({
        at: bj(at),
        action: 'gateway.call',
        category: 'share',
        departmentId: consumer.id,
        departmentName: consumer.name,
        targetType: 'catalog_entry',
        targetId: randomUUID(),
        targetName: '企业登记信息（361100-101-0001）',
        outcome: 'denied',
        statusCode: 403,
        detail: { grantNo: 'SQ-2026-0007', gatewayError },
      });
    await insertUnsealed(t.ctx.db, [
      call('2026-11-10T09:00:00', 'GRANT_ITEMS'),
      call('2026-11-11T09:00:00', 'GRANT_IP'),
      call('2026-11-12T09:00:00', 'RATE_LIMITED'),
      call('2026-10-30T09:00:00', 'GRANT_EXPIRED'),
    ]);
    const f = await finding('gateway.outside_grant', NOV, consumer.id);
    expect(f!.summary).toBe('检测到 2 次超出授权条件的接口调用');
    expect(f!.evidence.map((e) => e.note)).toEqual(['超出授权的 IP 范围', '超出授权的数据项']);
    expect(f!.evidence.every((e) => e.ref.startsWith('audit_event:') && e.link!.startsWith('/console/audit?'))).toBe(
      true,
    );
    expect((await finding('gateway.outside_grant', OCT, consumer.id))!.evidence).toHaveLength(1);
    const other = await catalogDepartment(t);
    expect(await finding('gateway.outside_grant', NOV, other.id)).toBeUndefined();
  });
});
