import type { AppContext } from '../../app-context';
import type { Selectable } from 'kysely';
import type { DownloadMarkTable } from '../../db/types';
import { csvVotes } from './csv-marks';
import { jsonlVotes } from './jsonl-marks';
import { fingerprintKey } from './key';
import { markFromDb, markHex, markToDb, type Vote } from './mark';
import * as repo from './marks-repo';
import { agreement, agreesEnough, maxMismatches, MIN_KNOWN_BITS, tally } from './votes';
import { xlsxVotes } from './xlsx-marks';
import { pdfMarks } from './pdf-marks';
import { ofdMarks, readOfd } from './ofd-marks';

/** A recorded download, as a trace names it. */
export interface TracedDownload {
  mark: string;
  channel: 'grant' | 'open';
  format: string;
  resourceCode: string;
  grantNo: string | null;
  departmentId: string | null;
  departmentName: string | null;
  userId: string | null;
  username: string | null;
  realName: string | null;
  ip: string | null;
  at: Date;
  rows: number | null;
  complete: boolean | null;
}

export interface TraceReport {
  format: 'csv' | 'jsonl' | 'xlsx' | 'pdf' | 'ofd';
  /** Rows that carried a bit. */
  voting: number;
  /** Bits of the mark the rows decide (of 64). */
  knownBits: number;
  /** Marks the file names in its metadata (XLSX properties or hidden sheet). */
  embedded: string[];
  /**
   * matched: one download; ambiguous: more than one; no_match: none recorded fits;
   * too_few_rows: the rows decide too few bits to tell, and no metadata names a download.
   */
  verdict: 'matched' | 'ambiguous' | 'no_match' | 'too_few_rows';
  matches: Array<{ download: TracedDownload; agreeing: number; embedded: boolean }>;
}

const isZip = (b: Buffer) => b.length > 4 && b.readUInt32LE(0) === 0x04034b50;
const isPdf = (b: Buffer) => b.subarray(0, 1024).includes('%PDF-');

/** JSON Lines when the first line that says anything is an object. */
const isJsonl = (text: string) => /^\s*\{/.test(text.replace(/^\uFEFF/, ''));

const downloadOf = (r: Selectable<DownloadMarkTable>): TracedDownload => ({
  mark: markHex(markFromDb(r.mark)),
  channel: r.channel,
  format: r.format,
  resourceCode: r.resource_code,
  grantNo: r.grant_no,
  departmentId: r.department_id,
  departmentName: r.department_name,
  userId: r.user_id,
  username: r.username,
  realName: r.real_name,
  ip: r.ip,
  at: r.created_at,
  rows: r.row_count,
  complete: r.complete,
});

/** Which recorded downloads a file (or a fragment, in any order) came from. */
export async function traceFile(ctx: AppContext, file: Buffer): Promise<TraceReport> {
  const key = await fingerprintKey(ctx);
  let format: TraceReport['format'];
  let votes: Vote[];
  let embedded: bigint[] = [];
  if (isZip(file) && readOfd(file)) {
    // An OFD has no rows either: its document information names the mark.
    format = 'ofd';
    votes = [];
    embedded = ofdMarks(file);
  } else if (isZip(file)) {
    format = 'xlsx';
    ({ votes, embedded } = await xlsxVotes(key, file));
  } else if (isPdf(file)) {
    // A PDF has no rows: its document information names the mark, or nothing does.
    format = 'pdf';
    votes = [];
    embedded = await pdfMarks(file);
  } else {
    const text = file.toString('utf8');
    format = isJsonl(text) ? 'jsonl' : 'csv';
    votes = format === 'jsonl' ? jsonlVotes(key, text) : csvVotes(key, text);
  }
  const t = tally(votes);
  const near =
    t.knownBits >= MIN_KNOWN_BITS
      ? await repo.marksNear(ctx.db, markToDb(t.known), markToDb(t.mask), maxMismatches(t))
      : [];
  const named = await repo.marksIn(ctx.db, embedded.map(markToDb));
  const rows = new Map([...near, ...named].map((r) => [r.mark, r]));
  const embeddedDb = new Set(embedded.map(markToDb));
  const matches = [...rows.values()]
    .map((r) => ({
      download: downloadOf(r),
      agreeing: agreement(votes, markFromDb(r.mark)),
      embedded: embeddedDb.has(r.mark),
    }))
    .filter((m) => m.embedded || agreesEnough(m.agreeing, votes.length, t))
    .sort((a, b) => b.agreeing - a.agreeing);
  const verdict =
    matches.length === 1
      ? 'matched'
      : matches.length > 1
        ? 'ambiguous'
        : t.knownBits < MIN_KNOWN_BITS && format !== 'pdf' && format !== 'ofd'
          ? 'too_few_rows'
          : 'no_match';
  return {
    format,
    voting: votes.length,
    knownBits: t.knownBits,
    embedded: embedded.map(markHex),
    verdict,
    matches,
  };
}
