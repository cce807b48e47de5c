import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { findAction, findRecord } from './register-repo';

/** How the audit log names this module's targets: a record by its title, an action by what it asks. */
export const securityAuditTargets: AuditTargetNames = {
  security_record: byUuid(async (ctx, id) => (await findRecord(ctx.db, id))?.title ?? null),
  security_action: byUuid(async (ctx, id) => (await findAction(ctx.db, id))?.description ?? null),
};
