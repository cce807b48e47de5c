import type { AppContext } from '../../app-context';
import { consoleLink } from '../../../shared/console';
import { UPDATE_CYCLES, type UpdateCycle } from '../../../shared/catalog/enums';
import type { Period } from '../../../shared/supervision/periods';
import {
  countedUntil,
  findingsByDepartment,
  findingsOf,
  valuesByDepartment,
  violationThresholds,
} from '../../platform/supervision/evidence';
import type {
  Evidence,
  IndicatorDefinition,
  SupervisionSource,
  ViolationDetector,
} from '../../platform/supervision/sources';
import { expectedLoads } from './supervision-cycles';
import * as repo from './supervision-repo';

/**
 * The exchange's part of assessment (Art 29, Art 30 (1)–(2)): loads as often as the catalog's update
 * cycle promises, loads that succeed, and the quality of what was loaded (R-27). Evidence is one row
 * per entry (loads are too many to list one by one), with the counts that add up to the value.
 */

const entryLink = (id: string) => consoleLink(`/catalog/entries/${id}`);
const entryLabel = (kind: string, code: string, name: string | null) => `${kind} · ${code}${name ? ` ${name}` : ''}`;

/** Per bound entry: loads expected by its cycle since it was bound (within the window) and loads done. */
async function updates(ctx: AppContext, period: Period) {
  const until = countedUntil(ctx, period);
  const [entries, runs] = await Promise.all([repo.boundEntries(ctx.db), repo.runCounts(ctx.db, period.from, until)]);
  const done = new Map(runs.map((r) => [r.entry_id, Number(r.done)]));
  return entries.flatMap((e) => {
    const start = new Date(Math.max(period.from.getTime(), new Date(e.bound_at).getTime()));
    const expected = expectedLoads(e.update_cycle, start, until);
    if (!expected) return [];
    const actual = done.get(e.entry_id) ?? 0;
    const cycle = UPDATE_CYCLES[e.update_cycle as UpdateCycle]?.zh ?? e.update_cycle;
    const evidence: Evidence = {
      ref: `catalog_entry:${e.entry_id}`,
      label: entryLabel(`数据更新（${cycle}）`, e.code, e.name),
      at: until,
      ok: actual >= expected,
      note: `应更新 ${expected} 次，实际 ${actual} 次`,
      link: entryLink(e.entry_id),
    };
    return [{ departmentId: e.provider_department_id, expected, actual, evidence }];
  });
}

export const updateTimeliness: IndicatorDefinition = {
  code: 'exchange.update_timeliness',
  name: '数据更新及时率',
  nameEn: 'Update timeliness',
  formula: 'Σ min(实际成功加载次数, 应更新次数) ÷ Σ 应更新次数（每个已挂接目录一行：“应更新 N 次，实际 M 次”）',
  formulaEn:
    'Σ min(successful loads, expected loads) ÷ Σ expected loads (one row per bound entry: expected N, actual M)',
  source:
    '已挂接库表的目录：应更新次数为本期内（自挂接起）完整的更新周期数（按北京时间的日、周、月、季、半年、年），实时和不定期不计；实际次数为成功完成的数据加载',
  sourceEn:
    'Entries with a table binding: expected loads are the whole update-cycle windows in the period since binding (Beijing days, weeks, months, quarters, half-years, years; real-time and irregular expect none); actual are successful loads',
  kind: 'ratio',
  async compute(ctx, period) {
    const values = valuesByDepartment();
    for (const u of await updates(ctx, period))
      values.add(u.departmentId, Math.min(u.actual, u.expected), u.expected, u.evidence);
    return values.values();
  },
};

export const loadSuccess: IndicatorDefinition = {
  code: 'exchange.load_success',
  name: '数据加载成功率',
  nameEn: 'Load success',
  formula: '本期成功完成的数据加载次数 ÷ 本期结束的数据加载次数（成功 + 失败；每个目录一行：“成功 N 次，失败 M 次”）',
  formulaEn: 'Loads done ÷ loads finished in the period (done + failed; one row per entry: done N, failed M)',
  source: '数据汇聚的加载记录（按结束时间计入期间）',
  sourceEn: 'The exchange’s load runs, counted in the period they finished',
  kind: 'ratio',
  async compute(ctx, period) {
    const until = countedUntil(ctx, period);
    const values = valuesByDepartment();
    for (const r of await repo.runCounts(ctx.db, period.from, until)) {
      const done = Number(r.done);
      const failed = Number(r.failed);
      values.add(r.provider_department_id, done, done + failed, {
        ref: `catalog_entry:${r.entry_id}`,
        label: entryLabel('数据加载', r.code, r.name),
        at: until,
        ok: failed === 0,
        note: `成功 ${done} 次，失败 ${failed} 次`,
        link: entryLink(r.entry_id),
      });
    }
    return values.values();
  },
};

