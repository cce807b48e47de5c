import { createRequire } from 'node:module';

/**
 * The statutory calendar shipped by `chinese-days`: holidays, 调休 working weekends, by date.
 * Values look like "National Day,国庆节,3".
 */
interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}
const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as ChineseDaysData;

export const BUILTIN_YEARS: ReadonlySet<number> = new Set(Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))));

export interface DayFact {
  isOffDay: boolean;
  name: string | null;
}

function zhName(v: string): string {
  return v.split(',')[1] ?? v;
}

/** What the built-in data says of a day in a covered year; null when the day is ordinary. */
export function builtinSpecialDay(date: string): DayFact | null {
  const h = data.holidays[date];
  if (h) return { isOffDay: true, name: zhName(h) };
  const w = data.workdays[date];
  if (w) return { isOffDay: false, name: `${zhName(w)}调休` };
  return null;
}

export function builtinSpecialDaysOfYear(year: number): Array<DayFact & { date: string }> {
  const out: Array<DayFact & { date: string }> = [];
  for (const [date, v] of Object.entries(data.holidays))
    if (date.startsWith(`${year}-`)) out.push({ date, isOffDay: true, name: zhName(v) });
  for (const [date, v] of Object.entries(data.workdays))
    if (date.startsWith(`${year}-`)) out.push({ date, isOffDay: false, name: `${zhName(v)}调休` });
  return out.sort((a, b) => a.date.localeCompare(b.date));
}
