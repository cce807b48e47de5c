import { canonicalValue, sm3Hex } from '../crypto/sm3';
import type { AuditOutcome } from './categories';

export const GENESIS_HASH = '0'.repeat(64);

/** One audit event as it is hashed and stored. */
export interface AuditRecord {
  seq: string;
  at: Date;
  userId: string | null;
  username: string | null;
  realName: string | null;
  departmentId: string | null;
  departmentName: string | null;
  roles: string[];
  category: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** The target's human name when the event was written (migration 0017); null in older events. */
  targetName: string | null;
  rowCount: number | null;
  ip: string | null;
  userAgent: string | null;
  outcome: AuditOutcome;
  statusCode: number | null;
  detail: unknown;
  /** The department whose data the event is about, and the one that used it (migration 0034); null when none. */
  providerDepartmentId: string | null;
  consumerDepartmentId: string | null;
}

/**
 * hash_n = SM3(hash_{n-1} ‖ canonical(event_n)): changing, removing or inserting any row breaks every later link.
 * The body is canonicalJson of the field list; only `detail` can hold objects whose keys need sorting, so
 * only it goes through canonicalJson's sorting (the writer hashes every event, and this is its hot path).
 * targetName came later: it is appended only when set, so events written before it hash as they did
 * and their chain still verifies, while a name added, changed or removed afterwards breaks the link.
 * The parties (provider and consumer department) came later still and follow the same rule, as one
 * object so that they can never be read as a name.
 */
export function chainHash(prevHash: string, seq: string, r: Omit<AuditRecord, 'seq'>): string {
  const fields: unknown[] = [
    seq,
    r.at.toISOString(),
    r.userId,
    r.username,
    r.realName,
    r.departmentId,
    r.departmentName,
    r.roles,
    r.category,
    r.action,
    r.targetType,
    r.targetId,
    r.rowCount,
    r.ip,
    r.userAgent,
    r.outcome,
    r.statusCode,
    canonicalValue(r.detail ?? null),
  ];
  if (r.targetName != null) fields.push(r.targetName);
  if (r.providerDepartmentId != null || r.consumerDepartmentId != null)
    fields.push({ c: r.consumerDepartmentId, p: r.providerDepartmentId });
  return sm3Hex(prevHash + JSON.stringify(fields));
}
