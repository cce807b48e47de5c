import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { entryNameByCode, entryNameById, versionName } from './audit-targets-repo';

/** 企业登记信息（361100/000123）: the name and the code, so that either finds the events. */
const named = (e: { code: string; name: string | null } | undefined) =>
  e ? (e.name ? `${e.name}（${e.code}）` : e.code) : null;

/** How the audit log names this module's targets: entries (by id or code) and versions by name and code. */
export const catalogAuditTargets: AuditTargetNames = {
  catalog_entry: byUuid(async (ctx, id) => named(await entryNameById(ctx.db, id))),
  catalog_entry_code: async (ctx, code) => named(await entryNameByCode(ctx.db, code)),
  catalog_version: byUuid(async (ctx, id) => {
    const v = await versionName(ctx.db, id);
    return v ? `${named(v)}第${v.version_no}版` : null;
  }),
};
