import { createWriteStream } from 'node:fs';
import { access, mkdir, open, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { AppError, conflict } from '../../platform/errors';
import { recordAudit } from '../../platform/audit/service';
import type { Actor } from '../../platform/context';
import { catalogEnums, listClasses } from './classes-service';
import { actorDepartment } from './entries-access';
import { createEntry, ruleKnowledge } from './entries-service';
import { ENTRY_SHEET } from './excel-columns';
import { findJob, runJobNow, scheduleJob } from '../../platform/jobs/service';
import { defaultWorkerId } from '../../platform/jobs/runner';
import * as imports from './excel-jobs';
import { IMPORT_JOB, INTERNAL, KEEP_FINISHED_MS, stateOf, type ImportOutcome, type ImportState } from './excel-jobs';
import { readWorkbook, rowsToEntries, type ParsedEntry, type RowError } from './excel-parse';
import { buildTemplate } from './excel-template';
import { matchDrafts, replacingPatch, type DuplicateChoice } from './excel-duplicates';
import type { SameNameDraft } from './excel-repo';
import { updateVersion } from './versions-service';
import { duplicateNames, ruleErrors, schemaErrors, shapedForRules, tidyErrors } from './excel-validate';
import { entryProblems, type RuleKnowledge } from '../../../shared/catalog/rules';
import type { EntryInput, FieldProblem } from '../../../shared/catalog/schemas';
import { CATALOG_IMPORT_MAX_BYTES } from '../../../shared/catalog/excel-limits';
import { uploadTooLarge } from '../../platform/http/upload-limit';

export const MAX_UPLOAD_BYTES = CATALOG_IMPORT_MAX_BYTES;
/** One import is one transaction; beyond this many entries, split the file. */
export const MAX_IMPORT_ENTRIES = 5000;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The template with the classes this department may use (基础, 主题 and its own 部门 items) and the open domains. */
export async function templateFor(ctx: AppContext, departmentId: string | null): Promise<Buffer> {
  const [classes, enums] = await Promise.all([listClasses(ctx, 'active'), catalogEnums(ctx)]);
  return buildTemplate({
    classes: classes.filter((c) => c.level !== 'class' && (!c.departmentId || c.departmentId === departmentId)),
    openDomains: enums.openDomains.map((d) => ({ code: d.code, nameZh: d.zh })),
  });
}

/**
 * Where an upload waits for its import: in FILES_DIR, which every app server sees (shared storage
 * when there are several), so whichever server's job runner takes the job finds the file.
 */
const importFile = (ctx: AppContext, importId: string) =>
  join(ctx.config.filesDir, 'catalog-imports', `${importId}.xlsx`);

/** Streams the upload to `path` (the parser streams from it) and checks it is a zip, as .xlsx files are. */
async function spool(file: Upload['file'], path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  try {
    await pipeline(file, createWriteStream(path));
    // busboy stops at the size limit and ends the stream normally, marking it truncated.
    if (file.truncated) throw uploadTooLarge({ maxBytes: MAX_UPLOAD_BYTES });
    const head = Buffer.alloc(4);
    const fh = await open(path, 'r');
    try {
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
    if (!head.equals(ZIP_MAGIC)) {
      throw new AppError(
        415,
        'EXCEL_NOT_XLSX',
        'The file is not an .xlsx workbook',
        '文件不是 Excel（.xlsx）工作簿，请使用下载的模板填写后上传',
      );
    }
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

/**
 * R-04 import, step 1: stores the upload and queues its checking as a job; the route starts that job
 * at once in its own process (kickImport) once the request has committed. The caller polls
 * importState; the drafts appear only when every row of the file is right.
 */
export interface Upload {
  file: Readable & { truncated?: boolean };
  fileName: string;
  /** What rows named like one of the department's drafts do (excel-duplicates.ts). */
  duplicates: DuplicateChoice;
}

const runningConflict = (importId: string) =>
  conflict('EXCEL_IMPORT_RUNNING', `Import ${importId} is still running`, '您的上一次导入尚未完成，请稍候');

/** A heartbeat older than this means the process doing the import is gone. */
const STALE_MS = 2 * 60_000;

export async function startImport(
  ctx: AppContext,
  actor: Actor,
  upload: Upload,
): Promise<{ state: ImportState; jobId: string }> {
  actorDepartment(actor);
  const now = ctx.clock.now();
  await imports.deleteFinishedBefore(ctx.db, new Date(now.getTime() - KEEP_FINISHED_MS));
  const unfinished = await imports.unfinishedImportOf(ctx.db, actor.userId);
  if (unfinished && !(await healed(ctx, unfinished))) {
    upload.file.resume();
    throw runningConflict(unfinished.id);
  }
  const importId = randomUUID();
  const path = importFile(ctx, importId);
  await spool(upload.file, path);
  try {
    const payload: ImportJobPayload = { importId, duplicates: upload.duplicates };
    const job = await scheduleJob(ctx, { kind: IMPORT_JOB, runAt: now, payload });
    const row = await imports.insertImport(ctx.db, {
      id: importId,
      actor,
      fileName: upload.fileName,
      jobId: job.id,
      startedAt: now,
    });
    return { state: stateOf(row), jobId: job.id };
  } catch (err) {
    await rm(path, { force: true });
    // Two uploads of one user at once on two servers: the index lets one through.
    if ((err as { code?: string }).code === '23505') throw runningConflict('');
    throw err;
  }
}

const WORKER = defaultWorkerId();

/** Runs the queued import in this process now; a process that dies leaves the job to the other servers' runners. */
export async function kickImport(ctx: AppContext, jobId: string): Promise<void> {
  try {
    await runJobNow(ctx, jobId, WORKER);
  } catch (err) {
    ctx.log.error(`catalog import job ${jobId} could not be started here: ${String(err)}`);
  }
}

/**
 * An unfinished import nobody works on any more (its job ended or failed for good, and no process
 * has written progress lately) is recorded as failed; true when it was.
 */
async function healed(ctx: AppContext, row: imports.ImportRow): Promise<boolean> {
  const now = ctx.clock.now();
  if (row.heartbeat_at && row.heartbeat_at.getTime() > now.getTime() - STALE_MS) return false;
  const job = await findJob(ctx, row.job_id);
  if (job && (job.status === 'pending' || job.status === 'running')) return false;
  const done = await imports.finishImport(ctx.db, row.id, { status: 'failed', error: INTERNAL, processed: 0 }, now);
  if (done) Object.assign(row, done);
  return true;
}

export async function importState(ctx: AppContext, actor: Actor, importId: string): Promise<ImportState> {
  const row = await imports.findImport(ctx.db, importId);
  const expired = row?.finished_at && row.finished_at.getTime() < ctx.clock.now().getTime() - KEEP_FINISHED_MS;
  if (!row || row.owner_id !== actor.userId || expired)
    throw new AppError(
      404,
      'EXCEL_IMPORT_NOT_FOUND',
      'Import not found (imports are kept for an hour)',
      '导入任务不存在或已过期（导入结果保留一小时）',
    );
  if (!row.finished_at) await healed(ctx, row);
  return stateOf(row);
}

/**
 * Progress as the poll sees it, written by the process doing the import (with its heartbeat) at
 * most every PROGRESS_MS and never waited for: on PGlite's single connection the import's own
 * transaction holds the connection, so a write waited for there would never come.
 */
const PROGRESS_MS = 50;

class Progress {
  status: ImportState['status'] = 'validating';
  total = 0;
  processed = 0;
  private writing: Promise<void> | undefined;
  private last = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly importId: string,
  ) {}

  tick(): void {
    if (this.writing || Date.now() - this.last < PROGRESS_MS) return;
    this.last = Date.now();
    this.writing = imports
      .writeProgress(this.ctx.db, this.importId, this, this.ctx.clock.now())
      .catch((err: unknown) =>
        this.ctx.log.warn(`catalog import ${this.importId}: progress not written: ${String(err)}`),
      )
      .finally(() => (this.writing = undefined));
  }

  /** Waits for the write in flight; outside any transaction only. */
  async settle(): Promise<void> {
    await this.writing;
  }

  /** The next phase starts from 0, written before it starts. */
  async phase(status: ImportState['status']): Promise<void> {
    await this.settle();
    this.status = status;
    this.processed = 0;
    await imports.writeProgress(this.ctx.db, this.importId, this, this.ctx.clock.now());
  }
}

/** Every row is checked, whatever the earlier rows held, so the user fixes the file in one go. */
async function validate(
  ctx: AppContext,
  progress: Progress,
  importId: string,
  departmentId: string,
  path: string,
  duplicates: DuplicateChoice,
): Promise<{ entries: ParsedEntry[]; errors: RowError[]; updates: Map<ParsedEntry, SameNameDraft> }> {
  const enums = await catalogEnums(ctx);
  const sheets = await readWorkbook(path).catch((err: unknown) => {
    // A zip that is not a workbook, or a damaged one: exceljs and its unzip library throw plain errors.
    ctx.log.warn(`catalog import ${importId}: unreadable workbook: ${String(err)}`);
    throw new AppError(
      422,
      'EXCEL_UNREADABLE',
      'The workbook cannot be read',
      '无法读取该文件，请确认是用 Excel 保存的 .xlsx 文件',
    );
  });
  const { entries, errors } = rowsToEntries(sheets, {
    openDomains: enums.openDomains.map((d) => ({ code: d.code, nameZh: d.zh })),
  });
  progress.total = entries.length;
  progress.tick();
  if (!entries.length && !errors.length) {
    errors.push({
      sheet: ENTRY_SHEET,
      row: 2,
      column: null,
      message: 'The workbook holds no entries',
      messageZh: '文件中没有可导入的信息资源（示例行不导入）',
    });
  }
  if (entries.length > MAX_IMPORT_ENTRIES) {
    errors.push({
      sheet: ENTRY_SHEET,
      row: entries[MAX_IMPORT_ENTRIES]!.row,
      column: null,
      message: `At most ${MAX_IMPORT_ENTRIES} entries per file`,
      messageZh: `每个文件至多导入${MAX_IMPORT_ENTRIES}条信息资源，请拆分文件`,
    });
    return { entries, errors, updates: new Map() };
  }
  errors.push(...duplicateNames(entries));
  const drafts = await matchDrafts(ctx, departmentId, entries, duplicates);
  errors.push(...drafts.errors);
  // Rows mostly share a handful of classes: what the rules know depends only on class and related codes.
  const knowledge = new Map<string, Promise<RuleKnowledge>>();
  for (const entry of entries) {
    errors.push(...schemaErrors(entry));
    const input = shapedForRules(entry.input);
    const key = JSON.stringify([input.classCode.trim(), input.relatedCodes ?? []]);
    if (!knowledge.has(key)) knowledge.set(key, ruleKnowledge(ctx, input, departmentId));
    errors.push(...ruleErrors(entry, entryProblems(input, await knowledge.get(key)!)));
    progress.processed++;
    progress.tick();
  }
  return { entries, errors: tidyErrors(errors), updates: drafts.updates };
}

/** A refusal from the lifecycle service while importing, placed on the row that caused it. */
function rowErrorsOf(err: AppError, entry: ParsedEntry): RowError[] {
  const problems = (err.details as { problems?: FieldProblem[] } | undefined)?.problems;
  if (problems?.length) return ruleErrors(entry, problems);
  return [
    { sheet: ENTRY_SHEET, row: entry.row, column: null, message: err.message, messageZh: err.messageZh ?? err.message },
  ];
}

/**
 * All drafts in one transaction, new ones created and matched ones updated: a failure on any row (or
 * in the database) leaves nothing behind.
 */
async function writeAll(
  ctx: AppContext,
  progress: Progress,
  actor: Actor,
  entries: ParsedEntry[],
  updates: Map<ParsedEntry, SameNameDraft>,
): Promise<Pick<ImportState, 'created' | 'updated'>> {
  let current: ParsedEntry | undefined;
  try {
    return await inTransaction(ctx, async (db) => {
      const t: AppContext = { ...ctx, db };
      const created: NonNullable<ImportState['created']> = [];
      const updated: NonNullable<ImportState['updated']> = [];
      for (const entry of entries) {
        current = entry;
        const draft = updates.get(entry);
        if (draft) {
          const v = await updateVersion(t, actor, draft.versionId, replacingPatch(entry));
          updated.push({ entryId: draft.entryId, code: draft.code, name: v.name });
        } else {
          const detail = await createEntry(t, actor, entry.input as EntryInput);
          created.push({
            entryId: detail.id,
            code: detail.code,
            name: detail.pending?.name ?? String(entry.input.name),
          });
        }
        progress.processed++;
        progress.tick();
      }
      return { created, updated };
    });
  } catch (err) {
    if (err instanceof AppError && current) throw new RowFailure(rowErrorsOf(err, current));
    throw err;
  }
}

class RowFailure extends Error {
  constructor(readonly errors: RowError[]) {
    super('import refused');
  }
}

export interface ImportJobPayload {
  importId: string;
  /** Absent in jobs queued before re-imports could update drafts: those refused, as now by default. */
  duplicates?: DuplicateChoice;
}

/**
 * The job of kind IMPORT_JOB (registered by the catalog module's register()): checks the stored
 * workbook and, when every row is right, creates (or updates) the drafts in one transaction, as the uploader.
 */
export async function runImportJob(ctx: AppContext, payload: ImportJobPayload): Promise<void> {
  const { importId, duplicates = 'refuse' } = payload;
  const now = ctx.clock.now();
  const row = await imports.takeImport(ctx.db, importId, now, new Date(now.getTime() - STALE_MS));
  // Finished, deleted, or alive in another process: nothing to do here.
  if (!row) return;
  const actor = imports.actorOf(row);
  const path = importFile(ctx, importId);
  const progress = new Progress(ctx, importId);
  let outcome: ImportOutcome;
  try {
    const departmentId = actorDepartment(actor);
    await access(path).catch(() => {
      throw new Error(`the uploaded workbook is not at ${path}: is FILES_DIR shared storage for every server?`);
    });
    const { entries, errors, updates } = await validate(ctx, progress, importId, departmentId, path, duplicates);
    if (errors.length) {
      outcome = { status: 'failed', errors };
    } else {
      await progress.phase('importing');
      outcome = { status: 'done', ...(await writeAll(ctx, progress, actor, entries, updates)) };
    }
  } catch (err) {
    if (err instanceof RowFailure) outcome = { status: 'failed', errors: err.errors };
    else if (err instanceof AppError)
      outcome = {
        status: 'failed',
        error: { code: err.code, message: err.message, messageZh: err.messageZh ?? err.message },
      };
    else {
      ctx.log.error(`catalog import ${importId} failed: ${(err as Error).stack ?? String(err)}`);
      outcome = { status: 'failed', error: INTERNAL };
    }
  } finally {
    await rm(path, { force: true });
  }
  await progress.settle();
  const done = await imports.finishImport(
    ctx.db,
    importId,
    { ...outcome, processed: outcome.status === 'failed' ? 0 : progress.processed },
    ctx.clock.now(),
  );
  if (done) await auditOutcome(ctx, actor, stateOf(done));
}

/** The request that uploaded the file is audited by the hook; what the background work did is recorded here. */
async function auditOutcome(ctx: AppContext, actor: Actor, state: ImportState): Promise<void> {
  try {
    await recordAudit(ctx, {
      userId: actor.userId,
      username: actor.username,
      realName: actor.realName,
      departmentId: actor.departmentId,
      departmentName: actor.departmentName,
      roles: actor.roles,
      category: 'maintain',
      action: 'catalog.excel.import.finish',
      targetType: 'catalog_import',
      targetId: state.importId,
      rowCount: (state.created?.length ?? 0) + (state.updated?.length ?? 0),
      ip: null,
      userAgent: null,
      outcome: state.status === 'done' ? 'success' : 'failed',
      statusCode: null,
      detail: {
        fileName: state.fileName,
        total: state.total,
        created: state.created?.length ?? 0,
        updated: state.updated?.length ?? 0,
        errors: state.errors?.length ?? 0,
        ...(state.error ? { errorCode: state.error.code } : {}),
      },
    });
  } catch (err) {
    ctx.log.error(`audit of catalog import ${state.importId} failed: ${String(err)}`);
  }
}
