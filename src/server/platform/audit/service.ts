import type { AppContext } from '../../app-context';
import { inTransactionOf } from '../../db/tx';
import { badRequest } from '../errors';
import { getSetting, putSetting } from '../settings/repo';
import { GENESIS_HASH, chainHash } from './chain';
import {
  countUnsealed,
  getAuditHead,
  insertUnsealed,
  sealAndAppend,
  SEAL_STEP,
  scanAuditEvents,
  toRecord,
  type AuditInput,
} from './repo';
import { resolveAuditTarget } from './targets';
import { auditWriter } from './writer';
import { archiveSigningText, writeArchive, type SealedEvent } from './archive';
import { signAsInstance } from '../crypto/instance-keys';
import { droppedRuns } from './checkpoints';

import * as repo from './repo';

export type { AuditFilter } from './repo';

/** The log as its readers see it: sealed first, so the newest events are in it with their links. */
export async function searchAuditEvents(ctx: AppContext, f: repo.AuditFilter, limit: number, offset: number) {
  await sealAuditLog(ctx);
  return repo.searchAuditEvents(ctx.db, f, limit, offset);
}

export async function* streamAuditEvents(ctx: AppContext, f: repo.AuditFilter) {
  await sealAuditLog(ctx);
  yield* repo.streamAuditEvents(ctx.db, f);
}

/**
 * An event as its recorders give it: the time defaults to now, the target's name and parties (provider
 * and consumer department) to its resolver's answer.
 */
export type RecordInput = Omit<AuditInput, 'at' | 'targetName' | 'providerDepartmentId' | 'consumerDepartmentId'> & {
  at?: Date;
  targetName?: string | null;
  providerDepartmentId?: string | null;
  consumerDepartmentId?: string | null;
};

/**
 * The only way anything is written to the audit log. Inside a transaction (ctx.db is one) the event
 * is inserted unsealed and commits or rolls back with the change it records; the sealer chains it
 * once committed. Outside one it joins the chaining writer's next batch, sealed when this resolves.
 * Neither path waits on a lock that other appends hold. The target's name is looked up here, once, and
 * stored with the event: the log says what the target was called then.
 */
/**
 * PostgreSQL's text and jsonb cannot hold U+0000, and a request may carry one (a path parameter, a
 * header, a field): it is recorded as U+FFFD, or the event (and the denial it records) would fail.
 */
function storable<T extends object>(event: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (typeof v === 'string') out[k] = v.replaceAll('\u0000', '\ufffd');
    else if (k === 'detail' && v !== null && v !== undefined) {
      const json = JSON.stringify(v);
      out[k] = json.includes('\\u0000') ? JSON.parse(json.replace(/\\u0000/g, '\\ufffd')) : v;
    } else out[k] = v;
  }
  return out as T;
}

export async function recordAudit(ctx: AppContext, raw: RecordInput): Promise<void> {
  const input = storable(raw);
  const given = input.targetName !== undefined && input.providerDepartmentId !== undefined;
  const found = given ? undefined : await resolveAuditTarget(ctx, input.targetType, input.targetId);
  const event: AuditInput = {
    ...input,
    targetName: input.targetName !== undefined ? input.targetName : (found?.name ?? null),
    providerDepartmentId: input.providerDepartmentId ?? found?.providerDepartmentId ?? null,
    consumerDepartmentId: input.consumerDepartmentId ?? found?.consumerDepartmentId ?? null,
    at: input.at ?? ctx.clock.now(),
  };
  if (ctx.db.isTransaction) await insertUnsealed(ctx.db, [event]);
  else await auditWriter(ctx.db).append(event);
}

/**
 * Chains every event committed so far that is still unsealed; readers of the log call it first so
 * that what they read is the sealed chain. Returns how many it sealed.
 */
export async function sealAuditLog(ctx: AppContext): Promise<number> {
  let total = 0;
  for (;;) {
    const n = (await inTransactionOf(ctx.db, (trx) => sealAndAppend(trx, []))).sealed;
    total += n;
    if (n < SEAL_STEP) return total;
  }
}

/** What a piece of work nobody asked for at that moment did (the job runner, the CLI). */
export interface SystemAuditInput {
  category: AuditInput['category'];
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  targetName?: string | null;
  rowCount?: number | null;
  outcome?: AuditInput['outcome'];
  detail?: unknown;
  /** The department that used the data, when the work was done for one (a grant's delivery). */
  consumerDepartmentId?: string | null;
}

/**
 * Audits work done by the platform itself under a named system operator ('job-runner', 'cli'), so
 * that every data change is in the log whether or not an HTTP request caused it. Runs in ctx.db:
 * inside the caller's transaction the record commits or rolls back with the change it describes.
 */
export async function recordSystemAudit(
  ctx: AppContext,
  operator: string,
  e: SystemAuditInput,
  realName: string | null = null,
): Promise<void> {
  await recordAudit(ctx, {
    userId: null,
    username: operator,
    realName,
    departmentId: null,
    departmentName: null,
    roles: [],
    category: e.category,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    targetName: e.targetName,
    rowCount: e.rowCount ?? null,
    ip: null,
    userAgent: `govshare-${operator}`,
    outcome: e.outcome ?? 'success',
    statusCode: null,
    detail: e.detail ?? null,
    consumerDepartmentId: e.consumerDepartmentId,
  });
}

export type ChainProblemKind = 'modified' | 'missing' | 'repeated' | 'relinked' | 'head_mismatch' | 'checkpoint';
export interface ChainProblem {
  seq: string;
  kind: ChainProblemKind;
  message: string;
}
export interface ChainReport {
  ok: boolean;
  checked: number;
  headSeq: string;
  /** Events committed after the sealing pass that began the verification: not yet in the chain. */
  unsealed: number;
  problems: ChainProblem[];
}

