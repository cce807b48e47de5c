import type { AppContext } from '../../app-context';
import type { Period } from '../../../shared/supervision/periods';
import {
  DEFAULT_VIOLATION_THRESHOLDS,
  VIOLATION_SETTING,
  type ViolationThresholds,
} from '../../../shared/supervision/thresholds';
import { getSetting } from '../settings/repo';
import type { Evidence, IndicatorValue, ViolationFinding } from './sources';

const DAY = 86_400_000;

/** Where a period's counting stops: its end, or now for a period still running (only what fell due by now). */
export const countedUntil = (ctx: AppContext, p: Period): Date =>
  new Date(Math.min(p.to.getTime(), ctx.clock.now().getTime()));

/** Whole calendar days late, at least one. */
export const lateDays = (due: Date, at: Date): number => Math.max(1, Math.ceil((at.getTime() - due.getTime()) / DAY));

/** The platform admin's violation thresholds over the defaults. */
export async function violationThresholds(ctx: AppContext): Promise<ViolationThresholds> {
  const saved = await getSetting<Partial<ViolationThresholds>>(ctx.db, VIOLATION_SETTING);
  return { ...DEFAULT_VIOLATION_THRESHOLDS, ...saved };
}

/** Sums each department's numerator and denominator with the evidence that makes them up. */
export function valuesByDepartment() {
  const by = new Map<string, IndicatorValue>();
  return {
    add(departmentId: string, numerator: number, denominator: number, evidence: Evidence): void {
      let v = by.get(departmentId);
      if (!v) by.set(departmentId, (v = { departmentId, numerator: 0, denominator: 0, evidence: [] }));
      v.numerator += numerator;
      v.denominator += denominator;
      v.evidence.push(evidence);
    },
    /** One row counted once in the denominator, and in the numerator when it is ok. */
    count(departmentId: string, evidence: Evidence): void {
      this.add(departmentId, evidence.ok ? 1 : 0, 1, evidence);
    },
    values: (): IndicatorValue[] => [...by.values()],
  };
}

/** Gathers each department's evidence into one finding, summarised once all of it is in. */
export function findingsByDepartment() {
  const by = new Map<string, ViolationFinding>();
  return {
    add(departmentId: string, evidence: Evidence): ViolationFinding {
      let f = by.get(departmentId);
      if (!f) by.set(departmentId, (f = { departmentId, summary: '', evidence: [] }));
      f.evidence.push(evidence);
      return f;
    },
    findings(summary?: (f: ViolationFinding) => string): ViolationFinding[] {
      const all = [...by.values()];
      if (summary) for (const f of all) f.summary = summary(f);
      return all;
    },
  };
}

/** A ratio per department from rows of evidence: ok rows over all rows. */
export function ratiosOf(rows: Array<{ departmentId: string; evidence: Evidence }>): IndicatorValue[] {
  const values = valuesByDepartment();
  for (const r of rows) values.count(r.departmentId, r.evidence);
  return values.values();
}

/** A finding per department from rows of evidence, summarised by how many rows it has. */
export function findingsOf(
  rows: Array<{ departmentId: string; evidence: Evidence }>,
  summary: (n: number) => string,
): ViolationFinding[] {
  const found = findingsByDepartment();
  for (const r of rows) found.add(r.departmentId, r.evidence);
  return found.findings((f) => summary(f.evidence.length));
}
