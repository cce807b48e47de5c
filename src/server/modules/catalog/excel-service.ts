import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
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
import { INTERNAL, type ImportJobs, type ImportState } from './excel-jobs';
import { readWorkbook, rowsToEntries, type ParsedEntry, type RowError } from './excel-parse';
import { buildTemplate } from './excel-template';
import { duplicateNames, ruleErrors, schemaErrors, shapedForRules, tidyErrors } from './excel-validate';
import { entryProblems, type RuleKnowledge } from '../../../shared/catalog/rules';
import type { EntryInput, FieldProblem } from '../../../shared/catalog/schemas';

const MAX_UPLOAD_MB = 10;
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024;
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

/** Spools the upload to a temp file (the parser streams from it) and checks it is a zip, as .xlsx files are. */
async function spool(file: Upload['file']): Promise<string> {
  const path = join(tmpdir(), `govshare-import-${randomUUID()}.xlsx`);
  try {
    await pipeline(file, createWriteStream(path));
    // busboy stops at the size limit and ends the stream normally, marking it truncated.
    if (file.truncated)
      throw new AppError(
        413,
        'EXCEL_TOO_LARGE',
        `The file is larger than ${MAX_UPLOAD_MB} MB`,
        `文件超过${MAX_UPLOAD_MB}MB，请拆分后分批导入`,
      );
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
    return path;
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

/**
 * R-04 import, step 1: stores the upload and starts checking it in the background. The caller polls
 * importState; the drafts appear only when every row of the file is right.
 */
export interface Upload {
  file: Readable & { truncated?: boolean };
  fileName: string;
}

export async function startImport(
  ctx: AppContext,
  jobs: ImportJobs,
  actor: Actor,
  upload: Upload,
): Promise<ImportState> {
  actorDepartment(actor);
  const running = jobs.runningFor(actor.userId);
  if (running) {
    upload.file.resume();
    throw conflict(
      'EXCEL_IMPORT_RUNNING',
      `Import ${running.importId} is still running`,
      '您的上一次导入尚未完成，请稍候',
    );
  }
  const path = await spool(upload.file);
  const state = jobs.create(actor.userId, upload.fileName, ctx.clock.now());
  jobs.start(state.importId, () => runImport(ctx, jobs, actor, state, path));
  return state;
}

export function importState(jobs: ImportJobs, actor: Actor, importId: string): ImportState {
  const state = jobs.get(importId, actor.userId);
  if (!state)
    throw new AppError(
      404,
      'EXCEL_IMPORT_NOT_FOUND',
      'Import not found (imports are kept for an hour)',
      '导入任务不存在或已过期（导入结果保留一小时）',
    );
  return state;
}

/** Every row is checked, whatever the earlier rows held, so the user fixes the file in one go. */
async function validate(
  ctx: AppContext,
  state: ImportState,
  departmentId: string,
  path: string,
): Promise<{ entries: ParsedEntry[]; errors: RowError[] }> {
  const enums = await catalogEnums(ctx);
  const sheets = await readWorkbook(path).catch((err: unknown) => {
    // A zip that is not a workbook, or a damaged one: exceljs and its unzip library throw plain errors.
    ctx.log.warn(`catalog import ${state.importId}: unreadable workbook: ${String(err)}`);
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
  state.total = entries.length;
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
    return { entries, errors };
  }
  errors.push(...duplicateNames(entries));
  // Rows mostly share a handful of classes: what the rules know depends only on class and related codes.
  const knowledge = new Map<string, Promise<RuleKnowledge>>();
  for (const entry of entries) {
    errors.push(...schemaErrors(entry));
    const input = shapedForRules(entry.input);
    const key = JSON.stringify([input.classCode.trim(), input.relatedCodes ?? []]);
    if (!knowledge.has(key)) knowledge.set(key, ruleKnowledge(ctx, input, departmentId));
    errors.push(...ruleErrors(entry, entryProblems(input, await knowledge.get(key)!)));
    state.processed++;
  }
  return { entries, errors: tidyErrors(errors) };
}

/** A refusal from the lifecycle service while importing, placed on the row that caused it. */
function rowErrorsOf(err: AppError, entry: ParsedEntry): RowError[] {
  const problems = (err.details as { problems?: FieldProblem[] } | undefined)?.problems;
  if (problems?.length) return ruleErrors(entry, problems);
  return [
    { sheet: ENTRY_SHEET, row: entry.row, column: null, message: err.message, messageZh: err.messageZh ?? err.message },
  ];
}

/** All drafts in one transaction: a failure on any row (or in the database) leaves nothing behind. */
async function createAll(
  ctx: AppContext,
  state: ImportState,
  actor: Actor,
  entries: ParsedEntry[],
): Promise<NonNullable<ImportState['created']>> {
  let current: ParsedEntry | undefined;
  try {
    return await inTransaction(ctx, async (db) => {
      const t: AppContext = { ...ctx, db };
      const created: NonNullable<ImportState['created']> = [];
      for (const entry of entries) {
        current = entry;
        const detail = await createEntry(t, actor, entry.input as EntryInput);
        created.push({ entryId: detail.id, code: detail.code, name: detail.pending?.name ?? String(entry.input.name) });
        state.processed++;
      }
      return created;
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

async function runImport(
  ctx: AppContext,
  jobs: ImportJobs,
  actor: Actor,
  state: ImportState,
  path: string,
): Promise<void> {
  const departmentId = actorDepartment(actor);
  let outcome: Pick<ImportState, 'status' | 'errors' | 'error' | 'created'>;
  try {
    const { entries, errors } = await validate(ctx, state, departmentId, path);
    if (errors.length) {
      outcome = { status: 'failed', errors };
    } else {
      state.status = 'importing';
      state.processed = 0;
      outcome = { status: 'done', created: await createAll(ctx, state, actor, entries) };
    }
  } catch (err) {
    if (err instanceof RowFailure) outcome = { status: 'failed', errors: err.errors };
    else if (err instanceof AppError)
      outcome = {
        status: 'failed',
        error: { code: err.code, message: err.message, messageZh: err.messageZh ?? err.message },
      };
    else {
      ctx.log.error(`catalog import ${state.importId} failed: ${(err as Error).stack ?? String(err)}`);
      outcome = { status: 'failed', error: INTERNAL };
    }
  } finally {
    await rm(path, { force: true });
  }
  if (outcome.status === 'failed') state.processed = 0;
  jobs.finish(state, ctx.clock.now(), outcome);
  await auditOutcome(ctx, actor, state);
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
      rowCount: state.created?.length ?? 0,
      ip: null,
      userAgent: null,
      outcome: state.status === 'done' ? 'success' : 'failed',
      statusCode: null,
      detail: {
        fileName: state.fileName,
        total: state.total,
        errors: state.errors?.length ?? 0,
        ...(state.error ? { errorCode: state.error.code } : {}),
      },
    });
  } catch (err) {
    ctx.log.error(`audit of catalog import ${state.importId} failed: ${String(err)}`);
  }
}