/**
 * Walks the whole chain. A changed row fails its own hash; a deleted row leaves a gap in seq and a
 * link that no longer matches; an inserted row repeats a seq, breaks the next link or runs past the
 * recorded head. A gap is no problem only where the retention job dropped exactly those seq numbers
 * under a checkpoint whose SM2 signature verifies: the next event must then link to the hash the
 * checkpoint recorded for the last of them.
 */
export async function verifyAuditChain(ctx: AppContext, maxProblems = 100): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  const add = (p: ChainProblem) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  await sealAuditLog(ctx);
  const dropped = await droppedRuns(ctx);
  for (const partition of dropped.forged)
    add({ seq: '0', kind: 'checkpoint', message: `the checkpoint of ${partition} does not verify (SM2)` });
  /** Follows dropped runs from `from` as far as they reach: the seq after them and the last one's hash. */
  const skipDropped = (from: bigint) => {
    let at = from;
    let hash: string | undefined;
    for (let run = dropped.byFirst.get(String(at)); run; run = dropped.byFirst.get(String(at))) {
      at = BigInt(run.last) + 1n;
      hash = run.hash;
    }
    return { next: at, hash };
  };
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for await (const row of scanAuditEvents(ctx.db)) {
    checked++;
    const seq = BigInt(row.seq);
    if (seq > expectedSeq) {
      const skipped = skipDropped(expectedSeq);
      if (skipped.hash !== undefined && skipped.next === seq) {
        expectedSeq = seq;
        prevHash = skipped.hash;
      }
    }
    if (seq < expectedSeq) {
      add({ seq: row.seq, kind: 'repeated', message: `seq ${row.seq} appears more than once` });
    } else if (seq !== expectedSeq) {
      add({ seq: row.seq, kind: 'missing', message: `rows ${expectedSeq}..${seq - 1n} are missing` });
    }
    if (row.prev_hash !== prevHash) {
      add({ seq: row.seq, kind: 'relinked', message: 'previous-hash link does not match the row before it' });
    }
    if (chainHash(row.prev_hash, row.seq, toRecord(row)) !== row.hash) {
      add({ seq: row.seq, kind: 'modified', message: 'row content does not match its hash' });
    }
    prevHash = row.hash;
    expectedSeq = seq + 1n;
  }
  // Every event dropped (none kept after the last checkpoint): the chain ends where the checkpoints do.
  const tail = skipDropped(expectedSeq);
  if (tail.hash !== undefined) {
    expectedSeq = tail.next;
    prevHash = tail.hash;
  }
  const head = await getAuditHead(ctx.db);
  if (BigInt(head.seq) !== expectedSeq - 1n || head.hash !== prevHash) {
    add({
      seq: head.seq,
      kind: 'head_mismatch',
      message: `chain ends at seq ${expectedSeq - 1n} but the head records seq ${head.seq}`,
    });
  }
  return { ok: problems.length === 0, checked, headSeq: head.seq, unsealed: await countUnsealed(ctx.db), problems };
}

const RETENTION_KEY = 'audit.retention_months';
export const MIN_RETENTION_MONTHS = 6;

export async function getRetentionMonths(ctx: AppContext): Promise<number> {
  return (await getSetting<number>(ctx.db, RETENTION_KEY)) ?? MIN_RETENTION_MONTHS;
}

/** Art 25: logs are kept at least six months; a shorter setting is refused, here and in the database trigger. */
export async function setRetentionMonths(ctx: AppContext, months: number, userId: string): Promise<void> {
  if (!Number.isInteger(months) || months < MIN_RETENTION_MONTHS) {
    throw badRequest(
      'AUDIT_RETENTION_TOO_SHORT',
      `Audit logs must be kept at least ${MIN_RETENTION_MONTHS} months`,
      `审计日志保留时间不得少于${MIN_RETENTION_MONTHS}个月`,
      { field: 'months' },
    );
  }
  await putSetting(ctx.db, RETENTION_KEY, months, userId);
}

/**
 * Seals in the background every few seconds, so events recorded inside transactions are chained
 * soon even when no reader or writer comes by. Stops with the returned function.
 */
export function startAuditSealer(ctx: AppContext, everyMs = 2_000): () => Promise<void> {
  let current: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    current = sealAuditLog(ctx).catch((e: unknown) =>
      ctx.log.error(`audit sealer: ${e instanceof Error ? e.message : String(e)}`),
    );
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await current;
  };
}

/**
 * The filtered log as a signed archive (archive.ts), newest first like the list: what a department
 * or the auditor exports to keep or hand on, verifiable offline.
 */
export function auditArchive(ctx: AppContext, f: repo.AuditFilter, scope: string, filter: unknown) {
  return writeArchive(
    { createdAt: ctx.clock.now().toISOString(), scope, filter },
    (async function* () {
      for await (const row of streamAuditEvents(ctx, f)) yield sealedEventOf(row);
    })(),
    async (t) => {
      const head = await getAuditHead(ctx.db);
      const trailer = { ...t, head: { seq: String(head.seq), hash: head.hash } };
      const sig = await signAsInstance(ctx, archiveSigningText(trailer));
      return { ...trailer, kid: sig.kid, publicKey: sig.publicKey, signature: sig.signature };
    },
  );
}

export const sealedEventOf = (row: repo.SealedAuditRow): SealedEvent => {
  const { seq: _seq, ...record } = toRecord(row);
  return { seq: row.seq, prevHash: row.prev_hash, hash: row.hash, record };
};
