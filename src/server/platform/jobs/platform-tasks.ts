import { dropExpiredAuditMonths, ensureAuditPartitions } from '../audit/retention';
import { sendUsageDigests } from '../audit/digest';
import { verifyAndRecordChain } from '../audit/verification';
import { deleteFinishedJobs, registerPeriodicTask } from './service';

const DAY = 24 * 60 * 60_000;

/** The platform's own scheduled work; the modules' is registered from their register() by compose.ts. */
export function registerPlatformTasks(): void {
  // Finished jobs are kept a week (failed ones a quarter, for whoever investigates).
  registerPeriodicTask('jobs.cleanup', DAY, async (ctx) => {
    const now = ctx.clock.now().getTime();
    await deleteFinishedJobs(ctx, new Date(now - 7 * DAY), new Date(now - 90 * DAY));
  });
  // R-42: next months' audit partitions made ahead; months past the retention setting dropped under a signed checkpoint.
  registerPeriodicTask(
    'audit.retention',
    DAY,
    async (ctx) => {
      await ensureAuditPartitions(ctx);
      await dropExpiredAuditMonths(ctx);
    },
    { transactional: false },
  );
  // Art 25: the whole chain walked daily; the compliance view shows when and with what outcome.
  registerPeriodicTask('audit.verify', DAY, async (ctx) => void (await verifyAndRecordChain(ctx)), {
    transactional: false,
  });
  // each department's usage digest of the past month, once, early in the next.
  registerPeriodicTask('audit.digest', DAY, async (ctx) => void (await sendUsageDigests(ctx)), {
    transactional: false,
  });
}
