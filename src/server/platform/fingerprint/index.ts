import type { AppContext } from '../../app-context';
import { fingerprintKey } from './key';
import { markHex, markToDb, newMark } from './mark';
import * as repo from './marks-repo';
import { readPdf, stampPdf } from './pdf-marks';
import { readOfd, stampOfd } from './ofd-marks';
import type { DocumentMarkLabel } from './label';

/**
 * Traceable downloads (Art 18): a download's mark, what it was recorded as, and the file formats'
 * ways of carrying it. The exchange's exports and the open portal's downloads mark what they send
 * (they know who receives it); trace.ts reads a file back to its download.
 */
export { csvMarker } from './csv-marks';
export { markJsonLine } from './jsonl-marks';
export { addMarkSheet, markXlsxRow, markXlsxWorkbook } from './xlsx-marks';
export { traceFile, type TraceReport, type TracedDownload } from './trace';
export type { DocumentMarkLabel } from './label';

/** Who received a download and what it was, as recorded with its mark. */
export interface DownloadSubject {
  channel: 'grant' | 'open';
  format: string;
  resourceCode: string;
  entryId: string;
  grant: { id: string; no: string } | null;
  department: { id: string; name: string | null } | null;
  user: { id: string; username: string; realName: string } | null;
  ip: string | null;
}

/** What a format's writer needs to set each row's bit. */
export interface Fingerprint {
  key: Buffer;
  mark: bigint;
  /** The mark as shown to people (16 hex digits), e.g. in the audit event of the download. */
  hex: string;
}

/** A new mark for a download, recorded before the first byte leaves. */
export async function startDownloadMark(ctx: AppContext, s: DownloadSubject): Promise<Fingerprint> {
  const key = await fingerprintKey(ctx);
  const mark = newMark();
  await repo.insertMark(ctx.db, {
    mark: markToDb(mark),
    channel: s.channel,
    format: s.format,
    resource_code: s.resourceCode,
    entry_id: s.entryId,
    grant_id: s.grant?.id ?? null,
    grant_no: s.grant?.no ?? null,
    department_id: s.department?.id ?? null,
    department_name: s.department?.name ?? null,
    user_id: s.user?.id ?? null,
    username: s.user?.username ?? null,
    real_name: s.user?.realName ?? null,
    ip: s.ip,
    created_at: ctx.clock.now(),
  });
  return { key, mark, hex: markHex(mark) };
}

/** The rows the download sent, once its stream has ended (or was cut short). */
export async function finishDownloadMark(ctx: AppContext, f: Fingerprint, rows: number, complete: boolean) {
  await repo.finishMark(ctx.db, markToDb(f.mark), rows, complete);
}

/**
 * A PDF or OFD leaving under a grant or to a signed-in user, marked on every page and in its document
 * information: null when the file cannot be read as one (nothing is recorded then, and the caller
 * delivers it as stored).
 */
export async function markDocumentDownload(
  ctx: AppContext,
  file: Buffer,
  s: DownloadSubject & { format: 'pdf' | 'ofd' },
  label: Omit<DocumentMarkLabel, 'at'>,
): Promise<{ content: Buffer; mark: string } | null> {
  const at = ctx.clock.now();
  if (s.format === 'pdf') {
    const doc = await readPdf(file);
    if (!doc) return null;
    const fp = await startDownloadMark(ctx, s);
    const content = await stampPdf(doc, fp.mark, { ...label, at });
    await finishDownloadMark(ctx, fp, doc.getPageCount(), true);
    return { content, mark: fp.hex };
  }
  const parts = readOfd(file);
  if (!parts) return null;
  const fp = await startDownloadMark(ctx, s);
  const content = stampOfd(parts, fp.mark, { ...label, at });
  await finishDownloadMark(ctx, fp, 0, true);
  return { content, mark: fp.hex };
}
