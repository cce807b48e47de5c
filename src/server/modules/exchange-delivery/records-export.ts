import { Readable } from 'node:stream';
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
  const out = { format, grantNo, fields: e.columns, stamp: e.stamp, sent };
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
        },
        log,
      );
      return { ...out, contentType: XLSX_TYPE, fileName: `${base}.xlsx`, body };
    }
    case 'jsonl': {
      const body = Readable.from(
        (async function* () {
          // The first line says under which grant the data left the platform (R-19).
          yield `${JSON.stringify({ resource: code, grantNo, notice: e.stamp?.notice ?? null })}\n`;
          for await (const r of counted)
            yield `${JSON.stringify(Object.fromEntries(e.columns.map((f, i) => [titles[i], r[f]])))}\n`;
        })(),
      );
      return { ...out, contentType: 'application/x-ndjson; charset=utf-8', fileName: `${base}.jsonl`, body };
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
      const body = copied ? Readable.from(copied) : csvOfRows(e, head, counted);
      return { ...out, contentType: 'text/csv; charset=utf-8', fileName: `${base}.csv`, body };
    }
  }
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
