import type { AppContext } from '../../app-context';
import { publish, type EventMap } from '../../platform/events';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { addDays, isValidDate, shanghaiDate } from '../../platform/calendar/dates';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { can } from '../../platform/rbac/permissions';
import type { GrantMasking } from '../../db/types';
import * as repo from './grants-repo';
import { nextNumber } from './requests-repo';
import type { Grant, GrantDetail } from './schemas';
import { inScope, scopeOf } from '../../platform/rbac/scope';
import { defaultTerms, ipAllowed, METHOD_OF_USE, type DataUse, type GrantTerms } from './grant-terms';
import { consoleLink } from '../../../shared/console';

/** grants — who may use what, how and until when — and the one check every data path makes. */

/** Requests and grants a caller sees: the two departments concerned, and the platform. */
export const viewerOf = (actor: Pick<Actor, 'departmentId' | 'roles'>) => scopeOf(actor, 'sharing.grant.read');

/** The provider's specialists and leaders, or the platform, may revoke and renew. */
function mayManage(actor: Pick<Actor, 'departmentId' | 'roles'> | null, providerDepartmentId: string): boolean {
  if (!actor || !can(actor.roles, 'sharing.grant.manage')) return false;
  return inScope(scopeOf(actor, 'sharing.grant.manage'), providerDepartmentId);
}

export function toGrant(r: repo.GrantRow, actor: Pick<Actor, 'departmentId' | 'roles'> | null): Grant {
  const manage = mayManage(actor, r.provider_department_id);
  return {
    id: r.id,
    no: r.no,
    requestId: r.request_id,
    requestNo: r.request_no,
    status: r.status,
    entryId: r.entry_id,
    entryCode: r.entry_code,
    entryName: r.entry_name,
    versionId: r.version_id,
    versionNo: r.version_no,
    consumerDepartmentId: r.consumer_department_id,
    consumerDepartmentName: r.consumer_department_name,
    providerDepartmentId: r.provider_department_id,
    providerDepartmentName: r.provider_department_name,
    systemName: r.system_name,
    purpose: r.purpose,
    items: r.masking.map((m) => ({ id: m.itemId, name: m.name, fieldName: m.fieldName, maskRule: m.maskRule })),
    method: r.method as Grant['method'],
    validFrom: r.valid_from,
    validTo: r.valid_to,
    conditions: r.conditions,
    terms: {
      bulkExport: r.bulk_export,
      dailyRowCap: r.daily_row_cap,
      ipRanges: r.ip_ranges,
      callsPerMinute: r.calls_per_minute,
      dailyCallQuota: r.daily_call_quota,
      operations: r.operations,
    },
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
    revokeReason: r.revoke_reason,
    actions: { revoke: manage && r.status === 'active', renew: manage && r.status !== 'revoked' },
  };
}

export interface NewGrant {
  requestId: string;
  entryId: string;
  versionId: string;
  entryCode: string;
  entryName: string;
  versionNo: number;
  providerDepartmentId: string;
  consumerDepartmentId: string;
  systemName: string;
  purpose: string;
  items: GrantMasking[];
  method: string;
  validFrom: string;
  validTo: string;
  conditions: string | null;
  /** Omitted: the method's defaults (defaultTerms). */
  terms?: GrantTerms;
}

const termsColumns = (t: GrantTerms) => ({
  bulk_export: t.bulkExport,
  daily_row_cap: t.dailyRowCap,
  ip_ranges: t.ipRanges.map((r) => r.trim()),
  calls_per_minute: t.callsPerMinute,
  daily_call_quota: t.dailyCallQuota,
  operations: t.operations,
});

/** Every change of a grant's state is an event for the modules that deliver under it, in the change's transaction. */
const grantChanged = (ctx: AppContext, e: EventMap['sharing.grant.changed']) =>
  publish(ctx, 'sharing.grant.changed', e);

/** Creates a grant inside the caller's transaction (approval or an unconditional request). */
export async function createGrant(ctx: AppContext, g: NewGrant, actorId: string): Promise<string> {
  const now = ctx.clock.now();
  const year = Number(shanghaiDate(now).slice(0, 4));
  const no = `SQ-${year}-${String(await nextNumber(ctx.db, 'grant', year)).padStart(6, '0')}`;
  const id = await repo.insertGrant(ctx.db, {
    no,
    request_id: g.requestId,
    status: 'active',
    entry_id: g.entryId,
    version_id: g.versionId,
    entry_code: g.entryCode,
    entry_name: g.entryName,
    version_no: g.versionNo,
    provider_department_id: g.providerDepartmentId,
    consumer_department_id: g.consumerDepartmentId,
    system_name: g.systemName,
    purpose: g.purpose,
    item_ids: g.items.map((i) => i.itemId),
    masking: JSON.stringify(g.items),
    method: g.method,
    valid_from: g.validFrom,
    valid_to: g.validTo,
    conditions: g.conditions,
    ...termsColumns(g.terms ?? defaultTerms(g.method)),
    created_at: now,
    updated_at: now,
  });
  await repo.insertGrantEvent(ctx.db, {
    grant_id: id,
    kind: 'created',
    at: now,
    actor_id: actorId,
    reason: null,
    detail: JSON.stringify({
      validFrom: g.validFrom,
      validTo: g.validTo,
      method: g.method,
      terms: g.terms ?? defaultTerms(g.method),
    }),
  });
  await grantChanged(ctx, {
    grantId: id,
    entryId: g.entryId,
    consumerDepartmentId: g.consumerDepartmentId,
    change: 'created',
  });
  return id;
}

