import type { AppContext } from '../../app-context';
import type { Period, ViolationKind } from '../../../shared/supervision/periods';

/**
 * What a module tells supervision (Chapter 6) about its own facts, knowing nothing of supervision:
 * indicators with the rows behind each value, and detectors of Art 30 violations. The supervision
 * module is handed every module's sources (compose.ts), computes them into snapshots by its jobs and
 * keeps the evidence with each number, so that a value always opens to exactly the rows it counts.
 */

/** One fact behind a value or a violation: a review step, a load, an objection, a health check. */
export interface Evidence {
  /** What it is, stable across runs: '<table>:<id>' (e.g. 'share_review_step:…'). */
  ref: string;
  /** How a person recognises it, in Chinese: '共享申请 GX-2026-0001 · 提供部门审核'. */
  label: string;
  /** When it happened or fell due. */
  at: Date | null;
  /** Whether it counts for the department (answered on time, load done, check passed). */
  ok: boolean;
  /** What makes it so: '逾期 2 个工作日', '应更新 3 次，实际 1 次'. */
  note?: string | null;
  /** The console page that shows it (a web route, e.g. '/sharing/requests/ID'). */
  link?: string | null;
}

/** An indicator's value for one department: numerator ÷ denominator, and what was counted. */
export interface IndicatorValue {
  departmentId: string;
  numerator: number;
  denominator: number;
  evidence: Evidence[];
}

/**
 * ratio: numerator ÷ denominator as 0–100 (share answered on time);
 * average: the same, where the numerator sums scores of 0–1 (mean quality);
 * volume: numerator is an amount (downloads, calls), scored against the department with the most.
 */
export type IndicatorKind = 'ratio' | 'average' | 'volume';

export interface IndicatorDefinition {
  /** Stable: '<module>.<name>', e.g. 'sharing.request_timeliness'. */
  code: string;
  name: string;
  nameEn: string;
  /** How it is computed, for the indicators page: '按期办结的审核环节数 ÷ 到期的审核环节数'. */
  formula: string;
  formulaEn: string;
  /** Where the facts come from: '共享申请的审核环节（平台预审 3 个工作日，提供部门 10 个工作日）'. */
  source: string;
  sourceEn: string;
  kind: IndicatorKind;
  /** Every department with something to measure in the period (others are left out, not scored 0). */
  compute(ctx: AppContext, period: Period): Promise<IndicatorValue[]>;
}

/** A department found in breach, with why. */
export interface ViolationFinding {
  departmentId: string;
  /** One line: '3 个共享审核环节逾期未办'. */
  summary: string;
  evidence: Evidence[];
}

export interface ViolationDetector {
  /** Stable: '<module>.<name>'. */
  code: string;
  kind: ViolationKind;
  name: string;
  nameEn: string;
  /** What is in breach in (or by the end of, for a period still running: by now) the period. */
  detect(ctx: AppContext, period: Period): Promise<ViolationFinding[]>;
}

/** One line of live evidence for an article of the regulation, on the compliance view. */
export interface ArticleFact {
  label: string;
  labelEn: string;
  /** What this instance shows now: '本季度 12 件，3 个工作日内预审 100%'. */
  value: string;
  /** Whether it meets the article; null where the fact only informs. */
  ok: boolean | null;
  link?: string | null;
}

/** What a module can show for one article (e.g. sharing for Art 14). */
export interface ArticleSource {
  article: number;
  facts(ctx: AppContext): Promise<ArticleFact[]>;
}

/** A module's part of supervision. */
export interface SupervisionSource {
  indicators?: IndicatorDefinition[];
  violations?: ViolationDetector[];
  /** Its live evidence for the compliance view (Art 1–32). */
  articles?: ArticleSource[];
}
