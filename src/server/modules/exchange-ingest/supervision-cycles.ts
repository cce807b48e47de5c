import type { UpdateCycle } from '../../../shared/catalog/enums';

/**
 * How many loads an update cycle (R-01 更新周期) expects between two instants: the number of whole
 * cycle windows, in Beijing calendar terms (days from midnight, weeks from Monday, months, quarters,
 * half-years and years from their first day), that begin at or after `start` and end by `end`.
 * A window cut by either end expects nothing yet; real-time and irregular cycles never expect a load.
 */
const H8 = 8 * 3_600_000;
const DAY = 86_400_000;
const MONTHS: Partial<Record<UpdateCycle, number>> = { monthly: 1, quarterly: 3, semiannual: 6, yearly: 12 };

const dayFloor = (t: number) => Math.floor((t + H8) / DAY);
const dayCeil = (t: number) => Math.ceil((t + H8) / DAY);

/** The month a Beijing instant falls in, counted from year 0, and whether it is that month's first instant. */
function monthOf(t: number): { index: number; atStart: boolean } {
  const d = new Date(t + H8);
  return {
    index: d.getUTCFullYear() * 12 + d.getUTCMonth(),
    atStart: d.getUTCDate() === 1 && (t + H8) % DAY === 0,
  };
}

export function expectedLoads(cycle: string, start: Date, end: Date): number {
  const s = start.getTime();
  const e = end.getTime();
  if (e <= s) return 0;
  if (cycle === 'daily') return Math.max(0, dayFloor(e) - dayCeil(s));
  if (cycle === 'weekly') {
    // Day 0 (1970-01-01) was a Thursday: Mondays are the days ≡ 4 (mod 7).
    return Math.max(0, Math.floor((dayFloor(e) - 4) / 7) - Math.ceil((dayCeil(s) - 4) / 7));
  }
  const step = MONTHS[cycle as UpdateCycle];
  if (!step) return 0;
  const a = monthOf(s);
  const first = Math.ceil((a.atStart ? a.index : a.index + 1) / step) * step;
  const last = Math.floor(monthOf(e).index / step) * step;
  return Math.max(0, (last - first) / step);
}
