import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppContext } from '../../app-context';
import { ensurePeriodicTasks, runDueJobs } from './service';

export interface JobRunnerOptions {
  /** Names this process in job.locked_by; unique per process. */
  workerId?: string;
  /** Real time between polls; due times themselves come from ctx.clock. */
  pollMs?: number;
  /** Jobs claimed per pass. */
  batch?: number;
  /** A running job whose worker has been silent this long is put back (a crashed process). */
  staleAfterMs?: number;
}

export interface JobRunner {
  workerId: string;
  /** Stops polling and waits for the pass in progress, so no job is cut off by closing the database. */
  stop(): Promise<void>;
}

/** Passes per poll before yielding, so a flood of due jobs cannot keep one poll busy forever. */
const MAX_PASSES = 20;

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export function startJobRunner(ctx: AppContext, opts: JobRunnerOptions = {}): JobRunner {
  const workerId = opts.workerId ?? defaultWorkerId();
  const pollMs = opts.pollMs ?? 5_000;
  const batch = opts.batch ?? 10;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;

  async function pass(): Promise<void> {
    try {
      await ensurePeriodicTasks(ctx);
      for (let i = 0; i < MAX_PASSES && !stopped; i++) {
        const r = await runDueJobs(ctx, workerId, batch, { staleAfterMs: opts.staleAfterMs });
        if (r.claimed < batch) break;
      }
    } catch (e) {
      // A database hiccup must not end the loop; the next poll tries again.
      ctx.log.error(`job runner ${workerId}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  function loop(): void {
    if (stopped) return;
    current = pass().finally(() => {
      current = undefined;
      if (!stopped) timer = setTimeout(loop, pollMs);
    });
  }
  loop();

  return {
    workerId,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
