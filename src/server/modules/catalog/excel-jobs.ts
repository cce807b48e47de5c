import type { Selectable } from 'kysely';
import type { Db } from '../../app-context';
import type { CatalogImportTable } from '../../db/types';
import type { Actor } from '../../platform/context';
import type { RowError } from './excel-parse';

/**
 * R-04 imports as jobs: what the uploader polls is a catalog_import row (migration 0014), written by
 * whichever process does the work; the work itself is a job of kind IMPORT_JOB on the job table.
 * All SQL of the import table is here.
 */

export type ImportStatus = 'validating' | 'importing' | 'done' | 'failed';

/** What the uploader polls: the progress bar is processed / total within the current status. */
export interface ImportState {
  importId: string;
  fileName: string;
  status: ImportStatus;
  /** Entry rows found in the workbook (0 until the file is read). */
  total: number;
  /** Rows checked while validating, drafts created while importing. */
  processed: number;
  errors?: RowError[];
  /** A failure that is not about a cell (unreadable file, database error). */
  error?: { code: string; message: string; messageZh: string };
  created?: Array<{ entryId: string; code: string; name: string }>;
  /** Drafts the re-import updated (rows named like a draft the department had, when the uploader chose so). */
  updated?: Array<{ entryId: string; code: string; name: string }>;
  startedAt: string;
  finishedAt?: string;
}

export type ImportOutcome = Pick<ImportState, 'status' | 'errors' | 'error' | 'created' | 'updated'>;

/**
 * The column `created` holds every draft the import wrote; those it updated are marked, so no
 * migration was needed when re-imports began updating drafts.
 */
type Written = NonNullable<ImportState['created']>[number] & { updated?: true };

function writtenOf(o: ImportOutcome): Written[] | undefined {
  if (!o.created && !o.updated) return undefined;
  return [...(o.created ?? []), ...(o.updated ?? []).map((u) => ({ ...u, updated: true as const }))];
}

function splitWritten(rows: Written[]): Pick<ImportState, 'created' | 'updated'> {
  const plain = ({ updated: _updated, ...r }: Written) => r;
  const updated = rows.filter((r) => r.updated).map(plain);
  return { created: rows.filter((r) => !r.updated).map(plain), ...(updated.length ? { updated } : {}) };
}

export const INTERNAL = {
  code: 'INTERNAL',
  message: 'The import failed; nothing was imported',
  messageZh: '导入失败，未导入任何数据',
};

export const IMPORT_JOB = 'catalog.excel-import';
/** A finished import answers polls for an hour, then it is deleted. */
export const KEEP_FINISHED_MS = 60 * 60_000;

export type ImportRow = Selectable<CatalogImportTable>;

export function stateOf(row: ImportRow): ImportState {
  return {
    importId: row.id,
    fileName: row.file_name,
    status: row.status,
    total: row.total,
    processed: row.processed,
    ...(row.errors ? { errors: row.errors as RowError[] } : {}),
    ...(row.error ? { error: row.error as NonNullable<ImportState['error']> } : {}),
    ...(row.created ? splitWritten(row.created as Written[]) : {}),
    startedAt: row.started_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
  };
}

/** The uploader as the import acts for them; the session's token is no business of the job table. */
export const actorOf = (row: ImportRow): Actor => row.actor as Actor;

export async function insertImport(
  db: Db,
  i: { id: string; actor: Actor; fileName: string; jobId: string; startedAt: Date },
): Promise<ImportRow> {
  return db
    .insertInto('catalog_import')
    .values({
      id: i.id,
      owner_id: i.actor.userId,
      actor: JSON.stringify({ ...i.actor, tokenHash: '' }),
      file_name: i.fileName,
      job_id: i.jobId,
      started_at: i.startedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const findImport = (db: Db, id: string): Promise<ImportRow | undefined> =>
  db.selectFrom('catalog_import').selectAll().where('id', '=', id).executeTakeFirst();

export const unfinishedImportOf = (db: Db, ownerId: string): Promise<ImportRow | undefined> =>
  db
    .selectFrom('catalog_import')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .where('finished_at', 'is', null)
    .executeTakeFirst();

/**
 * Takes an unfinished import for a run from the start, unless another process is working on it
 * (its heartbeat is newer than staleBefore).
 */
export const takeImport = (db: Db, id: string, now: Date, staleBefore: Date): Promise<ImportRow | undefined> =>
  db
    .updateTable('catalog_import')
    .set({ status: 'validating', total: 0, processed: 0, errors: null, error: null, created: null, heartbeat_at: now })
    .where('id', '=', id)
    .where('finished_at', 'is', null)
    .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
    .returningAll()
    .executeTakeFirst();

export async function writeProgress(
  db: Db,
  id: string,
  p: Pick<ImportState, 'status' | 'total' | 'processed'>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('catalog_import')
    .set({ status: p.status, total: p.total, processed: p.processed, heartbeat_at: now })
    .where('id', '=', id)
    .where('finished_at', 'is', null)
    .execute();
}

/** Records the outcome once; false when the import was already finished. */
export async function finishImport(
  db: Db,
  id: string,
  o: ImportOutcome & { processed?: number },
  at: Date,
): Promise<ImportRow | undefined> {
  return db
    .updateTable('catalog_import')
    .set({
      status: o.status,
      errors: o.errors ? JSON.stringify(o.errors) : null,
      error: o.error ? JSON.stringify(o.error) : null,
      created: writtenOf(o) ? JSON.stringify(writtenOf(o)) : null,
      ...(o.processed !== undefined ? { processed: o.processed } : {}),
      finished_at: at,
    })
    .where('id', '=', id)
    .where('finished_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteFinishedBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('catalog_import').where('finished_at', '<', before).execute();
}
