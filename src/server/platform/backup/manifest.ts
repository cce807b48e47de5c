import type { DbKind } from '../../db/open';

/**
 * What a backup file holds, written as its first line (docs/operations.md describes the file). Table
 * checksums are SM3 over the rows exactly as dumped: one JSON array of the columns' text forms per row,
 * each followed by a newline, in primary-key order (text keys compared bytewise, COLLATE "C").
 */
export const FORMAT = 'govshare-backup';
export const FORMAT_VERSION = 1;

/** The schemas govshare owns: its migrated tables, and the data resource center's managed tables. */
export const SCHEMAS = ['public', 'rc'] as const;

/** Kept by the migrator of the restoring database, which runs the same migrations up to `migration`. */
export const NOT_DUMPED = ['schema_migration', 'schema_migration_lock'];

export interface ColumnInfo {
  name: string;
  /** format_type(): also what a restored value is cast to. */
  type: string;
  notNull: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  /** Columns in table order, generated columns left out (they are computed again on insert). */
  columns: ColumnInfo[];
  primaryKey: { name: string; columns: string[] } | null;
  /** Which of the columns are of a collatable type (ordered COLLATE "C" so every server sorts alike). */
  collatable: string[];
  /** A partition: created again as PARTITION OF its parent; its rows are dumped with the parent's. */
  partitionOf: string | null;
  bound: string | null;
  /** Partitioned parent: its rows are all its partitions' rows. */
  partitioned: boolean;
}

export interface TableEntry extends TableInfo {
  rows: number;
  sm3: string;
}

export interface SequenceEntry {
  schema: string;
  name: string;
  lastValue: string;
  isCalled: boolean;
}

export interface FileEntry {
  /** The storage key under FILES_DIR (ab/cd/<sha256>). */
  key: string;
  size: number;
  sm3: string;
}

export interface Manifest {
  format: typeof FORMAT;
  formatVersion: number;
  govshareVersion: string;
  databaseKind: DbKind;
  /** The last migration the database had run. */
  migration: string;
  createdAt: string;
  tables: TableEntry[];
  sequences: SequenceEntry[];
  files: FileEntry[];
}

/** Tables whose rows are in the file (a partition's are in its parent's). */
export const hasRows = (t: TableInfo) => t.partitionOf === null;

export const qualified = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;

/** Body framing: a header line per section, then its rows (ended by END_ROWS) or its bytes. */
export const END_ROWS = '.';
export type SectionHeader = { table: string } | { file: string; size: number } | { end: true };
