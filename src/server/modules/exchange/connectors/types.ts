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

/** One source database, read-only, opened for one task and closed after it. */
export interface SourceConnector {
  test(): Promise<TestResult>;
  listTables(): Promise<SourceTable[]>;
  describe(table: TableRef): Promise<SourceColumn[]>;
  close(): Promise<void>;
}

/** Connect, read metadata and give up within this time: a dead host must not hold a request. */
export const CONNECT_TIMEOUT_MS = 5_000;
export const STATEMENT_TIMEOUT_MS = 30_000;
