import type { AppContext } from '../../app-context';
import { consoleLink } from '../../../shared/console';
import type { Period } from '../../../shared/supervision/periods';
import {
  countedUntil,
  findingsByDepartment,
  findingsOf,
  valuesByDepartment,
  violationThresholds,
} from '../../platform/supervision/evidence';
import type {
  Evidence,
  IndicatorDefinition,
  SupervisionSource,
  ViolationDetector,
} from '../../platform/supervision/sources';
import type { GatewayError } from './gateway-errors';
import * as repo from './supervision-repo';

/**
 * The gateway's part of assessment (Art 29, Art 30 (2) and (4)): how available each department's
 * services were by the gateway's own health checks, and calls refused for falling outside a grant.
 * Health checks run every minute, so evidence is one row per service with its counts.
 */

async function services(ctx: AppContext, period: Period) {
  const { minUptime } = await violationThresholds(ctx);
  const until = countedUntil(ctx, period);
  const rows = await repo.healthByEntry(ctx.db, period.from, until);
  return {
    minUptime,
    rows: rows.map((r) => {
      const checks = Number(r.checks);
      const up = Number(r.up);
      const evidence: Evidence = {
        ref: `catalog_entry:${r.entry_id}`,
        label: `服务接口 · ${r.code}${r.name ? ` ${r.name}` : ''}`,
        at: until,
        ok: up / checks >= minUptime,
        note: `可用 ${up}/${checks} 次检测（${((up / checks) * 100).toFixed(2)}%）`,
        link: consoleLink(`/catalog/entries/${r.entry_id}`),
      };
      return { departmentId: r.provider_department_id, checks, up, evidence };
    }),
  };
}

export const uptime: IndicatorDefinition = {
  code: 'gateway.uptime',
  name: '服务接口可用率',
  nameEn: 'Service availability',
  formula: '本期健康检测正常次数 ÷ 本期健康检测次数（每个服务接口一行：“可用 N/M 次检测”）',
  formulaEn: 'Health checks that found the service up ÷ health checks in the period (one row per service: up N/M)',
  source: '共享网关对本部门服务接口的健康检测（每分钟一次）',
  sourceEn: 'The sharing gateway’s health checks of the department’s service interfaces (every minute)',
  kind: 'ratio',
  async compute(ctx, period) {
    const values = valuesByDepartment();
    for (const s of (await services(ctx, period)).rows) values.add(s.departmentId, s.up, s.checks, s.evidence);
    return values.values();
  },
};

export const down: ViolationDetector = {
  code: 'gateway.down',
  kind: 2,
  name: '服务接口可用率低于阈值',
  nameEn: 'Service availability below the threshold',
  async detect(ctx, period) {
    const { minUptime, rows } = await services(ctx, period);
    const floor = `${(minUptime * 100).toFixed(2)}%`;
    return findingsOf(
      rows.filter((s) => !s.evidence.ok),
      (n) => `${n} 个服务接口可用率低于 ${floor}`,
    );
  },
};

/**
 * Refusals that mean the caller went beyond its grant (Art 30 (4)): no grant, a grant not (or no
 * longer) in force, or outside its method, IP ranges, items or operations. Rate and quota refusals
 * (gw_usage.refused) are traffic limits, not use beyond duties, and are left out.
 */
export const OUTSIDE_GRANT: Partial<Record<GatewayError, string>> = {
  GRANT_NONE: '无共享授权',
  GRANT_EXPIRED: '授权已过期',
  GRANT_REVOKED: '授权已撤销',
  GRANT_NOT_YET_VALID: '授权尚未生效',
  GRANT_METHOD: '超出授权的共享方式',
  GRANT_IP: '超出授权的 IP 范围',
  GRANT_ITEMS: '超出授权的数据项',
  OPERATION_NOT_GRANTED: '超出授权的操作',
};

/** At most this many calls are listed per department; the summary counts them all. */
const MAX_LISTED = 200;

export const outsideGrant: ViolationDetector = {
  code: 'gateway.outside_grant',
  kind: 4,
  name: '超出授权条件调用服务接口',
  nameEn: 'Calls outside a grant’s conditions',
  async detect(ctx, period) {
    const rows = await repo.refusedCalls(
      ctx.db,
      period.from,
      countedUntil(ctx, period),
      Object.keys(OUTSIDE_GRANT),
      MAX_LISTED,
    );
    const found = findingsByDepartment();
    for (const r of rows) {
      const f = found.add(r.department_id, refusalEvidence(r));
      f.summary = `检测到 ${r.total} 次超出授权条件的接口调用`;
    }
    return found.findings();
  },
};

function refusalEvidence(r: Awaited<ReturnType<typeof repo.refusedCalls>>[number]): Evidence {
  const why = OUTSIDE_GRANT[r.error as GatewayError] ?? r.error;
  const q = r.grant_no ?? r.target_name ?? '';
  return {
    ref: `audit_event:${r.id}`,
    label: `接口调用 · ${r.target_name ?? '未知资源'}${r.grant_no ? ` · 授权 ${r.grant_no}` : ''}`,
    at: new Date(r.at),
    ok: false,
    note: why,
    link: consoleLink(
      `/audit?${new URLSearchParams({ departmentId: r.department_id, outcome: 'denied', ...(q ? { q } : {}) }).toString()}`,
    ),
  };
}

export const gatewaySupervision: SupervisionSource = {
  indicators: [uptime],
  violations: [down, outsideGrant],
};

/** Which of these entries have their service registered: the catalog's compilation indicator asks (compose.ts). */
export const entriesWithService = (ctx: AppContext, entryIds: string[]) => repo.entriesWithService(ctx.db, entryIds);
