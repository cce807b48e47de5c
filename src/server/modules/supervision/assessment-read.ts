import type { Static } from '@sinclair/typebox';
import type { AppContext } from '../../app-context';
import { forbidden, notFound } from '../../platform/errors';
import { pageBounds } from '../../platform/http/schemas';
import { inScope, type Scope } from '../../platform/rbac/scope';
import { periodLabel, periodOf, previousPeriod, type PeriodKind } from '../../../shared/supervision/periods';
import * as repo from './assessment-repo';
import type { DepartmentCard, EvidenceList, IndicatorList, PeriodList, Ranking, Trend } from './assessment-schemas';
import { periodOrThrow } from './assessment-service';
import { pulledDown } from './scoring';
import type { Sources } from './sources-registry';
import { cardThresholds, weightsFor } from './weights-service';

/**
 * What the pages read: the indicators with their weights, a period's ranking, a department's card and
 * the evidence of its values, trends. All from the current snapshot of a period; a department sees
 * only its own (scope 'supervision.department.read').
 */

const KINDS: PeriodKind[] = ['month', 'quarter', 'year'];

const snapshotInfo = (s: repo.SnapshotRow) => ({
  id: s.id,
  periodKey: s.period_key,
  periodLabel: periodLabel(periodOrThrow(s.period_key)),
  final: s.final,
  computedAt: s.computed_at.toISOString(),
});

const nameOf = (sources: Sources, code: string) => {
  const i = sources.indicators.find((x) => x.code === code);
  // An indicator no longer declared still shows under its code in old snapshots.
  return { code, name: i?.name ?? code, nameEn: i?.nameEn ?? code };
};

export async function listIndicators(ctx: AppContext, sources: Sources): Promise<Static<typeof IndicatorList>> {
  const [month, quarter, year] = await Promise.all(KINDS.map((k) => weightsFor(ctx, sources, k)));
  return {
    items: sources.indicators.map((i) => ({
      code: i.code,
      name: i.name,
      nameEn: i.nameEn,
      formula: i.formula,
      formulaEn: i.formulaEn,
      source: i.source,
      sourceEn: i.sourceEn,
      kind: i.kind,
      weights: {
        month: month!.weights.get(i.code) ?? 0,
        quarter: quarter!.weights.get(i.code) ?? 0,
        year: year!.weights.get(i.code) ?? 0,
      },
    })),
    saved: { month: month!.saved, quarter: quarter!.saved, year: year!.saved },
  };
}

export async function listPeriods(ctx: AppContext, kind?: PeriodKind): Promise<Static<typeof PeriodList>> {
  const rows = await repo.periodsWithSnapshots(ctx.db, kind);
  return {
    items: rows.map((r) => ({
      periodKey: r.period_key,
      periodKind: r.period_kind,
      periodLabel: periodLabel(periodOrThrow(r.period_key)),
      final: Boolean(r.final),
      computedAt: new Date(r.computed_at as string | Date).toISOString(),
      snapshots: Number(r.n),
    })),
  };
}

const byIndicator = (values: repo.ValueRow[], departmentId: string) =>
  Object.fromEntries(values.filter((v) => v.department_id === departmentId).map((v) => [v.indicator, v.score]));

export async function ranking(ctx: AppContext, sources: Sources, scope: Scope, periodKey: string): Promise<Ranking> {
  const period = periodOrThrow(periodKey);
  const [snapshot, thresholds] = await Promise.all([repo.currentSnapshot(ctx.db, period.key), cardThresholds(ctx)]);
  const base = { periodKey: period.key, periodLabel: periodLabel(period), thresholds };
  if (!snapshot) return { ...base, snapshot: null, indicators: [], items: [] };
  const scores = await repo.scoresOf(ctx.db, snapshot.id, scope);
  const values = await repo.valuesOf(
    ctx.db,
    snapshot.id,
    scope.kind === 'all' ? undefined : scores.map((s) => s.department_id),
  );
  const codes = [...new Set([...sources.indicators.map((i) => i.code), ...values.map((v) => v.indicator)])];
  return {
    ...base,
    snapshot: snapshotInfo(snapshot),
    indicators: codes.filter((c) => values.some((v) => v.indicator === c)).map((c) => nameOf(sources, c)),
    items: scores.map((s) => ({
      departmentId: s.department_id,
      departmentName: s.department_name,
      score: s.score,
      card: s.card,
      rank: s.rank,
      scores: byIndicator(values, s.department_id),
    })),
  };
}