/** An entry's quality score (0–1): the mean of completeness, accuracy (when measured) and availability. */
export function qualityScore(q: { completeness: string; accuracy: string | null; availability: string }): number {
  const parts = [Number(q.completeness), Number(q.availability)];
  if (q.accuracy !== null) parts.push(Number(q.accuracy));
  // Rounded like the parts (4 decimals) and a little finer, so sums do not carry float noise.
  return Math.round((parts.reduce((a, b) => a + b, 0) / parts.length) * 1e6) / 1e6;
}

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toString()}%`;

async function scores(ctx: AppContext, period: Period, min: number) {
  const rows = await repo.latestQuality(ctx.db, period.from, countedUntil(ctx, period));
  return rows.map((q) => {
    const score = qualityScore(q);
    const parts = [`完整性 ${pct(Number(q.completeness))}`];
    if (q.accuracy !== null) parts.push(`准确性 ${pct(Number(q.accuracy))}`);
    parts.push(`可用性 ${pct(Number(q.availability))}`);
    const evidence: Evidence = {
      ref: `exchange_quality:${q.id}`,
      label: entryLabel('数据质量', q.code, q.name),
      at: q.at,
      ok: score >= min,
      note: `得分 ${score.toFixed(4)}（${parts.join('，')}）`,
      link: entryLink(q.entry_id),
    };
    return { departmentId: q.provider_department_id, score, evidence };
  });
}

export const quality: IndicatorDefinition = {
  code: 'exchange.quality',
  name: '数据质量得分',
  nameEn: 'Data quality score',
  formula:
    'Σ 各目录质量得分 ÷ 目录数；目录得分 = 完整性、准确性（已检测时）、可用性的平均值（0–1），取本期最后一次质量快照',
  formulaEn:
    'Σ entry quality scores ÷ number of entries; an entry’s score is the mean of completeness, accuracy (when measured) and availability (0–1), from its last quality snapshot in the period',
  source: '数据资源中心的质量快照（R-27，每次加载后测量）',
  sourceEn: 'The resource center’s quality snapshots (R-27, measured after each load)',
  kind: 'average',
  async compute(ctx, period) {
    const { minQuality } = await violationThresholds(ctx);
    const values = valuesByDepartment();
    for (const s of await scores(ctx, period, minQuality)) values.add(s.departmentId, s.score, 1, s.evidence);
    return values.values();
  },
};

export const notUpdated: ViolationDetector = {
  code: 'exchange.not_updated',
  kind: 1,
  name: '未按更新周期更新数据',
  nameEn: 'Data not updated per its cycle',
  async detect(ctx, period) {
    const late = (await updates(ctx, period)).filter((u) => !u.evidence.ok);
    return findingsOf(late, (n) => `${n} 个目录未按更新周期更新数据`);
  },
};

/** At most this many failed loads are listed per department; the summary still counts them all. */
const MAX_FAILED_LISTED = 200;

export const failedLoads: ViolationDetector = {
  code: 'exchange.failed_loads',
  kind: 2,
  name: '数据加载多次失败',
  nameEn: 'Repeated failed loads',
  async detect(ctx, period) {
    const { failedLoads: limit } = await violationThresholds(ctx);
    const counts = new Map<string, number>();
    const found = findingsByDepartment();
    for (const r of await repo.failedRuns(ctx.db, period.from, countedUntil(ctx, period))) {
      const n = (counts.get(r.provider_department_id) ?? 0) + 1;
      counts.set(r.provider_department_id, n);
      if (n > MAX_FAILED_LISTED) continue;
      found.add(r.provider_department_id, {
        ref: `exchange_run:${r.id}`,
        label: entryLabel('数据加载失败', r.code, r.name),
        at: r.finished_at,
        ok: false,
        note: r.error ? r.error.slice(0, 200) : null,
        link: entryLink(r.entry_id),
      });
    }
    return found.findings().flatMap((f) => {
      const n = counts.get(f.departmentId)!;
      return n >= limit ? [{ ...f, summary: `本期 ${n} 次数据加载失败（阈值 ${limit} 次）` }] : [];
    });
  },
};

export const lowQuality: ViolationDetector = {
  code: 'exchange.low_quality',
  kind: 2,
  name: '数据质量低于阈值',
  nameEn: 'Data quality below the threshold',
  async detect(ctx, period) {
    const { minQuality } = await violationThresholds(ctx);
    const low = (await scores(ctx, period, minQuality)).filter((s) => !s.evidence.ok);
    return findingsOf(low, (n) => `${n} 个目录数据质量得分低于 ${minQuality}`);
  },
};

export const exchangeSupervision: SupervisionSource = {
  indicators: [updateTimeliness, loadSuccess, quality],
  violations: [notUpdated, failedLoads, lowQuality],
};

/** Which of these entries have their table mounted: the catalog's compilation indicator asks (compose.ts). */
export const entriesWithBinding = (ctx: AppContext, entryIds: string[]) => repo.entriesWithBinding(ctx.db, entryIds);
