import type { AppContext } from '../../app-context';
import { getSetting, putSetting } from '../settings/repo';
import { oldestEventAt } from './retention-repo';
import { getRetentionMonths, verifyAuditChain } from './service';

/** The outcome of the last full walk of the chain, for the compliance view (Art 25). */
export interface ChainVerification {
  at: string;
  ok: boolean;
  checked: number;
  problems: number;
}

const LAST_VERIFICATION = 'audit.last_verification';

/** Walks the whole chain and keeps the outcome: the daily task, so that "verified at" is never old. */
export async function verifyAndRecordChain(ctx: AppContext): Promise<ChainVerification> {
  const report = await verifyAuditChain(ctx);
  const outcome = {
    at: ctx.clock.now().toISOString(),
    ok: report.ok,
    checked: report.checked,
    problems: report.problems.length,
  };
  await putSetting(ctx.db, LAST_VERIFICATION, outcome, null);
  return outcome;
}

/** Art 25 as this instance keeps it: the last verification, the oldest event still held, the retention setting. */
export async function auditKeeping(ctx: AppContext) {
  const [lastVerification, oldestEvent, retentionMonths] = await Promise.all([
    getSetting<ChainVerification>(ctx.db, LAST_VERIFICATION),
    oldestEventAt(ctx.db),
    getRetentionMonths(ctx),
  ]);
  return { lastVerification: lastVerification ?? null, oldestEvent, retentionMonths };
}
