import { modules } from '../../src/server/compose';
import * as supervision from '../../src/server/modules/supervision';
import type {
  Evidence,
  IndicatorDefinition,
  IndicatorValue,
  ViolationDetector,
  ViolationFinding,
} from '../../src/server/platform/supervision/sources';
import type { ViolationKind } from '../../src/shared/supervision/periods';
import { testApp, type TestApp } from '../helpers/app';

/**
 * The assessment engine under test with indicators and detectors of the tests' own (doubles of the
 * sources contract): the values and findings each period yields are set by the test, everything else
 * (database, HTTP, jobs, files) is real.
 */

export interface FakeIndicator extends IndicatorDefinition {
  /** Values by period key. */
  values: Map<string, IndicatorValue[]>;
}

export function fakeIndicator(code: string, name: string, kind: IndicatorDefinition['kind'] = 'ratio'): FakeIndicator {
  const values = new Map<string, IndicatorValue[]>();
  return {
    code,
    name,
    nameEn: `${code} (en)`,
    formula: `${name}：按期数 ÷ 应办数`,
    formulaEn: 'on time ÷ due',
    source: '测试数据',
    sourceEn: 'test data',
    kind,
    values,
    compute: async (_ctx, period) => values.get(period.key) ?? [],
  };
}

export interface FakeDetector extends ViolationDetector {
  findings: Map<string, ViolationFinding[]>;
}

export function fakeDetector(code: string, kind: ViolationKind): FakeDetector {
  const findings = new Map<string, ViolationFinding[]>();
  return {
    code,
    kind,
    name: code,
    nameEn: code,
    findings,
    detect: async (_ctx, period) => findings.get(period.key) ?? [],
  };
}

/** n evidence rows for a department, the first `ok` of them counting for it. */
export function rows(prefix: string, n: number, ok: number): Evidence[] {
  return Array.from({ length: n }, (_, i) => ({
    ref: `${prefix}:${i}`,
    label: `${prefix} 第${i + 1}条`,
    at: new Date(Date.UTC(2026, 10, 1 + (i % 28))),
    ok: i < ok,
    note: i < ok ? null : '逾期',
    link: `/sharing/requests/${prefix}-${i}`,
  }));
}

export function value(departmentId: string, numerator: number, denominator: number, evidence: Evidence[] = []) {
  return { departmentId, numerator, denominator, evidence };
}

export function engineApp(
  sources: { indicators?: IndicatorDefinition[]; violations?: ViolationDetector[] },
  start?: Date,
): Promise<TestApp> {
  const defs = [...modules().filter((m) => m.name !== 'supervision'), supervision.register({ sources: [sources] })];
  return testApp({}, start, { modules: defs });
}
