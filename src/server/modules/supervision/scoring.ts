import type { IndicatorKind } from '../../platform/supervision/sources';
import type { CardThresholds } from '../../../shared/supervision/thresholds';

/**
 * The arithmetic of assessment (Art 29), kept pure so that the snapshot job, the card page and the
 * exports agree to the decimal: an indicator's score per department, the weighted department score,
 * its card and its rank.
 */

export type Card = 'red' | 'yellow' | 'green';

export interface RawValue {
  departmentId: string;
  numerator: number;
  denominator: number;
}

const clamp = (n: number) => Math.min(100, Math.max(0, n));
const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Scores of one indicator's values, 0–100: ratio and average are numerator ÷ denominator; volume is
 * measured against the department with the most. Null when there was nothing to measure.
 */
export function indicatorScores(kind: IndicatorKind, values: RawValue[]): (number | null)[] {
  if (kind === 'volume') {
    const max = Math.max(0, ...values.map((v) => v.numerator));
    return values.map((v) => (max > 0 ? round(clamp((v.numerator / max) * 100)) : null));
  }
  return values.map((v) => (v.denominator > 0 ? round(clamp((v.numerator / v.denominator) * 100)) : null));
}

/**
 * Σ weight × score ÷ Σ weight over the indicators the department has a score for: a department is not
 * punished for having nothing to measure (no requests to answer leaves request timeliness out, not 0).
 */
export function departmentScore(scores: { indicator: string; score: number | null }[], weights: Map<string, number>) {
  let sum = 0;
  let total = 0;
  for (const s of scores) {
    const w = weights.get(s.indicator) ?? 0;
    if (s.score === null || w <= 0) continue;
    sum += w * s.score;
    total += w;
  }
  return total > 0 ? round(sum / total) : null;
}

export function cardOf(score: number | null, t: CardThresholds): Card | null {
  if (score === null) return null;
  return score >= t.green ? 'green' : score >= t.yellow ? 'yellow' : 'red';
}

/** Competition ranking (1, 2, 2, 4) by score, highest first; unscored departments have no rank. */
export function ranks(scores: (number | null)[]): (number | null)[] {
  const scored = scores.filter((s): s is number => s !== null);
  return scores.map((s) => (s === null ? null : 1 + scored.filter((o) => o > s).length));
}

/** Equal weights summing to 100 when the admin has saved none (the last one takes the rounding). */
export function equalWeights(codes: string[]): Map<string, number> {
  const each = codes.length ? Math.floor((100 / codes.length) * 100) / 100 : 0;
  return new Map(codes.map((c, i) => [c, i === codes.length - 1 ? round(100 - each * (codes.length - 1)) : each]));
}

/**
 * What pulled a score down: each scored indicator below 100 with the points it cost the department
 * (its share of the weights × what it missed), most costly first.
 */
export function pulledDown(scores: { indicator: string; score: number | null }[], weights: Map<string, number>) {
  const total = scores.reduce((t, s) => t + (s.score !== null ? (weights.get(s.indicator) ?? 0) : 0), 0);
  if (total <= 0) return [];
  return scores
    .filter((s): s is { indicator: string; score: number } => s.score !== null && s.score < 100)
    .map((s) => ({
      indicator: s.indicator,
      score: s.score,
      lost: round(((weights.get(s.indicator) ?? 0) * (100 - s.score)) / total),
    }))
    .filter((r) => r.lost > 0)
    .sort((a, b) => b.lost - a.lost);
}
