import { deleteFinishedJobs, registerPeriodicTask } from './service';

const DAY = 24 * 60 * 60_000;

/** The platform's own scheduled work; the modules' is registered from their register() by compose.ts. */
export function registerPlatformTasks(): void {
  // Finished jobs are kept a week (failed ones a quarter, for whoever investigates).
  registerPeriodicTask('jobs.cleanup', DAY, async (ctx) => {
    const now = ctx.clock.now().getTime();
    await deleteFinishedJobs(ctx, new Date(now - 7 * DAY), new Date(now - 90 * DAY));
  });
}
