import { Readable, type Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../app-context';
import { postgresPoolOf } from '../../db/open';
import type { DataCaller } from './data-access';
import type { DeliveryStamp } from '../sharing';
import { publishedVersionOf } from '../catalog';
import * as repo from './records-repo';
import { exportRecords, type RecordsQuery } from './records-service';
import { XLSX_TYPE, xlsxExportStream, type XlsxSheet } from './records-xlsx';
import {
  csvMarker,
  finishDownloadMark,
  markJsonLine,
  startDownloadMark,
  type Fingerprint,
} from '../../platform/fingerprint';

/**
 * R-24 exports as files: which format, which way the rows leave the database (PostgreSQL's COPY when
 * nothing needs masking, else the masking plan), and the body stream. The route only speaks HTTP.
 */

export type ExportFormat = 'csv' | 'jsonl' | 'xlsx';
/** What names the columns of a CSV or JSON Lines export: the data items' names for people, field names for programs. */
export type ExportHeader = 'name' | 'code';

/** The column a CSV export under a grant ends with, on every row: the copy names its grant wherever it goes (R-19). */
const GRANT_COLUMN = { name: '共享授权编号', code: 'grant_no' } as const;

/** Column titles: item names, made unique with the field where two items share a name. */
function titlesOf(e: Export, header: ExportHeader): string[] {
  if (header === 'code') return e.columns;
  const byColumn = new Map(e.access.columns.map((c) => [c.column, c]));
  const names = e.columns.map((f) => byColumn.get(f)?.name ?? f);
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? `${n}（${e.columns[i]}）` : n));
}

export interface ExportDownload {
  format: ExportFormat;
  contentType: string;
  /** The download's file name, extension included (ASCII: resource code and grant number). */
  fileName: string;
  /** Streamed as read: rows are read only as fast as the client takes them. */
  body: Readable;
  stamp: DeliveryStamp | null;
  grantNo: string | null;
  fields: string[];
  /** The rows handed to the body so far, and whether it got all of them. */
  sent: { rows: number; all: boolean };
  /** The download's fingerprint mark (16 hex digits) when the file is marked (Art 18), else null. */
  mark: string | null;
}

/** Who receives an export: the signed-in user the file's fingerprint names (Art 18). */
export interface ExportRecipient {
  userId: string;
  username: string;
  realName: string;
  departmentId: string | null;
  departmentName: string | null;
  ip: string | null;
}

type Export = Awaited<ReturnType<typeof exportRecords>>;

export async function openExport(
  ctx: AppContext,
  actor: DataCaller,
  code: string,
  q: Pick<RecordsQuery, 'fields' | 'filter'> & {
    format?: ExportFormat;
    header?: ExportHeader;
    /** Sheets an XLSX export ends with (ignored by the other formats). */
    appendix?: XlsxSheet[];
    /** Marked when data leaves to another department under a grant, or to a signed-in public user. */
    recipient?: ExportRecipient | null;
  },
  log: Pick<FastifyBaseLogger, 'error'> = ctx.log,
): Promise<ExportDownload> {
  const format = q.format ?? 'csv';
  const header = q.header ?? 'name';
  const e = await exportRecords(ctx, actor, code, q);
  const grantNo = e.access.grant?.no ?? null;
  const titles = titlesOf(e, header);
  const base = `${code.replace('/', '-')}${grantNo ? `-${grantNo}` : ''}`;
  const sent = { rows: 0, all: false };
  const fp = await fingerprintOf(ctx, actor, e, format, q.recipient ?? null);
  const out = { format, grantNo, fields: e.columns, stamp: e.stamp, sent, mark: fp?.hex ?? null };
  const counted = (async function* () {
    for await (const r of e.rows) {
      sent.rows++;
      yield r;
    }
    sent.all = true;
  })();

  switch (format) {
    case 'xlsx': {
      const byColumn = new Map(e.access.columns.map((c) => [c.column, c]));
      const body = xlsxExportStream(
        {
          code,
          name: (await publishedVersionOf(ctx, e.access.entryId))?.name ?? null,
          grantNo,
          notice: e.stamp?.notice ?? null,
          exportedAt: ctx.clock.now(),
          columns: e.columns.map((f) => byColumn.get(f)!),
          rows: counted,
          appendix: q.appendix,
          fingerprint: fp,
        },
        log,
      );
      return { ...out, contentType: XLSX_TYPE, fileName: `${base}.xlsx`, body: finished(ctx, fp, sent, body) };
    }
    case 'jsonl': {
      const line = fp ? (l: string) => markJsonLine(fp.key, fp.mark, l) : (l: string) => l;
      const body = Readable.from(
        (async function* () {
          // The first line says under which grant the data left the platform (R-19).
          yield `${line(JSON.stringify({ resource: code, grantNo, notice: e.stamp?.notice ?? null }))}\n`;
          for await (const r of counted)
            yield `${line(JSON.stringify(Object.fromEntries(e.columns.map((f, i) => [titles[i], r[f]]))))}\n`;
        })(),
      );
      return {
        ...out,
        contentType: 'application/x-ndjson; charset=utf-8',
        fileName: `${base}.jsonl`,
        body: finished(ctx, fp, sent, body),
      };
    }
    case 'csv': {
      const head = { titles, grant: grantNo ? { title: GRANT_COLUMN[header], no: grantNo } : null };
      const copied = csvByCopy(
        ctx,
        e,
        head,
        (n) => (sent.rows += n),
        () => (sent.all = true),
      );
      const plain = copied ? Readable.from(copied) : csvOfRows(e, head, counted);
      const body = fp ? marked(plain, csvMarker(fp.key, fp.mark)) : plain;
      return {
        ...out,
        contentType: 'text/csv; charset=utf-8',
        fileName: `${base}.csv`,
        body: finished(ctx, fp, sent, body),
      };
    }
  }
}

