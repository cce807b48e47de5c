import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { periodLabel } from '../../../shared/supervision/periods';
import { findViolationsByIds } from './violations-repo';
import { snapshotById } from './assessment-repo';
import { periodOrThrow } from './assessment-service';

/** How the audit log names supervision's targets: a snapshot by its period, a violation by department and summary. */
export const supervisionAuditTargets: AuditTargetNames = {
  supervision_snapshot: byUuid(async (ctx, id) => {
    const s = await snapshotById(ctx.db, id);
    return s ? `${periodLabel(periodOrThrow(s.period_key))}考核` : null;
  }),
  supervision_violation: byUuid(async (ctx, id) => {
    const [v] = await findViolationsByIds(ctx.db, [id]);
    return v ? `${v.department_name}：${v.summary.slice(0, 60)}` : null;
  }),
};
