import type { AppContext } from '../../app-context';
import { badRequest } from '../errors';
import { BUILTIN_YEARS, builtinSpecialDay, builtinSpecialDaysOfYear } from './builtin';
import { addDays, endOfShanghaiDay, isValidDate, shanghaiDate, weekday } from './dates';
import * as repo from './repo';

export type DaySource = 'builtin' | 'import' | 'manual' | 'weekday_rule';
export interface CalendarDay {
  date: string;
  isOffDay: boolean;
  name: string | null;
  source: DaySource;
}

/**
 * Decides each day in a window: an admin's entry (manual or imported) first; then, for a year that
 * was not imported, the built-in statutory data; weekends otherwise.
 */
async function dayResolver(ctx: AppContext, from: string, to: string) {
  const [overrides, imported] = await Promise.all([
    repo.overridesBetween(ctx.db, from, to),
    repo.importedYears(ctx.db),
  ]);
  const byDate = new Map(overrides.map((o) => [o.day, o]));
  const importedYears = new Set(imported);
  return (date: string): CalendarDay => {
    const o = byDate.get(date);
    if (o) return { date, isOffDay: o.is_off_day, name: o.name, source: o.source };
    const year = Number(date.slice(0, 4));
    const wd = weekday(date);
    const weekend = wd === 0 || wd === 6;
    if (!importedYears.has(year) && BUILTIN_YEARS.has(year)) {
      const b = builtinSpecialDay(date);
      if (b) return { date, ...b, source: 'builtin' };
      return { date, isOffDay: weekend, name: null, source: 'builtin' };
    }
    return { date, isOffDay: weekend, name: null, source: importedYears.has(year) ? 'import' : 'weekday_rule' };
  };
}

/**
 * the date n working days after `date` (a 'YYYY-MM-DD' in Shanghai); the start day itself is
 * never counted, 调休 weekend working days are.
 */
export async function addWorkingDays(ctx: AppContext, date: string, n: number): Promise<string> {
  if (!isValidDate(date)) throw badRequest('DATE_INVALID', `Invalid date ${date}`, `日期无效：${date}`);
  if (!Number.isInteger(n) || n < 0 || n > 3650)
    throw badRequest('WORKING_DAYS_INVALID', 'n must be 0..3650', '工作日数须在0到3650之间');
  let cursor = date;
  let left = n;
  while (left > 0) {
    // Windows of 60 days: generous for Spring Festival, few queries for long spans.
    const windowEnd = addDays(cursor, 60);
    const resolve = await dayResolver(ctx, addDays(cursor, 1), windowEnd);
    while (left > 0 && cursor < windowEnd) {
      cursor = addDays(cursor, 1);
      if (!resolve(cursor).isOffDay) left--;
    }
  }
  return cursor;
}

/** The deadline instant for a step that started at `at` and has n working days: end of that day in Shanghai. */
export async function workingDaysDeadline(ctx: AppContext, at: Date, n: number): Promise<Date> {
  return endOfShanghaiDay(await addWorkingDays(ctx, shanghaiDate(at), n));
}

export async function isWorkingDay(ctx: AppContext, date: string): Promise<boolean> {
  return !(await dayResolver(ctx, date, date))(date).isOffDay;
}

/** A year's special days (holidays, 调休 days, admin entries) and where its data comes from. */
export async function yearView(ctx: AppContext, year: number) {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const [overrides, imported] = await Promise.all([
    repo.overridesBetween(ctx.db, from, to),
    repo.importedYears(ctx.db),
  ]);
  const days = new Map<string, CalendarDay>();
  if (!imported.includes(year))
    for (const d of builtinSpecialDaysOfYear(year)) days.set(d.date, { ...d, source: 'builtin' });
  for (const o of overrides) days.set(o.day, { date: o.day, isOffDay: o.is_off_day, name: o.name, source: o.source });
  const source = imported.includes(year) ? 'import' : BUILTIN_YEARS.has(year) ? 'builtin' : 'none';
  return { year, source, days: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)) };
}

/** Deadlines reach into next year from November on (20 working days at most), so both years are needed. */
export function neededYears(ctx: AppContext): number[] {
  const y = Number(shanghaiDate(ctx.clock.now()).slice(0, 4));
  return [y, y + 1];
}

export async function missingYears(ctx: AppContext): Promise<number[]> {
  const imported = new Set(await repo.importedYears(ctx.db));
  return neededYears(ctx).filter((y) => !imported.has(y) && !BUILTIN_YEARS.has(y));
}

export async function calendarWarnings(ctx: AppContext) {
  return (await missingYears(ctx)).map((y) => ({
    code: 'CALENDAR_YEAR_MISSING',
    message: `No holiday calendar for ${y}: deadlines in ${y} count weekends only. Import the year's schedule (Calendar page or govshare calendar import).`,
    messageZh: `缺少${y}年节假日安排：${y}年的期限暂按周末计算，请在工作日历页面或用 govshare calendar import 导入。`,
  }));
}

export interface YearImport {
  year: number;
  days: Array<{ name: string; date: string; isOffDay: boolean }>;
}

/** Imports a year in the {year, days: [{name, date, isOffDay}]} format used by the public holiday-cn data. */
export async function importYear(ctx: AppContext, input: YearImport, userId: string | null): Promise<number> {
  const errors: Array<{ index: number; message: string; messageZh: string }> = [];
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) {
    throw badRequest('CALENDAR_YEAR_INVALID', 'year must be between 2000 and 2100', '年份须在2000至2100之间', {
      field: 'year',
    });
  }
  const seen = new Set<string>();
  input.days.forEach((d, index) => {
    if (!isValidDate(d.date))
      errors.push({ index, message: `invalid date "${d.date}"`, messageZh: `日期“${d.date}”无效` });
    else if (!d.date.startsWith(`${input.year}-`))
      errors.push({ index, message: `${d.date} is not in ${input.year}`, messageZh: `${d.date}不属于${input.year}年` });
    else if (seen.has(d.date)) errors.push({ index, message: `${d.date} appears twice`, messageZh: `${d.date}重复` });
    seen.add(d.date);
  });
  if (errors.length)
    throw badRequest(
      'CALENDAR_IMPORT_INVALID',
      'The calendar file has invalid days; nothing was imported',
      '日历文件存在错误，未导入任何数据',
      { errors },
    );
  await repo.replaceImportedYear(
    ctx.db,
    input.year,
    input.days.map((d) => ({ date: d.date, isOffDay: d.isOffDay, name: d.name || null })),
    userId,
  );
  return input.days.length;
}

/** A day the schema's pattern lets through but the calendar does not have (2026-02-30, 5711-59-61). */
function assertDay(date: string): void {
  if (!isValidDate(date))
    throw badRequest('DATE_INVALID', `Invalid date ${date}`, `日期无效：${date}`, { field: 'date' });
}

export async function setDay(ctx: AppContext, date: string, isOffDay: boolean, name: string | null, userId: string) {
  assertDay(date);
  await repo.upsertManualDay(ctx.db, date, isOffDay, name, userId);
}

export async function clearDay(ctx: AppContext, date: string) {
  assertDay(date);
  return repo.deleteDay(ctx.db, date);
}
