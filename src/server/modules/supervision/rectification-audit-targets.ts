import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { ALL } from '../../platform/rbac/scope';
import { findCircular } from './circular-repo';
import { findNotice } from './rectification-repo';

/**
 * How the audit log names notices and circulars; the notified department is a party to each event,
 * so it finds in its own log what was done about its notices.
 */
export const rectificationAuditTargets: AuditTargetNames = {
  rectification_notice: byUuid(async (ctx, id) => {
    const n = await findNotice(ctx.db, id, ALL);
    return n ? { name: `${n.no} ${n.title}`, providerDepartmentId: n.department_id } : null;
  }),
  circular: byUuid(async (ctx, id) => {
    const c = await findCircular(ctx.db, id);
    return c ? { name: `${c.no} ${c.title}`, providerDepartmentId: c.department_id } : null;
  }),
};
