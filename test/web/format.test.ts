import { describe, expect, it } from 'vitest';
import { formatCount, formatDateTime, todayShanghai } from '../../src/web/utils/format';

/** What the web app showed before: the platform's ICU formatting in Asia/Shanghai. */
const icu = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

describe('Beijing time in the web app', () => {
  it('formats instants as ICU does in Asia/Shanghai, across midnight, month and year ends', () => {
    for (const iso of [
      '2026-12-05T15:59:59.999Z',
      '2026-12-05T16:00:00Z',
      '2026-12-31T16:30:00Z',
      '2024-02-28T17:00:00+01:00',
      '1992-07-01T00:00:00Z',
      '2038-01-19T03:14:08Z',
    ])
      expect(formatDateTime(iso), iso).toBe(icu.format(new Date(iso)));
  });

  it('shows a dash for nothing and an unreadable value as it came', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('')).toBe('—');
    expect(formatDateTime('not a date')).toBe('not a date');
  });

  it("gives today's date in Shanghai", () => {
    const before = icu.format(new Date()).slice(0, 10);
    const today = todayShanghai();
    expect([before, icu.format(new Date()).slice(0, 10)]).toContain(today);
  });
});

describe('counts in the web app', () => {
  it('groups thousands as zh-CN and en do, and shows nothing for no count', () => {
    for (const n of [0, 7, 999, 1000, 12345, 1234567, -1234567, 100000000, 1234.5])
      expect(formatCount(n), String(n)).toBe(n.toLocaleString('zh-CN'));
    expect(formatCount(null)).toBe('');
    expect(formatCount(undefined)).toBe('');
  });
});
