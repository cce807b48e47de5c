import { randomUUID } from 'node:crypto';
import { outsideChangeTransaction } from '../../platform/audit/change-transaction';
import type { RowError } from './excel-parse';

export type ImportStatus = 'validating' | 'importing' | 'done' | 'failed';

/** What the uploader polls: the progress bar is processed / total within the current status. */
export interface ImportState {
  importId: string;
  fileName: string;
  status: ImportStatus;
  /** Entry rows found in the workbook (0 until the file is read). */
  total: number;
  /** Rows checked while validating, drafts created while importing. */
  processed: number;
  errors?: RowError[];
  /** A failure that is not about a cell (unreadable file, database error). */
  error?: { code: string; message: string; messageZh: string };
  created?: Array<{ entryId: string; code: string; name: string }>;
  startedAt: string;
  finishedAt?: string;
}

export const INTERNAL = {
  code: 'INTERNAL',
  message: 'The import failed; nothing was imported',
  messageZh: '导入失败，未导入任何数据',
};

interface Job {
  ownerId: string;
  state: ImportState;
  finishedAtMs?: number;
  running?: Promise<void>;
}

/**
 * Import progress kept in process memory (no schema change for a transient thing). Limitation: with
 * several app processes behind a load balancer, the poll must reach the process that took the upload,
 * and a restart forgets running imports (their transaction rolls back, so nothing half-imported stays).
 * Finished imports are forgotten after `ttlMs`.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly ttlMs = 60 * 60_000) {}

  private sweep(now = Date.now()) {
    for (const [id, j] of this.jobs)
      if (j.finishedAtMs !== undefined && now - j.finishedAtMs > this.ttlMs) this.jobs.delete(id);
  }

  /** The user's import still running, if any: one at a time per user keeps a big upload from being doubled. */
  runningFor(ownerId: string): ImportState | undefined {
    this.sweep();
    return [...this.jobs.values()].find((j) => j.ownerId === ownerId && j.finishedAtMs === undefined)?.state;
  }

  create(ownerId: string, fileName: string, now: Date): ImportState {
    this.sweep();
    const state: ImportState = {
      importId: randomUUID(),
      fileName,
      status: 'validating',
      total: 0,
      processed: 0,
      startedAt: now.toISOString(),
    };
    this.jobs.set(state.importId, { ownerId, state });
    return state;
  }

  /** Runs the import in the background; the promise is kept so shutdown can wait for it. */
  start(importId: string, work: () => Promise<void>): void {
    const job = this.jobs.get(importId);
    if (!job) throw new Error(`unknown import ${importId}`);
    job.running = outsideChangeTransaction(work)
      .catch(() => {
        // work() records its own failures; this only keeps a bug from leaving the poll at "validating".
        Object.assign(job.state, { status: 'failed', error: INTERNAL });
      })
      .finally(() => {
        job.finishedAtMs ??= Date.now();
        job.running = undefined;
      });
  }

  /** Marks the import finished as the poll will see it, so the uploader may start the next one at once. */
  finish(state: ImportState, at: Date, outcome: Pick<ImportState, 'status' | 'errors' | 'error' | 'created'>): void {
    Object.assign(state, outcome, { finishedAt: at.toISOString() });
    const job = this.jobs.get(state.importId);
    if (job) job.finishedAtMs = Date.now();
  }

  /** Only the uploader sees an import; to anyone else it does not exist. */
  get(importId: string, ownerId: string): ImportState | undefined {
    this.sweep();
    const job = this.jobs.get(importId);
    return job && job.ownerId === ownerId ? job.state : undefined;
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.jobs.values()].map((j) => j.running));
  }
}
