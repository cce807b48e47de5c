import { sql, type Generated, type Selectable } from 'kysely';
import type { Db } from '../../app-context';

/** The job table (migration 0005); kept here until db/types.ts lists it, reached through withTables. */
export interface JobTable {
  id: Generated<string>;
  kind: string;
  run_at: Date;
  payload: unknown;
  dedupe_key: string | null;
  status: Generated<'pending' | 'running' | 'done' | 'failed'>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_by: string | null;
  locked_at: Date | null;
  last_error: string | null;
  finished_at: Date | null;
  created_at: Date;
}
export type JobRow = Selectable<JobTable>;

const jobs = (db: Db) => db.withTables<{ job: JobTable }>();

export interface NewJob {
  kind: string;
  runAt: Date;
  payload: unknown;
  dedupeKey: string | null;
  maxAttempts: number;
  now: Date;
}

/**
 * Inserts a pending job; with a dedupe key that already has a pending job, nothing is inserted and
 * the existing job's id is returned. The ON CONFLICT target names the partial unique index.
 */
export async function insertJob(db: Db, j: NewJob): Promise<{ id: string; created: boolean }> {
  const payload = JSON.stringify(j.payload ?? {});
  const inserted = await sql<{ id: string }>`
    insert into job (kind, run_at, payload, dedupe_key, max_attempts, created_at)
    values (${j.kind}, ${j.runAt}, ${payload}::jsonb, ${j.dedupeKey}, ${j.maxAttempts}, ${j.now})
    on conflict (dedupe_key) where status = 'pending' do nothing
    returning id`.execute(db);
  const row = inserted.rows[0];
  if (row) return { id: String(row.id), created: true };
  const existing = await jobs(db)
    .selectFrom('job')
    .select('id')
    .where('dedupe_key', '=', j.dedupeKey)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return { id: existing ? String(existing.id) : '', created: false };
}

/**
 * A periodic task's first instance, unless one is already pending or running: with two processes
 * starting together the unique index lets only one insert win.
 */
export async function ensurePeriodic(
  db: Db,
  kind: string,
  dedupeKey: string,
  runAt: Date,
  now: Date,
): Promise<boolean> {
  const r = await sql`
    insert into job (kind, run_at, payload, dedupe_key, max_attempts, created_at)
    select ${kind}, ${runAt}, '{}'::jsonb, ${dedupeKey}, 1, ${now}
    where not exists (select 1 from job where dedupe_key = ${dedupeKey} and status in ('pending', 'running'))
    on conflict (dedupe_key) where status = 'pending' do nothing`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/**
 * Claims up to `limit` due jobs of the given kinds in one statement. SKIP LOCKED makes concurrent
 * claimers pass over each other's rows instead of waiting or taking the same row.
 */
export async function claimDue(db: Db, kinds: string[], workerId: string, now: Date, limit: number): Promise<JobRow[]> {
  if (!kinds.length || limit < 1) return [];
  const r = await sql<JobRow>`
    update job set status = 'running', locked_by = ${workerId}, locked_at = ${now}, attempts = attempts + 1
    where id in (
      select id from job
      where status = 'pending' and run_at <= ${now} and kind = any(${kinds}::text[])
      order by run_at, id
      limit ${limit}
      for update skip locked
    )
    and status = 'pending'
    returning *`.execute(db);
  return r.rows.map((row) => ({ ...row, id: String(row.id) }));
}

/** Claims one job by id when it is pending (due or not); undefined when another worker has it or it ran. */
export async function claimById(db: Db, id: string, workerId: string, now: Date): Promise<JobRow | undefined> {
  const r = await sql<JobRow>`
    update job set status = 'running', locked_by = ${workerId}, locked_at = ${now}, attempts = attempts + 1
    where id = (select id from job where id = ${id} and status = 'pending' for update skip locked)
    returning *`.execute(db);
  const row = r.rows[0];
  return row && { ...row, id: String(row.id) };
}

/** Marks a claimed job done, only while this worker still holds it; false when the claim was lost. */
export async function markDone(db: Db, id: string, workerId: string, now: Date): Promise<boolean> {
  const r = await jobs(db)
    .updateTable('job')
    .set({ status: 'done', finished_at: now, last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** After a failed attempt: pending again at `retryAt`, or failed for good when attempts are used up. */
export async function markFailedAttempt(
  db: Db,
  id: string,
  workerId: string,
  error: string,
  retryAt: Date,
  now: Date,
): Promise<'retry' | 'failed' | 'lost'> {
  const r = await sql<{ status: 'pending' | 'failed' }>`
    update job set
      status = case when attempts >= max_attempts then 'failed' else 'pending' end,
      run_at = case when attempts >= max_attempts then run_at else ${retryAt} end,
      finished_at = case when attempts >= max_attempts then ${now}::timestamptz else null end,
      last_error = ${error}, locked_by = null, locked_at = null
    where id = ${id} and status = 'running' and locked_by = ${workerId}
    returning status`.execute(db);
  const row = r.rows[0];
  return !row ? 'lost' : row.status === 'failed' ? 'failed' : 'retry';
}

/**
 * Puts jobs whose worker went silent (crashed, killed) back to pending, or fails them when their
 * attempts are used up. A job whose dedupe key already has a pending twin (a periodic task's next
 * run) is failed instead, since two pending rows with one key cannot exist.
 */
export async function recoverStale(db: Db, cutoff: Date, now: Date): Promise<{ revived: number; failed: number }> {
  const r = await sql<{ status: string }>`
    with stale as (
      select id, dedupe_key, attempts, max_attempts from job
      where status = 'running' and locked_at < ${cutoff}
      for update skip locked
    ),
    revive as (
      select distinct on (coalesce(s.dedupe_key, s.id::text)) s.id from stale s
      where s.attempts < s.max_attempts
        and (s.dedupe_key is null or not exists (select 1 from job p where p.dedupe_key = s.dedupe_key and p.status = 'pending'))
      order by coalesce(s.dedupe_key, s.id::text), s.id desc
    )
    update job set
      status = case when job.id in (select id from revive) then 'pending' else 'failed' end,
      finished_at = case when job.id in (select id from revive) then null else ${now}::timestamptz end,
      last_error = 'worker ' || coalesce(job.locked_by, '?') || ' stopped responding while running this job',
      locked_by = null, locked_at = null
    from stale where job.id = stale.id
    returning job.status`.execute(db);
  const revived = r.rows.filter((x) => x.status === 'pending').length;
  return { revived, failed: r.rows.length - revived };
}

export async function findJob(db: Db, id: string): Promise<JobRow | undefined> {
  const row = await jobs(db).selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { ...row, id: String(row.id) };
}

export async function listJobs(
  db: Db,
  f: { kind?: string; status?: JobRow['status']; dedupeKey?: string },
): Promise<JobRow[]> {
  let q = jobs(db).selectFrom('job').selectAll();
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.dedupeKey) q = q.where('dedupe_key', '=', f.dedupeKey);
  return (await q.orderBy('id').execute()).map((row) => ({ ...row, id: String(row.id) }));
}

/** Finished jobs are history only; a periodic task would otherwise add a row a minute forever. */
export async function deleteFinishedBefore(db: Db, doneBefore: Date, failedBefore: Date): Promise<number> {
  const r = await jobs(db)
    .deleteFrom('job')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'done'), eb('finished_at', '<', doneBefore)]),
        eb.and([eb('status', '=', 'failed'), eb('finished_at', '<', failedBefore)]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
