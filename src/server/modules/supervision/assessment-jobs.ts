import type { AppContext } from '../../app-context';
import { periodOf, previousPeriod, type PeriodKind } from '../../../shared/supervision/periods';
import { computeSnapshot, needsFinal } from './assessment-service';
import type { Sources } from './sources-registry';

export const ASSESS_JOB = 'supervision.assess';
export const ASSESS_EVERY_MS = 24 * 3600_000;

/**
 * The daily assessment: the running month and quarter recomputed (provisional, so a department sees
 * where it stands), and each month, quarter and year that has ended made final once.
 */
export async function runAssessment(ctx: AppContext, sources: Sources): Promise<string[]> {
  const now = ctx.clock.now();
  const done: string[] = [];
  for (const kind of ['month', 'quarter', 'year'] as PeriodKind[]) {
    const previous = previousPeriod(periodOf(kind, now));
    if (await needsFinal(ctx, previous)) {
      await computeSnapshot(ctx, sources, previous.key, { final: true });
      done.push(`${previous.key} final`);
    }
  }
  for (const kind of ['month', 'quarter'] as PeriodKind[]) {
    const current = periodOf(kind, now);
    await computeSnapshot(ctx, sources, current.key);
    done.push(current.key);
  }
  return done;
}
