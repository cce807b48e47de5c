import type { AppContext } from '../../app-context';
import { getSetting, putSetting } from '../../platform/settings/repo';
import { periodOf, previousPeriod } from '../../../shared/supervision/periods';
import type { Sources } from './sources-registry';
import { detectViolations } from './violations-service';

export const DETECT_JOB = 'supervision.detect-violations';
export const DETECT_EVERY_MS = 6 * 3600_000;
/** The last ended month whose detection has been closed (run once after the month ended). */
const CLOSED_SETTING = 'supervision.violations.closedPeriod';

/**
 * Runs every detector for the running month (what is in breach by now) and, once after a month has
 * ended, for that month as a whole, so that what happened in its last days is found too.
 */
export async function runDetection(ctx: AppContext, sources: Sources): Promise<string[]> {
  const current = periodOf('month', ctx.clock.now());
  const previous = previousPeriod(current);
  const done: string[] = [];
  const closed = await getSetting<string>(ctx.db, CLOSED_SETTING);
  if (closed === undefined || closed < previous.key) {
    await detectViolations(ctx, sources, previous.key);
    await putSetting(ctx.db, CLOSED_SETTING, previous.key, null);
    done.push(previous.key);
  }
  await detectViolations(ctx, sources, current.key);
  done.push(current.key);
  return done;
}
