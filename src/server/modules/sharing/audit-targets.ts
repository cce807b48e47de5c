import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { findGrant } from './grants-repo';
import { findRequest } from './requests-repo';

/** How the audit log names this module's targets: requests and grants by their numbers. */
export const sharingAuditTargets: AuditTargetNames = {
  share_request: byUuid(async (ctx, id) => (await findRequest(ctx.db, id))?.no ?? null),
  share_grant: byUuid(async (ctx, id) => (await findGrant(ctx.db, id))?.no ?? null),
};
