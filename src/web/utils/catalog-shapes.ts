/** Small readers for catalog answers whose exact envelope varies by endpoint. */

type Loose = Record<string, unknown> | null | undefined;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The version id in a create/change answer: a version, {version}, {versionId} or an entry with `pending`. */
export function versionIdOf(x: unknown): string | null {
  const o = x as Loose;
  if (!o) return null;
  const nested = (k: string) => str((o[k] as Loose)?.['id']);
  if (str(o['versionId'])) return str(o['versionId']);
  if (nested('version')) return nested('version');
  if (nested('pending')) return nested('pending');
  // A version carries entryId; an entry does not.
  if (str(o['entryId']) && str(o['id'])) return str(o['id']);
  return str(o['currentVersionId']);
}

/** Whole days from now until `iso` (negative when past), in Shanghai calendar days. */
export function daysUntil(iso: string, now = new Date()): number {
  const day = (d: Date) => Math.floor((d.getTime() + 8 * 3600_000) / 86_400_000);
  return day(new Date(iso)) - day(now);
}
