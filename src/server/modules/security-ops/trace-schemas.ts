import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Obj, enumOf } from '../../platform/http/schemas';

/** Download tracing (Art 18): what a leaked file, or a fragment of it, says about its source. */

const Instant = Type.String({ format: 'date-time' });

export const TracedDownload = Obj({
  mark: Type.String({ description: 'the download’s mark, 16 hex digits' }),
  channel: enumOf(
    ['grant', 'open'] as const,
    'grant: a department’s export under a sharing grant; open: the open portal',
  ),
  format: Type.String(),
  resourceCode: Type.String(),
  grantNo: Nullable(Type.String()),
  departmentId: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  userId: Nullable(Type.String()),
  username: Nullable(Type.String()),
  realName: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  at: Instant,
  rows: Nullable(Type.Integer({ description: 'rows the download sent' })),
  complete: Nullable(Type.Boolean()),
});

export const TraceReport = Obj({
  fileName: Type.String(),
  format: enumOf(['csv', 'jsonl', 'xlsx', 'pdf', 'ofd'] as const),
  voting: Type.Integer({ description: 'rows of the file that carry a bit of a mark' }),
  knownBits: Type.Integer({ description: 'bits of the 64-bit mark the rows decide' }),
  embedded: Type.Array(Type.String(), { description: 'marks named by the file’s metadata (XLSX)' }),
  verdict: enumOf(
    ['matched', 'ambiguous', 'no_match', 'too_few_rows'] as const,
    'matched: one download; ambiguous: several; no_match: none recorded; too_few_rows: too few rows to tell',
  ),
  matches: Type.Array(
    Obj({
      download: TracedDownload,
      agreeing: Type.Integer({ description: 'voting rows whose bit agrees with this download’s mark' }),
      embedded: Type.Boolean({ description: 'the file’s metadata names this mark' }),
    }),
  ),
});
export type TraceReport = Static<typeof TraceReport>;
