import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { findApplication } from './applications-repo';

/** How the audit log names this module's targets: an application by its number and dataset, with its provider. */
export const openAuditTargets: AuditTargetNames = {
  open_application: byUuid(async (ctx, id) => {
    const a = await findApplication(ctx.db, id);
    return a
      ? { name: `${a.no}（${a.dataset_name ?? a.dataset_code}）`, providerDepartmentId: a.provider_department_id }
      : null;
  }),
};
