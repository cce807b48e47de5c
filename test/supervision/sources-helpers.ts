import { afterAll, beforeAll } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { modules } from '../../src/server/compose';
import type { AuditInput } from '../../src/server/platform/audit/repo';
import { parsePeriod, type Period } from '../../src/shared/supervision/periods';
import type { IndicatorValue, ViolationFinding } from '../../src/server/platform/supervision/sources';

/**
 * Shared by the sources tests (issue #16 points 1 and 3): the indicators and violation detectors
 * come from the composed module list, so every test also proves the wiring. The test clock stands at
 * 2026-11-24 10:00 Beijing time: November is a period still running and October is over.
 */

/** A Beijing wall-clock time. */
export const bj = (s: string) => new Date(`${s}+08:00`);
export const NOV = parsePeriod('2026-11')!;
export const OCT = parsePeriod('2026-10')!;

export const sources = modules().flatMap((d) => (d.supervision ? [d.supervision] : []));
export const indicator = (code: string) => {
  const i = sources.flatMap((s) => s.indicators ?? []).find((x) => x.code === code);
  if (!i) throw new Error(`no indicator ${code}`);
  return i;
};
export const detector = (code: string) => {
  const d = sources.flatMap((s) => s.violations ?? []).find((x) => x.code === code);
  if (!d) throw new Error(`no detector ${code}`);
  return d;
};

/** A test app for the file, and the value and finding of one department. */
export function sourcesApp() {
  const h = {
    t: undefined as unknown as TestApp,
    async value(code: string, period: Period, dept: string): Promise<IndicatorValue | undefined> {
      return (await indicator(code).compute(h.t.ctx, period)).find((v) => v.departmentId === dept);
    },
    async finding(code: string, period: Period, dept: string): Promise<ViolationFinding | undefined> {
      return (await detector(code).detect(h.t.ctx, period)).find((f) => f.departmentId === dept);
    },
  };
  beforeAll(async () => {
    h.t = await testApp();
  });
  afterAll(async () => {
    await h.t.close();
  });
  return h;
}

export const refs = (x: { evidence: Array<{ ref: string }> } | undefined) =>
  (x?.evidence.map((e) => e.ref) ?? []).sort();
export const sorted = (a: string[]) => [...a].sort();

/** An audit event as the gateway or the portal writes it. */
export function audit(over: Partial<AuditInput> & Pick<AuditInput, 'at' | 'action'>): AuditInput {
  return {
    userId: null,
    username: null,
    realName: null,
    departmentId: null,
    departmentName: null,
    roles: [],
    category: 'query',
    targetType: null,
    targetId: null,
    targetName: null,
    rowCount: null,
    ip: null,
    userAgent: null,
    outcome: 'success',
    statusCode: 200,
    detail: null,
    providerDepartmentId: null,
    consumerDepartmentId: null,
    ...over,
  };
}
