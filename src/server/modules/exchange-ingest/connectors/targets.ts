import type { TableRef } from './types';

/**
 * A consumer's own database as the destination of a push job. Unlike a source connector it
 * writes, but only to the one table it was opened for (and that table's stage).
 *
 * A full push fills a stage table next to the target and swaps it in at the end, so the consumer's
 * systems see the old rows or the new ones, never half of each. The stage is written in row-key
 * batches numbered in a column of the stage; after a crash the push drops the stage's rows of batches
 * after the last one it checkpointed, so a batch the target committed but the platform did not record
 * is not written twice. (Batch numbers, not keys: the two databases may order text differently.)
 */
export interface TargetColumn {
  name: string;
  /** The column type in the target's SQL dialect. */
  type: string;
  /** Shown to the consumer's DBA: the item's Chinese name. */
  comment: string;
}

/** One row: the row key first, then the values in column order. */
export type TargetRow = unknown[];

export interface TargetWriter {
  /** Whether the stage takes COPY text (PostgreSQL): lines of [key, ...columns, batch]. */
  readonly copies: boolean;
  /**
   * Creates the stage, or on resume keeps its rows of batches up to `afterBatch` (the last
   * checkpointed); true when it kept an existing stage, false when it made a new one.
   */
  openStage(afterBatch: number | null): Promise<boolean>;
  /** Appends batches to the stage; on PostgreSQL one COPY for all batches written before end(). */
  stageWriter(): StageWriter;
  /** Keys the stage and puts it in place of the target in one step; `comment` labels the table (grant, terms). */
  swapStage(comment: string): Promise<void>;
  /** Whether the target table exists with exactly these columns (an incremental push needs it). */
  matches(): Promise<boolean>;
  /** Inserts or overwrites rows of the target by key. */
  upsert(rows: TargetRow[]): Promise<void>;
  count(): Promise<number>;
  close(): Promise<void>;
}

export interface StageWriter {
  /** Rows of one batch; where the target `copies`, maybe as COPY text lines that end with the batch number. */
  write(rows: TargetRow[] | Buffer, batch: number): Promise<void>;
  /** Resolves when the target has committed every batch written. */
  end(): Promise<void>;
  abort(e: unknown): void;
}

export interface TargetSpec {
  table: TableRef;
  columns: TargetColumn[];
}

/** The row-key column every pushed table has, as in the center. */
export const TARGET_KEY = '_gs_key';
/** The stage's batch-number column; dropped when the stage becomes the target. */
export const BATCH_COLUMN = '_gs_batch';
export const STAGE_SUFFIX = '__gs_stage';
export const OLD_SUFFIX = '__gs_old';
