import { byUuid, type AuditTargetNames } from '../../platform/audit/targets';
import { entryNameByCode, entryNameById, versionName } from './audit-targets-repo';

/** 企业登记信息（361100/000123）: the name and the code, so that either finds the events. */
const named = (e: { code: string; name: string | null }) => (e.name ? `${e.name}（${e.code}）` : e.code);

type Named = { code: string; name: string | null; provider_department_id: string };
/** The entry's name, and its provider: events about an entry are about that department's data. */
const facts = (e: Named | undefined, suffix = '') =>
  e ? { name: `${named(e)}${suffix}`, providerDepartmentId: e.provider_department_id } : null;

/** How the audit log names this module's targets: entries (by id or code) and versions by name and code. */
export const catalogAuditTargets: AuditTargetNames = {
  catalog_entry: byUuid(async (ctx, id) => facts(await entryNameById(ctx.db, id))),
  catalog_entry_code: async (ctx, code) => facts(await entryNameByCode(ctx.db, code)),
  catalog_version: byUuid(async (ctx, id) => {
    const v = await versionName(ctx.db, id);
    return facts(v, v ? `第${v.version_no}版` : '');
  }),
};
