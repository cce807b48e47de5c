import type { AppContext } from '../../app-context';
import { badRequest } from '../errors';
import { getSetting, putSetting } from '../settings/repo';
import { GENESIS_HASH, chainHash } from './chain';
import { appendAuditEvent, getAuditHead, scanAuditEvents, toRecord, type AuditInput } from './repo';

export { searchAuditEvents, streamAuditEvents, type AuditFilter } from './repo';

/** The only way anything is written to the audit log. */
export async function recordAudit(ctx: AppContext, input: Omit<AuditInput, 'at'> & { at?: Date }): Promise<void> {
  await appendAuditEvent(ctx.db, { ...input, at: input.at ?? ctx.clock.now() });
}

/** What a piece of work nobody asked for at that moment did (the job runner, the CLI). */
export interface SystemAuditInput {
  category: AuditInput['category'];
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  rowCount?: number | null;
  outcome?: AuditInput['outcome'];
  detail?: unknown;
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
    rowCount: e.rowCount ?? null,
    ip: null,
    userAgent: `govshare-${operator}`,
    outcome: e.outcome ?? 'success',
    statusCode: null,
    detail: e.detail ?? null,
  });
}

export type ChainProblemKind = 'modified' | 'missing' | 'relinked' | 'head_mismatch';
export interface ChainProblem {
  seq: string;
  kind: ChainProblemKind;
  message: string;
}
export interface ChainReport {
  ok: boolean;
  checked: number;
  headSeq: string;
  problems: ChainProblem[];
}

/**
 * Walks the whole chain. A changed row fails its own hash; a deleted row leaves a gap in seq and a
 * link that no longer matches; an inserted row breaks the next link or runs past the recorded head.
 */
export async function verifyAuditChain(ctx: AppContext, maxProblems = 100): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  const add = (p: ChainProblem) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for await (const row of scanAuditEvents(ctx.db)) {
    checked++;
    const seq = BigInt(row.seq);
    if (seq !== expectedSeq) {
      add({ seq: row.seq, kind: 'missing', message: `rows ${expectedSeq}..${seq - 1n} are missing` });
    }
    if (row.prev_hash !== prevHash) {
      add({ seq: row.seq, kind: 'relinked', message: 'previous-hash link does not match the row before it' });
    }
    if (chainHash(row.prev_hash, toRecord(row)) !== row.hash) {
      add({ seq: row.seq, kind: 'modified', message: 'row content does not match its hash' });
    }
    prevHash = row.hash;
    expectedSeq = seq + 1n;
  }
  const head = await getAuditHead(ctx.db);
  if (BigInt(head.seq) !== expectedSeq - 1n || head.hash !== prevHash) {
    add({
      seq: head.seq,
      kind: 'head_mismatch',
      message: `chain ends at seq ${expectedSeq - 1n} but the head records seq ${head.seq}`,
    });
  }
  return { ok: problems.length === 0, checked, headSeq: head.seq, problems };
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