function assertOwn(scope: Scope, departmentId: string): void {
  if (!inScope(scope, departmentId)) {
    throw forbidden('A department sees only its own assessment', '部门只能查看本部门的考核结果');
  }
}

async function snapshotOf(ctx: AppContext, periodKey: string) {
  const snapshot = await repo.currentSnapshot(ctx.db, periodOrThrow(periodKey).key);
  if (!snapshot) throw notFound('Assessment snapshot', '该周期的考核结果');
  return snapshot;
}

export async function departmentCard(
  ctx: AppContext,
  sources: Sources,
  scope: Scope,
  periodKey: string,
  departmentId: string,
): Promise<DepartmentCard> {
  assertOwn(scope, departmentId);
  const snapshot = await snapshotOf(ctx, periodKey);
  const [all, values, thresholds] = await Promise.all([
    repo.scoresOf(ctx.db, snapshot.id, { kind: 'all' }),
    repo.valuesOf(ctx.db, snapshot.id, [departmentId]),
    cardThresholds(ctx),
  ]);
  // The weights the stored score was computed with, not today's: the reasons add up to the score shown.
  const weights = new Map(values.map((v) => [v.indicator, v.weight]));
  const own = all.find((s) => s.department_id === departmentId);
  if (!own) throw notFound('Department in this assessment', '该部门在本周期的考核结果');
  const defs = new Map(sources.indicators.map((i) => [i.code, i]));
  return {
    periodKey: snapshot.period_key,
    periodLabel: periodLabel(periodOrThrow(snapshot.period_key)),
    snapshot: snapshotInfo(snapshot),
    departmentId,
    departmentName: own.department_name,
    score: own.score,
    card: own.card,
    rank: own.rank,
    ranked: all.filter((s) => s.rank !== null).length,
    thresholds,
    values: values.map((v) => ({
      ...nameOf(sources, v.indicator),
      indicator: v.indicator,
      formula: defs.get(v.indicator)?.formula ?? '',
      formulaEn: defs.get(v.indicator)?.formulaEn ?? '',
      numerator: v.numerator,
      denominator: v.denominator,
      score: v.score,
      weight: v.weight,
    })),
    reasons: pulledDown(values, weights).map((r) => ({ ...nameOf(sources, r.indicator), ...r })),
  };
}

export async function evidence(
  ctx: AppContext,
  scope: Scope,
  periodKey: string,
  departmentId: string,
  q: { indicator: string; ok?: boolean; page?: number; pageSize?: number },
): Promise<Static<typeof EvidenceList>> {
  assertOwn(scope, departmentId);
  const snapshot = await snapshotOf(ctx, periodKey);
  const p = pageBounds(q);
  const { rows, total } = await repo.evidenceOf(
    ctx.db,
    { snapshotId: snapshot.id, indicator: q.indicator, departmentId, ok: q.ok },
    p.limit,
    p.offset,
  );
  return {
    items: rows.map((r) => ({ ...r, id: String(r.id), at: r.at ? new Date(r.at).toISOString() : null })),
    total,
    page: p.page,
    pageSize: p.pageSize,
  };
}

/** A department's score and indicator scores over the last `count` periods of a kind, oldest first. */
export async function trend(
  ctx: AppContext,
  sources: Sources,
  scope: Scope,
  q: { departmentId: string; periodKind: PeriodKind; count?: number },
): Promise<Trend> {
  assertOwn(scope, q.departmentId);
  const name = await repo.departmentName(ctx.db, q.departmentId);
  if (name === null) throw notFound('Department', '部门');
  const periods = [periodOf(q.periodKind, ctx.clock.now())];
  while (periods.length < (q.count ?? 6)) periods.unshift(previousPeriod(periods[0]!));
  const rows = await repo.trendOf(
    ctx.db,
    q.departmentId,
    periods.map((p) => p.key),
  );
  const codes = [...new Set(rows.flatMap((r) => r.values.map((v) => v.indicator)))];
  return {
    departmentId: q.departmentId,
    departmentName: name,
    indicators: codes.map((c) => nameOf(sources, c)),
    points: rows.map((r, i) => ({
      periodKey: r.periodKey,
      periodLabel: periodLabel(periods[i]!),
      score: r.score?.score ?? null,
      card: r.score?.card ?? null,
      rank: r.score?.rank ?? null,
      scores: Object.fromEntries(r.values.map((v) => [v.indicator, v.score])),
    })),
  };
}
