import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { findFile } from './files-repo';

/** How the audit log names this module's targets: a resource file by its name and version, with its provider. */
export const deliveryAuditTargets: AuditTargetNames = {
  exchange_file: byUuid(async (ctx, id) => {
    const f = await findFile(ctx.db, id);
    return f ? { name: `${f.file_name}（第${f.version_no}版）`, providerDepartmentId: f.department_id } : null;
  }),
};
