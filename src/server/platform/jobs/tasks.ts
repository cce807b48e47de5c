import { publishDueVersions } from '../../modules/catalog/changes-service';
import * as objections from '../../modules/catalog/objections-service';
import * as demands from '../../modules/catalog/demands-service';
import * as sharingSteps from '../../modules/sharing/steps-service';
import { expireDueGrants } from '../../modules/sharing/grants-service';
import { PULL_JOB, schedulePulls } from '../../modules/exchange/bindings-service';
import { runPull } from '../../modules/exchange/pull-service';
import { PUSH_JOB, runPush } from '../../modules/exchange/push-service';
import { deleteFinishedJobs, registerJobHandler, registerPeriodicTask } from './service';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The platform's scheduled work, registered once at start (main.ts) before the runner starts.
 * Modules with timers of their own (request deadlines, grant expiry) add their handlers here.
 */
export function registerDefaultTasks(): void {
  // an approved impacting change takes effect at its effective date, not before, not much after.
  registerPeriodicTask('catalog.publish-due', MINUTE, async (ctx) => {
    const n = await publishDueVersions(ctx);
    if (n) ctx.log.info(`catalog: ${n} scheduled version(s) published`);
  });
  // Deadline reminders, scheduled by the services when a deadline is set.
  registerJobHandler(objections.OVERDUE_JOB, objections.remindOverdueObjection);
  registerJobHandler(demands.OVERDUE_JOB, demands.remindOverdueResponsibility);
  // a review step past its deadline is flagged and escalated, once, at the moment it passes.
  registerJobHandler(sharingSteps.OVERDUE_JOB, sharingSteps.flagOverdueStep);
  // grants end after their last valid day (Shanghai date); checked every 10 minutes.
  registerPeriodicTask('sharing.expire-grants', 10 * MINUTE, async (ctx) => {
    const n = await expireDueGrants(ctx);
    if (n) ctx.log.info(`sharing: ${n} grant(s) expired`);
  });
  // a pull asked for by a user or the schedule; it commits batch by batch itself.
  registerJobHandler<{ bindingId: string; mode?: 'full' | 'incremental'; startedBy?: string }>(
    PULL_JOB,
    async (ctx, p) => {
      await runPull(ctx, p.bindingId, { mode: p.mode, startedBy: p.startedBy ?? null });
    },
    { transactional: false, maxAttempts: 1 },
  );
  // a grant's delivery into the consumer's database, after each load or on request.
  registerJobHandler<{ pushId: string; mode?: 'full' | 'incremental'; startedBy?: string }>(
    PUSH_JOB,
    async (ctx, p) => {
      await runPush(ctx, p.pushId, { mode: p.mode, startedBy: p.startedBy ?? null });
    },
    { transactional: false, maxAttempts: 1 },
  );
  registerPeriodicTask('exchange.schedule-pulls', 5 * MINUTE, async (ctx) => {
    const n = await schedulePulls(ctx);
    if (n) ctx.log.info(`exchange: ${n} scheduled pull(s) queued`);
  });
  // Finished jobs are kept a week (failed ones a quarter, for whoever investigates).
  registerPeriodicTask('jobs.cleanup', DAY, async (ctx) => {
    const now = ctx.clock.now().getTime();
    await deleteFinishedJobs(ctx, new Date(now - 7 * DAY), new Date(now - 90 * DAY));
  });
}
