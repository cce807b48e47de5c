import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { badRequest, conflict } from '../../platform/errors';
import type { IndicatorValue } from '../../platform/supervision/sources';
import { parsePeriod, periodLabel, type Period } from '../../../shared/supervision/periods';
import * as repo from './assessment-repo';
import { cardOf, departmentScore, indicatorScores, ranks } from './scoring';
import type { Sources } from './sources-registry';
import { cardThresholds, weightsFor } from './weights-service';

/**
 * Snapshots (Art 29): every indicator computed for a period by the jobs (or the admin's "recompute
 * now"), stored with the rows behind each value, the weighted scores, cards and ranks. Pages read
 * snapshots, never recompute; older snapshots of a period stay as its history, the newest is current.
 */

export function periodOrThrow(key: string): Period {
  const p = parsePeriod(key);
  if (!p) {
    throw badRequest(
      'SUPERVISION_PERIOD_INVALID',
      `${key} is not a period (2026-11, 2026-Q4 or 2026)`,
      `${key} 不是有效的考核周期（如 2026-11、2026-Q4、2026）`,
      { field: 'period' },
    );
  }
  return p;
}

export interface SnapshotSummary {
  id: string;
  periodKey: string;
  periodLabel: string;
  final: boolean;
  computedAt: string;
  departments: number;
  values: number;
  evidence: number;
}

/** Drops what a source should never hand in (NaN, negative counts), so one bad row cannot poison a score. */
const sane = (v: IndicatorValue) =>
  Number.isFinite(v.numerator) && Number.isFinite(v.denominator) && v.numerator >= 0 && v.denominator >= 0;

export async function computeSnapshot(
  ctx: AppContext,
  sources: Sources,
  periodKey: string,
  opts: { final?: boolean; by?: string | null } = {},
): Promise<SnapshotSummary> {
  const period = periodOrThrow(periodKey);
  const now = ctx.clock.now();
  if (period.from > now) {
    throw badRequest('SUPERVISION_PERIOD_FUTURE', `${periodKey} has not begun`, `${periodLabel(period)}尚未开始`, {
      field: 'period',
    });
  }
  if (opts.final && period.to > now) {
    throw conflict(
      'SUPERVISION_PERIOD_RUNNING',
      `${periodKey} has not ended yet`,
      `${periodLabel(period)}尚未结束，不能定稿`,
    );
  }
  // The facts are read first, outside the transaction that stores them: computing may take a while.
  const computed: { code: string; values: IndicatorValue[]; scores: (number | null)[] }[] = [];
  for (const ind of sources.indicators) {
    const values = (await ind.compute(ctx, period)).filter(sane);
    computed.push({ code: ind.code, values, scores: indicatorScores(ind.kind, values) });
  }
  const [{ weights }, thresholds] = await Promise.all([weightsFor(ctx, sources, period.kind), cardThresholds(ctx)]);

  const byDepartment = new Map<string, { indicator: string; score: number | null }[]>();
  for (const c of computed) {
    c.values.forEach((v, i) => {
      const list = byDepartment.get(v.departmentId) ?? [];
      list.push({ indicator: c.code, score: c.scores[i] ?? null });
      byDepartment.set(v.departmentId, list);
    });
  }
  const departments = [...byDepartment.keys()];
  const scores = departments.map((d) => departmentScore(byDepartment.get(d)!, weights));
  const ranked = ranks(scores);

  const values = computed.flatMap((c) => c.values.map((v, i) => ({ c, v, score: c.scores[i] ?? null })));
  const evidenceCount = values.reduce((n, x) => n + x.v.evidence.length, 0);
  const id = await inTransaction(ctx, async (trx) => {
    const snapshotId = await repo.insertSnapshot(trx, {
      period_key: period.key,
      period_kind: period.kind,
      period_from: period.from,
      period_to: period.to,
      final: opts.final ?? false,
      computed_at: now,
      computed_by: opts.by ?? null,
    });
    await repo.insertValues(
      trx,
      values.map(({ c, v, score }) => ({
        snapshot_id: snapshotId,
        indicator: c.code,
        department_id: v.departmentId,
        numerator: v.numerator,
        denominator: v.denominator,
        score,
        weight: weights.get(c.code) ?? 0,
      })),
    );
    await repo.insertEvidence(
      trx,
      values.flatMap(({ c, v }) =>
        v.evidence.map((e) => ({
          snapshot_id: snapshotId,
          indicator: c.code,
          department_id: v.departmentId,
          ref: e.ref,
          label: e.label,
          at: e.at,
          ok: e.ok,
          note: e.note ?? null,
          link: e.link ?? null,
        })),
      ),
    );
    await repo.insertScores(
      trx,
      departments.map((d, i) => ({
        snapshot_id: snapshotId,
        department_id: d,
        score: scores[i] ?? null,
        card: cardOf(scores[i] ?? null, thresholds),
        rank: ranked[i] ?? null,
      })),
    );
    return snapshotId;
  });
  return {
    id,
    periodKey: period.key,
    periodLabel: periodLabel(period),
    final: opts.final ?? false,
    computedAt: now.toISOString(),
    departments: departments.length,
    values: values.length,
    evidence: evidenceCount,
  };
}

/** Whether a period of this kind that has ended still lacks its final snapshot. */
export const needsFinal = async (ctx: AppContext, period: Period) =>
  period.to <= ctx.clock.now() && !(await repo.hasFinalSnapshot(ctx.db, period.key));
