/** Plain-date arithmetic on 'YYYY-MM-DD' strings, and Asia/Shanghai (UTC+8 all year, no DST) conversions. */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar date in Shanghai at an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as Beijing wall-clock time, `2026-12-05 08:06:45`: how exports show times to people. */
export function shanghaiDateTime(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The last millisecond of a date in Shanghai: a deadline "within N working days" ends then. */
export function endOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T23:59:59.999+08:00`));
}

export function isValidDate(date: string): boolean {
  if (!DATE_RE.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/**
 * One calendar month later on the Shanghai calendar (R-07's notice period); a day missing from the
 * next month rolls over (later, never earlier).
 */
export function oneMonthAfter(at: Date): Date {
  const shanghai = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  shanghai.setUTCMonth(shanghai.getUTCMonth() + 1);
  return new Date(shanghai.getTime() - SHANGHAI_OFFSET_MS);
}

/** The same day a year later ('2024-02-29' → '2025-03-01': a missing day rolls over, later, never earlier). */
export function oneYearAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
}
