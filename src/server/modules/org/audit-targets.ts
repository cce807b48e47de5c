import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { findDepartment } from './departments-repo';
import { findRegion } from './regions-repo';
import { findUser } from './users-repo';

/** How the audit log names this module's targets: a user by real name and account, a department by its name. */
export const orgAuditTargets: AuditTargetNames = {
  user: byUuid(async (ctx, id) => {
    const u = await findUser(ctx.db, id);
    return u ? `${u.real_name}（${u.username}）` : null;
  }),
  department: byUuid(async (ctx, id) => (await findDepartment(ctx.db, id))?.name ?? null),
  region: async (ctx, code) => (await findRegion(ctx.db, code))?.name ?? null,
};
