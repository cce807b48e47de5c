import type { AppContext } from '../../app-context';
import type { PeriodKind } from '../../db/types';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { badRequest } from '../../platform/errors';
import { getSetting, putSetting } from '../../platform/settings/repo';
import { CARD_SETTING, DEFAULT_CARDS, type CardThresholds } from '../../../shared/supervision/thresholds';
import * as repo from './assessment-repo';
import { equalWeights } from './scoring';
import type { Sources } from './sources-registry';

/**
 * The platform admin's weights per indicator and period kind, and the card thresholds. Until weights
 * are saved for a kind every indicator weighs the same; saved ones must name known indicators and sum
 * to 100, so that a department's score stays on the 0–100 scale people read it on.
 */

export interface Weights {
  weights: Map<string, number>;
  /** False while the defaults (equal weights) apply. */
  saved: boolean;
}

export async function weightsFor(ctx: AppContext, sources: Sources, kind: PeriodKind): Promise<Weights> {
  const codes = sources.indicators.map((i) => i.code);
  const rows = await repo.weightsOf(ctx.db, kind);
  if (!rows.length) return { weights: equalWeights(codes), saved: false };
  const saved = new Map(rows.map((r) => [r.indicator, r.weight]));
  // An indicator declared after the weights were saved weighs nothing until the admin weighs it.
  return { weights: new Map(codes.map((c) => [c, saved.get(c) ?? 0])), saved: true };
}

/** Sum tolerance: weights are entered with up to two decimals. */
const EPSILON = 0.005;

export async function saveWeights(
  ctx: AppContext,
  actor: Actor,
  sources: Sources,
  kind: PeriodKind,
  input: { indicator: string; weight: number }[],
): Promise<Weights> {
  const known = new Set(sources.indicators.map((i) => i.code));
  const unknown = input.filter((w) => !known.has(w.indicator)).map((w) => w.indicator);
  if (unknown.length) {
    throw badRequest(
      'SUPERVISION_WEIGHT_UNKNOWN_INDICATOR',
      `Unknown indicators: ${unknown.join(', ')}`,
      `未知的考核指标：${unknown.join('、')}`,
      { field: 'weights', indicators: unknown },
    );
  }
  if (new Set(input.map((w) => w.indicator)).size !== input.length) {
    throw badRequest('SUPERVISION_WEIGHT_DUPLICATE', 'An indicator is weighted twice', '同一指标重复设置了权重', {
      field: 'weights',
    });
  }
  const sum = input.reduce((s, w) => s + w.weight, 0);
  if (Math.abs(sum - 100) > EPSILON) {
    const shown = Math.round(sum * 100) / 100;
    throw badRequest(
      'SUPERVISION_WEIGHTS_SUM',
      `The weights must add up to 100; they add up to ${shown}`,
      `各指标权重之和须为 100，当前为 ${shown}`,
      { field: 'weights', sum: shown },
    );
  }
  const now = ctx.clock.now();
  await inTransaction(ctx, (trx) =>
    repo.replaceWeights(
      trx,
      kind,
      input.map((w) => ({
        period_kind: kind,
        indicator: w.indicator,
        weight: w.weight,
        updated_by: actor.userId,
        updated_at: now,
      })),
    ),
  );
  return weightsFor(ctx, sources, kind);
}

export async function cardThresholds(ctx: AppContext): Promise<CardThresholds> {
  return { ...DEFAULT_CARDS, ...((await getSetting<Partial<CardThresholds>>(ctx.db, CARD_SETTING)) ?? {}) };
}

export async function saveCardThresholds(ctx: AppContext, actor: Actor, t: CardThresholds): Promise<CardThresholds> {
  if (!(t.green > t.yellow)) {
    throw badRequest(
      'SUPERVISION_CARD_THRESHOLDS',
      'The green threshold must be above the yellow one',
      '绿牌分数线须高于黄牌分数线',
      { field: 'green' },
    );
  }
  await putSetting(ctx.db, CARD_SETTING, { green: t.green, yellow: t.yellow }, actor.userId);
  return cardThresholds(ctx);
}
