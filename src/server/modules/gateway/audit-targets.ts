import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { ALL } from '../../platform/rbac/scope';
import { findSystem } from './systems-repo';

/** How the audit log names this module's targets: a consuming system by its name and app key. */
export const gatewayAuditTargets: AuditTargetNames = {
  gw_system: byUuid(async (ctx, id) => {
    const s = await findSystem(ctx.db, id, ALL);
    return s ? `${s.name}（${s.app_key}）` : null;
  }),
};
