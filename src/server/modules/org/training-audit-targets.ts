import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { findSession } from './training-repo';

/** How the audit log names a training session: its title and day. */
export const trainingAuditTargets: AuditTargetNames = {
  training_session: byUuid(async (ctx, id) => {
    const s = await findSession(ctx.db, id);
    return s ? `${s.title}（${s.held_on}）` : null;
  }),
};
