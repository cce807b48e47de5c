import type { AppContext, Db } from '../../app-context';
import type { ViolationKindNo } from '../../db/types';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { pageBounds } from '../../platform/http/schemas';
import { notify } from '../../platform/notify/service';
import { inScope, scopeOf, type Scope } from '../../platform/rbac/scope';
import type { Evidence } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';
import { periodOf, VIOLATION_KINDS } from '../../../shared/supervision/periods';
import { periodOrThrow } from './assessment-service';
import type { Sources } from './sources-registry';
import * as repo from './violations-repo';
import type { ReportInput, Violation, ViolationDetail } from './violations-schemas';

/**
 * Violations of Art 30 (and 5: no active 数据专员, Art 28). Detectors find them by period; each
 * department, kind and period has one detected violation, whose evidence grows as runs find more and
 * whose status (noticed, rectified, dismissed) stays what people made it. A provider reports use of
 * its data beyond duties (kind 4) itself; each report stands alone.
 */

interface StoredEvidence {
  ref: string;
  label: string;
  at: string | null;
  ok: boolean;
  note: string | null;
  link: string | null;
}

const stored = (e: Evidence): StoredEvidence => ({
  ref: e.ref,
  label: e.label,
  at: e.at ? e.at.toISOString() : null,
  ok: e.ok,
  note: e.note ?? null,
  link: e.link ?? null,
});

const evidenceOf = (v: { evidence: unknown }): StoredEvidence[] =>
  Array.isArray(v.evidence) ? (v.evidence as StoredEvidence[]) : [];

function toViolation(r: repo.ViolationRow): Violation {
  return {
    id: r.id,
    departmentId: r.department_id,
    departmentName: r.department_name,
    kind: r.kind,
    kindName: VIOLATION_KINDS[r.kind].zh,
    periodKey: r.period_key,
    source: r.source,
    summary: r.summary,
    status: r.status,
    detectedAt: r.detected_at.toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    reportedByName: r.reported_by_name ?? null,
    reportedByDepartmentName: r.reported_by_department_name ?? null,
    dismissedByName: r.dismissed_by_name ?? null,
    dismissReason: r.dismiss_reason,
    evidenceCount: evidenceOf(r).length,
  };
}

const toDetail = (r: repo.ViolationRow): ViolationDetail => ({ ...toViolation(r), evidence: evidenceOf(r) });

export const violationScope = (actor: Actor) => scopeOf(actor, 'supervision.department.read');

export async function listViolations(
  ctx: AppContext,
  scope: Scope,
  q: {
    status?: repo.ViolationStatus;
    kind?: number;
    departmentId?: string;
    period?: string;
    page?: number;
    pageSize?: number;
  },
) {
  const p = pageBounds(q);
  const { rows, total } = await repo.listViolations(
    ctx.db,
    scope,
    {
      status: q.status,
      kind: q.kind as ViolationKindNo | undefined,
      departmentId: q.departmentId,
      periodKey: q.period,
    },
    p.limit,
    p.offset,
  );
  return { items: rows.map(toViolation), total, page: p.page, pageSize: p.pageSize };
}

/** Violations by id with their evidence, in detection order; ids not found are left out. */
export async function findViolations(ctx: AppContext, ids: string[]): Promise<ViolationDetail[]> {
  return (await repo.findViolationsByIds(ctx.db, [...new Set(ids)])).map(toDetail);
}

export async function getViolation(ctx: AppContext, scope: Scope, id: string): Promise<ViolationDetail> {
  const [v] = await findViolations(ctx, [id]);
  if (!v || !inScope(scope, v.departmentId)) throw notFound('Violation', '违规线索');
  return v;
}

/**
 * For rectification: violations named in a notice become 'noticed', a closed notice makes them
 * 'rectified', a withdrawn one puts them back to 'open'. Only a violation still open (or noticed, for
 * rectified / reopened) changes; a dismissed one stays dismissed. Returns how many changed.
 */
export async function markViolations(
  db: Db,
  ids: string[],
  status: 'open' | 'noticed' | 'rectified',
  at: Date,
): Promise<number> {
  const from: repo.ViolationStatus[] = status === 'noticed' ? ['open'] : ['open', 'noticed'];
  return repo.setStatus(db, ids, status, status === 'open' ? ['noticed'] : from, at);
}

export async function dismissViolation(ctx: AppContext, actor: Actor, id: string, reason: string) {
  const v = await getViolation(ctx, violationScope(actor), id);
  const changed = await repo.setStatus(ctx.db, [id], 'dismissed', ['open'], ctx.clock.now(), {
    by: actor.userId,
    reason: reason.trim(),
  });
  if (!changed) {
    throw conflict(
      'SUPERVISION_VIOLATION_NOT_OPEN',
      `Only an open violation can be dismissed; this one is ${v.status}`,
      '只能排除待处理的违规线索',
    );
  }
  return getViolation(ctx, violationScope(actor), id);
}

