import type { AppContext } from '../../app-context';
import { badRequest } from '../../platform/errors';
import { traceFile } from '../../platform/fingerprint';
import type { TraceReport } from './trace-schemas';

/** A leaked file is read whole (a spreadsheet has to be): larger ones are cut down to a fragment first. */
export const MAX_TRACE_MB = 50;

/** Art 18: which download a file (or a fragment of at least a few hundred rows) came from. */
export async function traceDownload(
  ctx: AppContext,
  file: AsyncIterable<Buffer>,
  fileName: string,
): Promise<TraceReport> {
  const parts: Buffer[] = [];
  for await (const chunk of file) parts.push(chunk);
  const body = Buffer.concat(parts);
  if (!body.length) throw badRequest('SECURITY_TRACE_EMPTY', 'The file is empty', '文件为空');
  const r = await traceFile(ctx, body);
  return {
    ...r,
    fileName,
    matches: r.matches.map((m) => ({ ...m, download: { ...m.download, at: m.download.at.toISOString() } })),
  };
}