/**
 * Art 18: data leaving its provider for another department (under a grant) or for a signed-in
 * public user is marked with a mark of its own, recorded before the first byte leaves. The
 * provider's and the platform's own exports are not (the data is theirs), nor anonymous portal
 * downloads (no one to name; that data is open to all without conditions).
 */
async function fingerprintOf(
  ctx: AppContext,
  actor: DataCaller,
  e: Export,
  format: ExportFormat,
  to: ExportRecipient | null,
): Promise<Fingerprint | null> {
  const grant = e.access.grant;
  if (!to || (!grant && !actor.portal)) return null;
  return startDownloadMark(ctx, {
    channel: grant ? 'grant' : 'open',
    format,
    resourceCode: e.access.code,
    entryId: e.access.entryId,
    grant: grant ? { id: grant.id, no: grant.no } : null,
    department: grant
      ? { id: grant.consumerDepartmentId, name: grant.consumerDepartmentName }
      : to.departmentId
        ? { id: to.departmentId, name: to.departmentName }
        : null,
    user: { id: to.userId, username: to.username, realName: to.realName },
    ip: to.ip,
  });
}

/** `plain` through the marker, an error on either side ending both. */
function marked(plain: Readable, marker: Transform): Readable {
  plain.on('error', (err) => marker.destroy(err));
  marker.on('close', () => plain.destroy());
  return plain.pipe(marker);
}

/** Records the rows a marked download sent once its body has ended or was cut short. */
function finished(ctx: AppContext, fp: Fingerprint | null, sent: { rows: number; all: boolean }, body: Readable) {
  if (fp)
    body.once('close', () => {
      void finishDownloadMark(ctx, fp, sent.rows, sent.all).catch((err: unknown) =>
        ctx.log.error({ err, mark: fp.hex }, 'download mark not finished'),
      );
    });
  return body;
}

/** A CSV's header line, and the grant column it ends with under a grant. */
interface CsvHead {
  titles: string[];
  grant: { title: string; no: string } | null;
}

/** The masked rows through csv-stringify: BOM, the header line, then the rows. */
function csvOfRows(e: Export, head: CsvHead, rows: AsyncIterable<Record<string, unknown>>): Readable {
  const grant = head.grant;
  const source = Readable.from(
    grant
      ? (async function* () {
          for await (const r of rows) yield { ...r, [GRANT_KEY]: grant.no };
        })()
      : rows,
  );
  const csv = stringify({
    header: true,
    bom: true,
    columns: [
      ...e.columns.map((c, i) => ({ key: c, header: head.titles[i]! })),
      ...(grant ? [{ key: GRANT_KEY, header: grant.title }] : []),
    ],
    cast: { boolean: (b) => (b ? 'true' : 'false'), date: (d) => d.toISOString() },
  });
  source.on('error', (err) => csv.destroy(err));
  // A client gone away stops the reading too.
  csv.on('close', () => source.destroy());
  return source.pipe(csv);
}

/** The grant column's key among a row's fields: not a valid column name, so never a field's. */
const GRANT_KEY = ' grant';

/** A CSV field as csv-stringify writes it: quoted when it holds a comma, quote or line break. */
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * The whole CSV (BOM, header, rows) straight from PostgreSQL's COPY on a connection of the app's
 * pool, when no selected column needs masking or is binary and the server is PostgreSQL; null
 * otherwise (the rows then go through the masking plan and a CSV writer). `counted` hears the rows
 * sent; `done` when all were.
 */
function csvByCopy(
  ctx: AppContext,
  e: Export,
  head: CsvHead,
  counted: (rows: number) => void,
  done: () => void,
): AsyncGenerator<Buffer | string> | null {
  const pool = ctx.dbKind === 'postgresql' ? postgresPoolOf(ctx.db) : undefined;
  const byColumn = new Map(e.access.columns.map((c) => [c.column, c]));
  const selected = e.columns.map((c) => byColumn.get(c)!);
  if (!pool || selected.some((c) => c.rule.code !== 'none' || c.dataType === 'G')) return null;
  const flags = new Set(selected.filter((c) => c.dataType === 'L').map((c) => c.column));
  return (async function* () {
    const titles = head.grant ? [...head.titles, head.grant.title] : head.titles;
    yield `\uFEFF${titles.map(csvField).join(',')}\n`;
    yield* repo.copyCsv(pool, e.plan, flags, counted, head.grant ? [head.grant.no] : []);
    done();
  })();
}
