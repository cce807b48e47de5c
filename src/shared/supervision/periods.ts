/**
 * Assessment periods (Art 29): a month '2026-11', a quarter '2026-Q4' or a year '2026', bounded in
 * Beijing time. Pure: the server computes snapshots for them, the web names and picks them.
 */
export type PeriodKind = 'month' | 'quarter' | 'year';

export interface Period {
  key: string;
  kind: PeriodKind;
  /** First instant of the period (Beijing midnight). */
  from: Date;
  /** First instant after it. */
  to: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const YEAR = /^(\d{4})$/;

/** Beijing midnight of the first day of a month (month 1–12; 13 is next January). */
const beijingMonthStart = (year: number, month: number) => new Date(Date.UTC(year, month - 1, 1) - 8 * 3600_000);

const period = (key: string, kind: PeriodKind, year: number, firstMonth: number, months: number): Period => ({
  key,
  kind,
  from: beijingMonthStart(year, firstMonth),
  to: beijingMonthStart(year, firstMonth + months),
});

/** The period a key names, or null for anything else. */
export function parsePeriod(key: string): Period | null {
  let m = MONTH.exec(key);
  if (m) return period(key, 'month', Number(m[1]), Number(m[2]), 1);
  m = QUARTER.exec(key);
  if (m) return period(key, 'quarter', Number(m[1]), (Number(m[2]) - 1) * 3 + 1, 3);
  m = YEAR.exec(key);
  if (m) return period(key, 'year', Number(m[1]), 1, 12);
  return null;
}

/** The period of a kind that holds an instant. */
export function periodOf(kind: PeriodKind, at: Date): Period {
  const beijing = new Date(at.getTime() + 8 * 3600_000);
  const year = beijing.getUTCFullYear();
  const month = beijing.getUTCMonth() + 1;
  if (kind === 'year') return parsePeriod(String(year))!;
  if (kind === 'quarter') return parsePeriod(`${year}-Q${Math.ceil(month / 3)}`)!;
  return parsePeriod(`${year}-${String(month).padStart(2, '0')}`)!;
}

/** The period just before one of the same kind. */
export function previousPeriod(p: Period): Period {
  return periodOf(p.kind, new Date(p.from.getTime() - 1));
}

/** '2026年11月', '2026年第4季度', '2026年'. */
export function periodLabel(p: Period): string {
  if (p.kind === 'year') return `${p.key}年`;
  if (p.kind === 'quarter') return `${p.key.slice(0, 4)}年第${p.key.slice(6)}季度`;
  return `${p.key.slice(0, 4)}年${Number(p.key.slice(5))}月`;
}

/** Art 30 (1)–(4), and 5: a department without an active 数据专员 (Art 28). */
export const VIOLATION_KINDS = {
  1: { zh: '未按要求编制或更新政务信息资源目录', en: 'Catalog not compiled or not updated as required' },
  2: { zh: '未按要求提供或所提供资源不符合要求、无法使用', en: 'Resources not provided, non-conforming or unusable' },
  3: { zh: '未按时处理共享、开放申请或异议', en: 'Requests, objections or applications not handled in time' },
  4: { zh: '超出履职需要使用共享信息', en: 'Shared information used beyond official duties' },
  5: { zh: '未明确数据专员', en: 'No active data specialist' },
} as const;

export type ViolationKind = keyof typeof VIOLATION_KINDS;