export async function grantOfRequest(
  ctx: AppContext,
  actor: Pick<Actor, 'departmentId' | 'roles'> | null,
  requestId: string,
): Promise<Grant | null> {
  const r = await repo.grantOfRequest(ctx.db, requestId);
  return r ? toGrant(r, actor) : null;
}

export async function activeGrantOf(ctx: AppContext, actor: Actor, entryId: string): Promise<Grant | null> {
  if (!actor.departmentId) return null;
  const r = await repo.activeGrantFor(ctx.db, actor.departmentId, entryId, shanghaiDate(ctx.clock.now()));
  return r ? toGrant(r, actor) : null;
}

export async function listGrants(ctx: AppContext, actor: Actor, f: repo.GrantFilter, limit: number, offset: number) {
  const { rows, total } = await repo.listGrants(ctx.db, viewerOf(actor), f, limit, offset);
  return { items: rows.map((r) => toGrant(r, actor)), total };
}

export async function getGrant(ctx: AppContext, actor: Actor, id: string): Promise<GrantDetail> {
  const r = await repo.findGrant(ctx.db, id, viewerOf(actor));
  if (!r) throw notFound('Grant', '共享授权');
  const events = await repo.eventsOf(ctx.db, id);
  return {
    ...toGrant(r, actor),
    events: events.map((e) => ({
      kind: e.kind,
      at: e.at.toISOString(),
      actorName: e.actor_name,
      reason: e.reason,
      detail: e.detail ?? null,
    })),
  };
}

const link = (id: string) => consoleLink(`/sharing/grants/${id}`);

/** Tells the consuming department (its specialists and users) what happened to its grant. */
async function tellConsumer(
  ctx: AppContext,
  departmentId: string,
  notice: { kind: string; title: string; body?: string; grantId: string },
) {
  for (const role of ['dept_specialist', 'dept_user', 'dept_leader'] as const) {
    await notify(
      ctx,
      { role, departmentId },
      { kind: notice.kind, title: notice.title, body: notice.body, link: link(notice.grantId) },
    );
  }
}

async function loadManageable(ctx: AppContext, actor: Actor, id: string) {
  const g = await repo.findGrant(ctx.db, id, viewerOf(actor));
  if (!g) throw notFound('Grant', '共享授权');
  if (!mayManage(actor, g.provider_department_id))
    throw forbidden(
      'Only the providing department or the platform manages a grant',
      '只有提供部门或平台管理员可以管理该授权',
    );
  return g;
}

/** the provider or the platform withdraws a grant; a reason is mandatory and goes to the consumer. */
export async function revokeGrant(ctx: AppContext, actor: Actor, id: string, reason: string): Promise<Grant> {
  const why = reason.trim();
  if (!why) throw badRequest('SHARING_REASON_REQUIRED', 'A reason is required', '请填写撤销理由');
  const g = await loadManageable(ctx, actor, id);
  await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const locked = await repo.lockGrant(db, id);
    if (locked?.status !== 'active')
      throw conflict('SHARING_GRANT_NOT_ACTIVE', 'Only an active grant can be revoked', '只有有效的授权可以撤销');
    const now = ctx.clock.now();
    await repo.updateGrant(db, id, {
      status: 'revoked',
      revoked_at: now,
      revoked_by: actor.userId,
      revoke_reason: why,
      updated_at: now,
    });
    await repo.insertGrantEvent(db, {
      grant_id: id,
      kind: 'revoked',
      at: now,
      actor_id: actor.userId,
      reason: why,
      detail: null,
    });
    await grantChanged(t, {
      grantId: id,
      entryId: g.entry_id,
      consumerDepartmentId: g.consumer_department_id,
      change: 'revoked',
    });
    await tellConsumer(t, g.consumer_department_id, {
      kind: 'sharing.grant.revoked',
      title: `共享授权已撤销：${g.entry_name}（${g.no}）`,
      body: why,
      grantId: id,
    });
  });
  return toGrant((await repo.findGrant(ctx.db, id))!, actor);
}

