import type { Readable } from 'node:stream';
import type { ExchangeSourceKind, ExchangeSourceOptions } from '../../../db/types';

/** What a connector needs to reach a source; the password is plain here and only in memory. */
export interface ConnectionParams {
  kind: ExchangeSourceKind;
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  options: ExchangeSourceOptions;
}

export interface TestResult {
  ok: boolean;
  serverVersion: string | null;
  /** English; the zh text and stable code come with a failure. */
  message: string;
  messageZh: string;
  code: string | null;
}

export interface SourceTable {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  /** The server's statistics estimate; null when it has none (views, never analyzed). */
  rowEstimate: number | null;
}

export interface SourceColumn {
  name: string;
  /** The source's own type text (character varying(50), int(11), …). */
  dataType: string;
  nullable: boolean;
  isKey: boolean;
  /** The column's comment: often the Chinese item name, which helps map it. */
  comment: string | null;
}

export interface TableRef {
  schema: string;
  name: string;
}

/**
 * One page of a keyset scan: rows after `after` in (watermark, key) order. Identifiers must have
 * been checked against describe() by the caller; the connectors quote them as well.
 */
export interface BatchRequest {
  table: TableRef;
  columns: readonly string[];
  keyColumns: readonly string[];
  /** Incremental pulls order by this (not null, only ever increasing) column first. */
  watermarkColumn?: string | null;
  after?: { key: readonly unknown[]; watermark?: unknown } | null;
  limit: number;
  /** Newest first (no `after`): the high-water mark a full pull records for the incremental ones after it. */
  descending?: boolean;
}

/** One source database, read-only, opened for one task and closed after it. */
export interface SourceConnector {
  test(): Promise<TestResult>;
  listTables(): Promise<SourceTable[]>;
  describe(table: TableRef): Promise<SourceColumn[]>;
  readBatch(req: BatchRequest): Promise<Array<Record<string, unknown>>>;
  /**
   * Every row after `req.after` in key order, as arrays in `req.columns` order, in batches of
   * `req.limit`: one streamed query where the server can (MySQL), keyset pages otherwise. The next
   * batch is read while the caller works on this one; a batch is never held longer than asked for.
   */
  scan(req: BatchRequest): AsyncIterable<unknown[][]>;
  /**
   * scan() with each batch already written as COPY text by `plan`, for a full pull into PostgreSQL:
   * where a source can hand over its rows' bytes (MySQL), nothing is decoded into JavaScript values.
   */
  scanCopy?(req: BatchRequest, plan: CopyPlan): AsyncIterable<CopyBatch>;
  count(table: TableRef): Promise<number>;
  close(): Promise<void>;
}

/**
 * How a scan writes one source value into COPY text for the column it fills:
 * - text: its text as it is (C, M items; an empty string stays one);
 * - flag: true for 1, t, true or a bit set, false otherwise (L items);
 * - value: its text, with an empty string or zero date as null (numbers, dates, times);
 * - bytes: its bytes as bytea hex (G items).
 */
export type CopyCellKind = 'text' | 'flag' | 'value' | 'bytes';

export interface CopyPlan {
  /** Positions in the request's columns of the row key: one is written as its text, several as a JSON array of their texts. */
  key: readonly number[];
  /** After the key, each column's value: its position in the request's columns and how it is written. */
  cells: ReadonlyArray<{ at: number; as: CopyCellKind }>;
  /** Ends each line (the columns a load adds, and the newline). */
  tail: string;
}

export interface CopyBatch {
  /** Whole lines of COPY text. */
  text: Buffer;
  rows: number;
  /** The key values of the batch's last row, as text: where a resumed scan starts. */
  lastKey: Array<string | null>;
}

/** Zero dates, and the empty string a non-text column sometimes holds, mean no value. */
export const EMPTY_VALUES: ReadonlySet<string> = new Set(['', '0000-00-00', '0000-00-00 00:00:00']);

/**
 * The WHERE and ORDER BY of a keyset page, with placeholders made by `param(i, value)` (i from 1; a
 * statement that takes no parameters, such as COPY, writes the value as a literal there).
 * (w, k1, k2) > (?, ?, ?) as a row comparison: both MySQL/MariaDB and PostgreSQL have it.
 */
export function keysetClauses(
  req: BatchRequest,
  quote: (id: string) => string,
  param: (i: number, value: unknown) => string,
): { where: string; order: string; values: unknown[] } {
  const order = [...(req.watermarkColumn ? [req.watermarkColumn] : []), ...req.keyColumns].map(quote);
  if (req.descending) return { where: '', order: order.map((c) => `${c} desc`).join(', '), values: [] };
  if (!req.after) return { where: '', order: order.join(', '), values: [] };
  const values = [...(req.watermarkColumn ? [req.after.watermark] : []), ...req.after.key];
  const where = `where (${order.join(', ')}) > (${values.map((v, i) => param(i + 1, v)).join(', ')})`;
  return { where, order: order.join(', '), values };
}

/**
 * A stream of rows as batches of `size`, read ahead by at most `ahead` batches (the stream is paused
 * beyond that). Rows are gathered in 'data' handlers, not one await per row: a million rows would
 * otherwise be a million promise turns.
 */
export async function* batchesOf(stream: Readable, size: number, ahead = 2): AsyncGenerator<unknown[][]> {
  const ready: unknown[][][] = [];
  let current: unknown[][] = [];
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  stream.on('data', (row: unknown[]) => {
    current.push(row);
    if (current.length === size) {
      ready.push(current);
      current = [];
      if (ready.length >= ahead) stream.pause();
      notify();
    }
  });
  stream.on('end', () => {
    if (current.length) ready.push(current);
    ended = true;
    notify();
  });
  stream.on('error', (e) => {
    failure = e;
    notify();
  });
  try {
    for (;;) {
      if (failure) throw failure;
      const batch = ready.shift();
      if (batch) {
        if (ready.length < ahead && stream.isPaused()) stream.resume();
        yield batch;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!ended) stream.destroy();
  }
}

/** scan() by keyset pages, one page read ahead: for sources that cannot stream a query. */
export async function* scanByPages(
  c: Pick<SourceConnector, 'readBatch'>,
  req: BatchRequest,
): AsyncGenerator<unknown[][]> {
  const toArrays = (rows: Array<Record<string, unknown>>) => rows.map((r) => req.columns.map((col) => r[col]));
  const keyOf = (row: Record<string, unknown>) => ({
    key: req.keyColumns.map((k) => row[k]),
    ...(req.watermarkColumn ? { watermark: row[req.watermarkColumn] } : {}),
  });
  let pending: Promise<Array<Record<string, unknown>>> | null = c.readBatch(req);
  try {
    while (pending) {
      const rows: Array<Record<string, unknown>> = await pending;
      pending = rows.length === req.limit ? c.readBatch({ ...req, after: keyOf(rows[rows.length - 1]!) }) : null;
      if (rows.length) yield toArrays(rows);
    }
  } finally {
    // A consumer that stops early must not leave the read ahead unhandled.
    await pending?.catch(() => undefined);
  }
}

/** Connect, read metadata and give up within this time: a dead host must not hold a request. */
export const CONNECT_TIMEOUT_MS = 5_000;
export const STATEMENT_TIMEOUT_MS = 30_000;
