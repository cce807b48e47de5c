import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { findGrant } from './grants-repo';
import { findRequest } from './requests-repo';

const facts = (r: { no: string; provider_department_id: string; consumer_department_id: string } | undefined) =>
  r
    ? { name: r.no, providerDepartmentId: r.provider_department_id, consumerDepartmentId: r.consumer_department_id }
    : null;

/** How the audit log names this module's targets: requests and grants by their numbers, with both departments. */
export const sharingAuditTargets: AuditTargetNames = {
  share_request: byUuid(async (ctx, id) => facts(await findRequest(ctx.db, id))),
  share_grant: byUuid(async (ctx, id) => facts(await findGrant(ctx.db, id))),
};
