import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import * as repo from './repo';

/**
 * Jobs and timers (DESIGN.md "jobs, timers"): a handler per kind, jobs in the job table, claimed
 * with SKIP LOCKED by whichever process polls first. Due times come from ctx.clock, so tests move
 * time instead of waiting.
 */
export type JobHandler<P = any> = (ctx: AppContext, payload: P) => Promise<void>;

export interface HandlerOptions {
  /**
   * Run the handler in one transaction with marking the job done (the default): its writes and the
   * 'done' commit together, so a crash or an error leaves nothing half-done for the retry to repeat.
   * Set false for long work that manages its own transactions; it then runs at least once.
   */
  transactional?: boolean;
  /** Attempts before the job is failed for good (default 5). */
  maxAttempts?: number;
}

interface Registered {
  handler: JobHandler;
  transactional: boolean;
  maxAttempts: number;
}

const handlers = new Map<string, Registered>();
/** Periodic task kind → interval in ms. */
const periodic = new Map<string, number>();

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;
const MAX_ERROR_LENGTH = 2000;

export function registerJobHandler<P = any>(kind: string, handler: JobHandler<P>, opts: HandlerOptions = {}): void {
  handlers.set(kind, {
    handler: handler as JobHandler,
    transactional: opts.transactional ?? true,
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
}

export const periodicKey = (kind: string) => `periodic:${kind}`;

/**
 * A task that runs every `everyMs`, as a chain of jobs: each run schedules the next under one dedupe
 * key, so however many processes run, one instance is pending and each run happens once. A failed
 * run is not retried: the next period is the retry.
 */
export function registerPeriodicTask(
  kind: string,
  everyMs: number,
  handler?: JobHandler<Record<string, never>>,
  opts: Omit<HandlerOptions, 'maxAttempts'> = {},
): void {
  if (!Number.isFinite(everyMs) || everyMs < 1000)
    throw new Error(`periodic task ${kind}: interval must be at least 1000 ms`);
  periodic.set(kind, everyMs);
  if (handler) registerJobHandler(kind, handler, { ...opts, maxAttempts: 1 });
}

export interface ScheduleInput {
  kind: string;
  runAt: Date;
  payload?: unknown;
  /** While a pending job has this key, scheduling it again returns that job instead of adding one. */
  dedupeKey?: string;
  maxAttempts?: number;
}

/** Schedules a job; inside a caller's transaction it commits (or not) with the caller's change. */
export async function scheduleJob(ctx: AppContext, input: ScheduleInput): Promise<{ id: string; created: boolean }> {
  return repo.insertJob(ctx.db, {
    kind: input.kind,
    runAt: input.runAt,
    payload: input.payload ?? {},
    dedupeKey: input.dedupeKey ?? null,
    maxAttempts: input.maxAttempts ?? handlers.get(input.kind)?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    now: ctx.clock.now(),
  });
}

/** Makes sure every registered periodic task has an instance waiting (first start, or after a crash broke a chain). */
export async function ensurePeriodicTasks(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  for (const kind of periodic.keys()) {
    if (handlers.has(kind)) await repo.ensurePeriodic(ctx.db, kind, periodicKey(kind), now, now);
  }
}

/** Waiting time before attempt n+1: 30 s, 1 min, 2 min, … capped at an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** The first slot of the task's grid after `now`, so a late run does not shift later runs. */
function nextSlot(previous: Date, everyMs: number, now: Date): Date {
  const behind = Math.max(0, now.getTime() - previous.getTime());
  return new Date(previous.getTime() + everyMs * (Math.floor(behind / everyMs) + 1));
}

export interface RunSummary {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
  /** Jobs another worker took over (this worker looked dead to it); their outcome is the other's. */
  lost: number;
  recovered: number;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message || e.name : String(e)).slice(0, MAX_ERROR_LENGTH);

/**
 * One pass: puts stale jobs back, claims up to `limit` due jobs of the kinds this process knows and
 * runs them one after another. Safe to call from any number of processes at once.
 */
export async function runDueJobs(
  ctx: AppContext,
  workerId: string,
  limit = 10,
  opts: { staleAfterMs?: number } = {},
): Promise<RunSummary> {
  const start = ctx.clock.now();
  const { revived, failed: staleFailed } = await repo.recoverStale(
    ctx.db,
    new Date(start.getTime() - (opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS)),
    start,
  );
  if (revived || staleFailed)
    ctx.log.warn(`jobs: ${revived} stale job(s) put back, ${staleFailed} failed after their worker stopped`);
  const claimed = await repo.claimDue(ctx.db, [...handlers.keys()], workerId, start, limit);
  claimed.sort((a, b) => a.run_at.getTime() - b.run_at.getTime() || Number(a.id) - Number(b.id));
  const summary: RunSummary = { claimed: claimed.length, done: 0, retried: 0, failed: 0, lost: 0, recovered: revived };

  // The next instance of a periodic task is queued before this one runs, so a crash mid-run cannot end the chain.
  for (const job of claimed) {
    const every = periodic.get(job.kind);
    if (every && job.dedupe_key === periodicKey(job.kind)) {
      await repo.insertJob(ctx.db, {
        kind: job.kind,
        runAt: nextSlot(job.run_at, every, start),
        payload: {},
        dedupeKey: job.dedupe_key,
        maxAttempts: 1,
        now: start,
      });
    }
  }
  for (const job of claimed) summary[await runOne(ctx, workerId, job)]++;
  return summary;
}

/**
 * Runs one job now in this process, when it is still pending: for work a user waits for (an upload
 * being imported), which should not wait for the next poll. Claimed like any other job, so no other
 * worker runs it too; should this process die, the job is still in the table for the others.
 * Null when the job was not pending (another worker took it, or it ran).
 */
export async function runJobNow(
  ctx: AppContext,
  id: string,
  workerId: string,
): Promise<'done' | 'retried' | 'failed' | 'lost' | null> {
  const job = await repo.claimById(ctx.db, id, workerId, ctx.clock.now());
  return job ? runOne(ctx, workerId, job) : null;
}

async function runOne(
  ctx: AppContext,
  workerId: string,
  job: repo.JobRow,
): Promise<'done' | 'retried' | 'failed' | 'lost'> {
  const reg = handlers.get(job.kind);
  try {
    if (!reg) throw new Error(`no handler for job kind ${job.kind}`);
    if (reg.transactional) {
      // Marking done first takes the row lock, so the stale sweep (SKIP LOCKED) cannot hand the job to another worker mid-run.
      const owned = await inTransaction(ctx, async (trx) => {
        if (!(await repo.markDone(trx, job.id, workerId, ctx.clock.now()))) return false;
        await reg.handler({ ...ctx, db: trx }, job.payload);
        return true;
      });
      return owned ? 'done' : 'lost';
    }
    await reg.handler(ctx, job.payload);
    return (await repo.markDone(ctx.db, job.id, workerId, ctx.clock.now())) ? 'done' : 'lost';
  } catch (e) {
    const message = errorText(e);
    const now = ctx.clock.now();
    const outcome = await repo.markFailedAttempt(
      ctx.db,
      job.id,
      workerId,
      message,
      new Date(now.getTime() + retryDelayMs(job.attempts)),
      now,
    );
    ctx.log.warn(`job ${job.id} (${job.kind}) attempt ${job.attempts} failed: ${message}`);
    return outcome === 'retry' ? 'retried' : outcome;
  }
}

export const findJob = (ctx: AppContext, id: string) => repo.findJob(ctx.db, id);
export const listJobs = (ctx: AppContext, f: Parameters<typeof repo.listJobs>[1]) => repo.listJobs(ctx.db, f);
export const deleteFinishedJobs = (ctx: AppContext, doneBefore: Date, failedBefore: Date) =>
  repo.deleteFinishedBefore(ctx.db, doneBefore, failedBefore);
