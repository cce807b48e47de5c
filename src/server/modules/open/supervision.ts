import type { AppContext } from '../../app-context';
import { consoleLink } from '../../../shared/console';
import { OPEN_TYPES } from '../../../shared/catalog/enums';
import type { Period } from '../../../shared/supervision/periods';
import { countedUntil, findingsOf, lateDays, valuesByDepartment } from '../../platform/supervision/evidence';
import type {
  Evidence,
  IndicatorDefinition,
  SupervisionSource,
  ViolationDetector,
} from '../../platform/supervision/sources';
import * as repo from './supervision-repo';

/**
 * The open portal's part of assessment (Art 29, Art 30 (3)): entries the catalog opens that are on
 * the portal, how much they are used, and 有条件开放 applications answered within 20 working days.
 */

const named = (code: string, name: string | null) => `${code}${name ? ` ${name}` : ''}`;

/** The openable entries with their portal state at `until` and their downloads and API calls in the window. */
async function entries(ctx: AppContext, period: Period) {
  const until = countedUntil(ctx, period);
  const [rows, usage] = await Promise.all([
    repo.openableEntries(ctx.db, until),
    repo.usageByCode(ctx.db, period.from, until),
  ]);
  const used = new Map(usage.map((u) => [u.code, { downloads: Number(u.downloads), calls: Number(u.api_calls) }]));
  return rows.map((r) => {
    const opened = r.opened_at !== null && r.opened_at < until;
    return {
      ...r,
      until,
      // On the portal at the window's end: opened before it and not withdrawn by then.
      openAtEnd: opened && (r.status === 'open' || (r.withdrawn_at !== null && r.withdrawn_at >= until)),
      // On the portal at some time in the window.
      openDuring: opened && (r.status === 'open' || (r.withdrawn_at !== null && r.withdrawn_at >= period.from)),
      ...(used.get(r.code) ?? { downloads: 0, calls: 0 }),
    };
  });
}

const usageNote = (e: { downloads: number; calls: number }) => `下载 ${e.downloads} 次，接口调用 ${e.calls} 次`;

export const opening: IndicatorDefinition = {
  code: 'open.opening',
  name: '数据开放率',
  nameEn: 'Opening',
  formula: '期末已在开放门户开放的目录数 ÷ 目录开放属性为无条件开放或有条件开放的已发布目录数',
  formulaEn:
    'Entries open on the portal at the period’s end ÷ published entries whose catalog opens them (unconditionally or on application)',
  source: '目录的开放属性（现行版本）与开放门户的数据集状态；另列本期下载和开放接口调用次数',
  sourceEn:
    'Entries’ open type (current version) and the portal’s dataset state; downloads and open-API calls shown per entry',
  kind: 'ratio',
  async compute(ctx, period) {
    const values = valuesByDepartment();
    for (const e of await entries(ctx, period))
      values.add(e.provider_department_id, e.openAtEnd ? 1 : 0, 1, {
        ref: `catalog_entry:${e.entry_id}`,
        label: `开放目录 · ${named(e.code, e.name)}（${OPEN_TYPES[e.open_type].zh}）`,
        at: e.openAtEnd ? e.opened_at : e.until,
        ok: e.openAtEnd,
        note: `${e.openAtEnd ? '已开放' : '未开放'}；本期${usageNote(e)}`,
        link: consoleLink(`/open/datasets/${e.entry_id}`),
      });
    return values.values();
  },
};

export const usage: IndicatorDefinition = {
  code: 'open.usage',
  name: '开放数据利用量',
  nameEn: 'Open data use',
  formula: '本期开放数据集的下载次数 + 开放接口调用次数（每个数据集一行：“下载 N 次，接口调用 M 次”）',
  formulaEn: 'Downloads + open-API calls of the department’s open datasets in the period (one row per dataset)',
  source: '开放门户的下载与开放接口调用（审计日志中成功的 open.data.download 与 open.api.records 事件）',
  sourceEn: 'Portal downloads and open-API calls (successful open.data.download and open.api.records audit events)',
  kind: 'volume',
  async compute(ctx, period) {
    const values = valuesByDepartment();
    for (const e of await entries(ctx, period)) {
      const n = e.downloads + e.calls;
      if (!e.openDuring && !n) continue;
      values.add(e.provider_department_id, n, 1, {
        ref: `open_dataset:${e.entry_id}`,
        label: `开放数据集 · ${named(e.code, e.name)}`,
        at: e.until,
        ok: n > 0,
        note: usageNote(e),
        link: consoleLink(`/open/datasets/${e.entry_id}`),
      });
    }
    return values.values();
  },
};

type Application = Awaited<ReturnType<typeof repo.applicationsDue>>[number];

function applicationEvidence(a: Application, until: Date): Evidence {
  const ok = a.decided_at !== null && a.decided_at <= a.due_at;
  const done = a.decided_at !== null && a.decided_at <= until;
  return {
    ref: `open_application:${a.id}`,
    label: `开放申请 ${a.no} · ${named(a.code, a.name)}`,
    at: a.due_at,
    ok,
    note: ok
      ? '按期答复'
      : done
        ? `逾期 ${lateDays(a.due_at, a.decided_at!)} 天答复`
        : `逾期 ${lateDays(a.due_at, until)} 天未答复`,
    link: consoleLink(`/open/applications/${a.id}`),
  };
}

export const applicationTimeliness: IndicatorDefinition = {
  code: 'open.application_timeliness',
  name: '开放申请按期答复率',
  nameEn: 'Open applications answered on time',
  formula: '到期前答复的有条件开放申请数 ÷ 本期到期的有条件开放申请数',
  formulaEn: 'Applications for conditionally open data decided by their due date ÷ applications due in the period',
  source: '有条件开放数据的使用申请（受理后 20 个工作日内答复）；申请人撤回的申请不计',
  sourceEn:
    'Applications to use conditionally open data (answered within 20 working days); withdrawn ones are left out',
  kind: 'ratio',
  async compute(ctx, period) {
    const until = countedUntil(ctx, period);
    const values = valuesByDepartment();
    for (const a of await repo.applicationsDue(ctx.db, period.from, until)) {
      const e = applicationEvidence(a, until);
      values.add(a.provider_department_id, e.ok ? 1 : 0, 1, e);
    }
    return values.values();
  },
};

export const overdueApplications: ViolationDetector = {
  code: 'open.overdue_applications',
  kind: 3,
  name: '开放申请逾期未答复',
  nameEn: 'Open applications not answered in time',
  async detect(ctx, period) {
    const until = countedUntil(ctx, period);
    const late = await repo.applicationsLate(ctx.db, period.from, until);
    return findingsOf(
      late.map((a) => ({ departmentId: a.provider_department_id, evidence: applicationEvidence(a, until) })),
      (n) => `${n} 个有条件开放申请未按期答复`,
    );
  },
};

export const openSupervision: SupervisionSource = {
  indicators: [opening, usage, applicationTimeliness],
  violations: [overdueApplications],
};
