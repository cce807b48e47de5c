/** Times are shown in Beijing time whatever the browser's zone, matching the server's deadlines. */
const DATE_TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : DATE_TIME.format(d);
}

/** Today's date in Shanghai as YYYY-MM-DD. */
export function todayShanghai(): string {
  return DATE_TIME.format(new Date()).slice(0, 10);
}