/** R-16 renewal: a later last day; an expired grant becomes active again. */
export async function renewGrant(ctx: AppContext, actor: Actor, id: string, validTo: string): Promise<Grant> {
  const g = await loadManageable(ctx, actor, id);
  const revoked = () =>
    conflict(
      'SHARING_GRANT_REVOKED',
      'A revoked grant cannot be renewed; apply again',
      '已撤销的授权不能续期，请重新申请',
    );
  if (g.status === 'revoked') throw revoked();
  const today = shanghaiDate(ctx.clock.now());
  if (!isValidDate(validTo) || validTo < today || validTo <= g.valid_to) {
    throw badRequest(
      'SHARING_RENEW_DATE',
      'The new last day must be later than the current one and not in the past',
      '续期后的截止日期须晚于原截止日期且不早于今天',
      {
        problems: [
          {
            field: 'validTo',
            code: 'SHARING_RENEW_DATE',
            message: 'Choose a later date',
            messageZh: '请选择更晚的截止日期',
          },
        ],
      },
    );
  }
  await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const locked = await repo.lockGrant(db, id);
    if (!locked || locked.status === 'revoked') throw revoked();
    const now = ctx.clock.now();
    await repo.updateGrant(db, id, { status: 'active', valid_to: validTo, updated_at: now });
    await repo.insertGrantEvent(db, {
      grant_id: id,
      kind: 'renewed',
      at: now,
      actor_id: actor.userId,
      reason: null,
      detail: JSON.stringify({ from: locked.valid_to, to: validTo }),
    });
    await grantChanged(t, {
      grantId: id,
      entryId: g.entry_id,
      consumerDepartmentId: g.consumer_department_id,
      change: 'renewed',
    });
    await tellConsumer(t, g.consumer_department_id, {
      kind: 'sharing.grant.renewed',
      title: `共享授权已续期至 ${validTo}：${g.entry_name}（${g.no}）`,
      grantId: id,
    });
  });
  return toGrant((await repo.findGrant(ctx.db, id))!, actor);
}

/** Job: grants past their last day expire (Shanghai date), each one told to both sides once. */
export async function expireDueGrants(ctx: AppContext): Promise<number> {
  return inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const now = ctx.clock.now();
    const expired = await repo.expireGrants(db, shanghaiDate(now), now);
    for (const g of expired) {
      await repo.insertGrantEvent(db, {
        grant_id: g.id,
        kind: 'expired',
        at: now,
        actor_id: null,
        reason: null,
        detail: JSON.stringify({ validTo: g.valid_to }),
      });
      await grantChanged(t, {
        grantId: g.id,
        entryId: g.entry_id,
        consumerDepartmentId: g.consumer_department_id,
        change: 'expired',
      });
      await tellConsumer(t, g.consumer_department_id, {
        kind: 'sharing.grant.expired',
        title: `共享授权已到期：${g.entry_name}（${g.no}）`,
        grantId: g.id,
      });
    }
    return expired.length;
  });
}

/** A department's active grants in force today (at most 500), e.g. the services it may call (gateway docs). */
export async function grantsInForceOf(ctx: AppContext, departmentId: string): Promise<Grant[]> {
  const today = shanghaiDate(ctx.clock.now());
  const { rows } = await repo.listGrants(
    ctx.db,
    { kind: 'department', departmentId },
    { side: 'consumer', status: 'active' },
    500,
    0,
  );
  return rows.filter((r) => r.valid_from <= today && r.valid_to >= today).map((r) => toGrant(r, null));
}

/** Departments holding an active grant on the entry (they hear of its changes, R-07). */
export const activeGrantDepartments = (ctx: AppContext, entryId: string) =>
  repo.activeGrantDepartments(ctx.db, entryId);

export type GrantRefusal =
  | 'no_grant'
  | 'expired'
  | 'revoked'
  | 'not_yet_valid'
  | 'method_not_allowed'
  | 'export_not_allowed'
  | 'ip_not_allowed'
  | 'items';

export type GrantCheck = { ok: true; grant: Grant } | { ok: false; reason: GrantRefusal; grant: Grant | null };

export interface GrantUse {
  departmentId: string;
  entryId: string;
  /** What the data is taken for; the grant's method must be the one this use needs (METHOD_OF_USE). */
  use: DataUse;
  /** Where the call comes from; checked against the grant's IP ranges. Omitted only by a push, which no one calls. */
  ip?: string | null;
  /** Data items the use touches; omitted = only items the grant covers are delivered. */
  itemIds?: readonly string[];
  /** Defaults to now. */
  at?: Date;
}

/**
 * R-16 "every use checked against an active grant": the one function every data path calls before
 * delivering anything (table sync, file download, API gateway, export). It answers why not, too,
 * so the caller can tell the consumer and the audit log exactly what was refused. The daily row cap
 * is counted as rows go out (reserveGrantRows).
 */