/** Merges findings into the period's detected violations: one per department and kind. */
export async function storeFindings(
  ctx: AppContext,
  periodKey: string,
  findings: { kind: ViolationKindNo; departmentId: string; summary: string; evidence: Evidence[] }[],
): Promise<{ created: number; updated: number }> {
  type Group = {
    kind: ViolationKindNo;
    departmentId: string;
    summaries: string[];
    evidence: Map<string, StoredEvidence>;
  };
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const key = `${f.departmentId}:${f.kind}`;
    const g: Group = groups.get(key) ?? {
      kind: f.kind,
      departmentId: f.departmentId,
      summaries: [],
      evidence: new Map(),
    };
    if (f.summary.trim()) g.summaries.push(f.summary.trim());
    for (const e of f.evidence) g.evidence.set(e.ref, stored(e));
    groups.set(key, g);
  }
  const now = ctx.clock.now();
  return inTransaction(ctx, async (trx) => {
    const existing = await repo.detectedOf(trx, periodKey);
    let created = 0;
    let updated = 0;
    for (const g of groups.values()) {
      const summary = [...new Set(g.summaries)].join('；') || VIOLATION_KINDS[g.kind].zh;
      const old = existing.find((v) => v.department_id === g.departmentId && v.kind === g.kind);
      if (old) {
        // Earlier evidence stays (it was true when found); a row found again is replaced by its latest state.
        const merged = new Map(evidenceOf(old).map((e) => [e.ref, e]));
        for (const [ref, e] of g.evidence) merged.set(ref, e);
        await repo.refreshViolation(trx, old.id, summary, JSON.stringify([...merged.values()]), now);
        updated++;
      } else {
        await repo.insertViolation(trx, {
          department_id: g.departmentId,
          kind: g.kind,
          period_key: periodKey,
          source: 'detected',
          summary,
          evidence: JSON.stringify([...g.evidence.values()]),
          detected_at: now,
          updated_at: now,
          reported_by: null,
          reported_by_department_id: null,
          dismissed_by: null,
          dismiss_reason: null,
        });
        created++;
      }
    }
    return { created, updated };
  });
}

/** Runs every detector for a period and stores what they find. */
export async function detectViolations(ctx: AppContext, sources: Sources, periodKey?: string) {
  const period = periodKey ? periodOrThrow(periodKey) : periodOf('month', ctx.clock.now());
  const findings = [];
  for (const d of sources.detectors) {
    for (const f of await d.detect(ctx, period)) findings.push({ ...f, kind: d.kind });
  }
  return { periodKey: period.key, ...(await storeFindings(ctx, period.key, findings)) };
}

/**
 * A provider reports a consumer's use of its data beyond duties (Art 30 (4)), naming the grant (whose
 * consumer it is) or the consumer; the platform admins are told.
 */
export async function reportMisuse(ctx: AppContext, actor: Actor, input: ReportInput): Promise<ViolationDetail> {
  if (!actor.departmentId) throw forbidden('Only a department can report misuse of its data', '只有部门可以报告');
  let consumerId = input.departmentId;
  const evidence: StoredEvidence[] = [];
  const at = input.occurredOn ? new Date(`${input.occurredOn}T00:00:00+08:00`) : ctx.clock.now();
  if (input.grantId) {
    const g = await repo.grantBetween(ctx.db, input.grantId);
    if (!g || g.provider_department_id !== actor.departmentId) {
      throw badRequest(
        'SUPERVISION_REPORT_GRANT',
        "Name a grant of your own department's data",
        '请选择本部门作为提供方的共享授权',
        { field: 'grantId' },
      );
    }
    if (consumerId && consumerId !== g.consumer_department_id) {
      throw badRequest(
        'SUPERVISION_REPORT_CONSUMER',
        'The grant belongs to another consumer',
        '该授权不属于所选使用部门',
        {
          field: 'departmentId',
        },
      );
    }
    consumerId = g.consumer_department_id;
    evidence.push({
      ref: `share_grant:${g.id}`,
      label: `共享授权 ${g.no} · ${g.entry_name}`,
      at: at.toISOString(),
      ok: false,
      note: input.description.trim(),
      link: consoleLink(`/sharing/grants/${g.id}`),
    });
  }
  if (!consumerId) {
    throw badRequest('SUPERVISION_REPORT_CONSUMER', 'Name the consumer or the grant', '请选择使用部门或共享授权', {
      field: 'departmentId',
    });
  }
  if (consumerId === actor.departmentId) {
    throw badRequest('SUPERVISION_REPORT_SELF', 'A department cannot report itself', '不能报告本部门', {
      field: 'departmentId',
    });
  }
  const consumerName = await repo.departmentExists(ctx.db, consumerId);
  if (consumerName === null) throw notFound('Department', '使用部门');
  if (!evidence.length) {
    evidence.push({
      ref: `report:${actor.departmentId}`,
      label: `${actor.departmentName ?? '提供部门'}的报告`,
      at: at.toISOString(),
      ok: false,
      note: input.description.trim(),
      link: null,
    });
  }
  const now = ctx.clock.now();
  const id = await repo.insertViolation(ctx.db, {
    department_id: consumerId,
    kind: 4,
    period_key: periodOf('month', at).key,
    source: 'reported',
    summary: input.description.trim().slice(0, 500),
    evidence: JSON.stringify(evidence),
    detected_at: now,
    updated_at: now,
    reported_by: actor.userId,
    reported_by_department_id: actor.departmentId,
    dismissed_by: null,
    dismiss_reason: null,
  });
  await notify(
    ctx,
    { role: 'platform_admin' },
    {
      kind: 'supervision.violation.reported',
      title: `${actor.departmentName ?? '提供部门'}报告${consumerName}超出履职需要使用共享数据`,
      body: input.description.trim(),
      link: consoleLink(`/supervision/violations/${id}`),
      payload: { violationId: id },
    },
  );
  const [v] = await findViolations(ctx, [id]);
  return v!;
}
