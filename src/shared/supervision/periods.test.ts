import { describe, expect, it } from 'vitest';
import { parsePeriod, periodLabel, periodOf, previousPeriod } from './periods';

describe('assessment periods', () => {
  it('bounds months, quarters and years at Beijing midnight', () => {
    expect(parsePeriod('2026-11')).toMatchObject({
      kind: 'month',
      from: new Date('2026-10-31T16:00:00Z'),
      to: new Date('2026-11-30T16:00:00Z'),
    });
    expect(parsePeriod('2026-Q4')).toMatchObject({
      from: new Date('2026-09-30T16:00:00Z'),
      to: new Date('2026-12-31T16:00:00Z'),
    });
    expect(parsePeriod('2026')).toMatchObject({ to: new Date('2026-12-31T16:00:00Z') });
    for (const bad of ['2026-13', '2026-Q5', '26', '2026-1', '']) expect(parsePeriod(bad), bad).toBeNull();
  });

  it('finds the period of an instant in Beijing time and the one before it', () => {
    // 2026-12-31 20:00 UTC is already 2027-01-01 in Beijing.
    const newYear = new Date('2026-12-31T20:00:00Z');
    expect(periodOf('month', newYear).key).toBe('2027-01');
    expect(periodOf('quarter', newYear).key).toBe('2027-Q1');
    expect(previousPeriod(periodOf('quarter', newYear)).key).toBe('2026-Q4');
    expect(previousPeriod(parsePeriod('2027-01')!).key).toBe('2026-12');
    expect(periodLabel(parsePeriod('2026-Q4')!)).toBe('2026年第4季度');
    expect(periodLabel(parsePeriod('2026-03')!)).toBe('2026年3月');
  });
});