export async function checkGrant(ctx: AppContext, use: GrantUse): Promise<GrantCheck> {
  const today = shanghaiDate(use.at ?? ctx.clock.now());
  const rows = await repo.grantsFor(ctx.db, use.departmentId, use.entryId);
  const inForce = rows.find((g) => g.status === 'active' && g.valid_from <= today && g.valid_to >= today);
  if (!inForce) {
    const latest = rows[0];
    if (!latest) return { ok: false, reason: 'no_grant', grant: null };
    const reason: GrantRefusal =
      latest.status === 'revoked' ? 'revoked' : latest.valid_from > today ? 'not_yet_valid' : 'expired';
    return { ok: false, reason, grant: toGrant(latest, null) };
  }
  const grant = toGrant(inForce, null);
  const refuse = (reason: GrantRefusal): GrantCheck => ({ ok: false, reason, grant });
  if (inForce.method !== METHOD_OF_USE[use.use]) return refuse('method_not_allowed');
  if (use.use === 'export' && !inForce.bulk_export) return refuse('export_not_allowed');
  if (use.use !== 'push' && !ipAllowed(inForce.ip_ranges, use.ip)) return refuse('ip_not_allowed');
  if (use.itemIds?.some((id) => !inForce.item_ids.includes(id))) return refuse('items');
  return { ok: true, grant };
}

const REFUSALS: Record<GrantRefusal | 'row_cap_reached', [string, string]> = {
  no_grant: ['No grant covers this resource', '未获得该资源的共享授权'],
  expired: ['The grant has expired', '共享授权已过期'],
  revoked: ['The grant was revoked', '共享授权已被撤销'],
  not_yet_valid: ['The grant is not valid yet', '共享授权尚未生效'],
  method_not_allowed: [
    "The grant's sharing method does not allow this use (service API: queries; table: push and export; file: downloads)",
    '共享授权的共享方式不允许此用途（服务接口：接口查询；库表：推送和批量导出；文件：文件下载）',
  ],
  export_not_allowed: ['The grant does not allow bulk export', '该共享授权不允许批量导出'],
  ip_not_allowed: [
    'Calls under this grant must come from its permitted IP ranges',
    '该共享授权只允许从指定的 IP 地址范围调用',
  ],
  items: ['The grant does not cover these data items', '共享授权不包含所请求的数据项'],
  row_cap_reached: [
    "The grant's daily row cap is reached; try again tomorrow",
    '已达到该共享授权的每日调用行数上限，请明日再试',
  ],
};

function refusal(reason: keyof typeof REFUSALS): AppError {
  const [en, zh] = REFUSALS[reason];
  return new AppError(403, `SHARING_GRANT_${reason.toUpperCase()}`, en, zh);
}

/** checkGrant for callers that stop on refusal: 403 with a code per reason (SHARING_GRANT_EXPIRED …). */
export async function requireGrant(ctx: AppContext, use: GrantUse): Promise<Grant> {
  const r = await checkGrant(ctx, use);
  if (r.ok) return r.grant;
  throw refusal(r.reason);
}

export interface RowQuota {
  /** Rows the caller may deliver now. */
  rows: number;
  /** Called once with what was delivered: unused rows go back to the day's allowance. */
  settle(delivered: number): Promise<void>;
}

/**
 * The daily row cap (R-16 terms): reserves up to `want` rows of today's allowance before a read, so
 * parallel calls never pass the cap together; `all` refuses unless every row fits (a comparison is
 * answered whole or not at all). A grant without a cap gives what is asked. Refusal: 403
 * SHARING_GRANT_ROW_CAP_REACHED, audited as a denial.
 */
export async function reserveGrantRows(
  ctx: AppContext,
  grant: Grant,
  want: number,
  opts: { all?: boolean } = {},
): Promise<RowQuota> {
  const cap = grant.terms.dailyRowCap;
  if (cap === null) return { rows: want, settle: () => Promise.resolve() };
  const day = shanghaiDate(ctx.clock.now());
  const reserved = await inTransaction(ctx, (db) => repo.reserveRows(db, grant.id, day, want, cap));
  const release = (n: number) => (n > 0 ? repo.releaseRows(ctx.db, grant.id, day, n) : Promise.resolve());
  if (reserved === 0 || (opts.all && reserved < want)) {
    await release(reserved);
    throw refusal('row_cap_reached');
  }
  return { rows: reserved, settle: (delivered) => release(reserved - delivered) };
}

/** The default validity when a request names none: from today for DEFAULT_GRANT_MONTHS. */
export function defaultValidity(today: string, months: number): { from: string; to: string } {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return { from: today, to: addDays(d.toISOString().slice(0, 10), -1) };
}
