import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { AppError, badRequest, conflict } from '../../platform/errors';
import { bindingOfEntry, ownEntry } from './bindings-service';
import * as center from './center-repo';
import { ensureManagedTable } from './center-service';
import { measureQuality } from './quality-service';
import * as repo from './upload-repo';
import { CsvSyntaxError, readRows, type SpooledUpload } from './upload-parse';
import type { UploadReport, UploadResult } from './upload-schemas';
import { fieldNamed, MAX_PROBLEMS, planHeaders, RowChecker, type UploadField } from './upload-validate';

/**
 * a provider loads a CSV or XLSX into its 库表 entry's managed table, when the rows do
 * not come from a source database (or to correct them). The whole file is checked first; only a
 * file without a single problem is written, in one transaction, so the table never holds half a file.
 */

/** One upload is one transaction held in memory: beyond this, split the file. */
export const MAX_UPLOAD_ROWS = 200_000;
/** The resource-file limit (MAX_FILE_MB) applies to uploads too. */
/** Uploads share the file size limit of resource files (MAX_FILE_MB). */
export const maxUploadBytes = (ctx: AppContext) => ctx.config.maxFileMb * 1024 * 1024;
const BATCH = 2000;
const MAX_KEYS = 4;

export type UploadMode = 'upsert' | 'replace';

/** An entry ready to take an upload: checked before a byte of the file is read. */
export interface UploadTarget {
  entryId: string;
  table: string;
  fields: UploadField[];
  bindingId: string | null;
  /** The binding's key, when every key column of the source maps to a data item. */
  bindingKeys: UploadField[] | null;
}

/** Only the providing department (or the platform) loads data into an entry; 404/403/409 otherwise. */
export async function prepareUpload(ctx: AppContext, actor: Actor, entryId: string): Promise<UploadTarget> {
  const v = await ownEntry(ctx, actor, entryId);
  const managed = await ensureManagedTable(ctx, entryId);
  const items = new Map(v.items.map((i) => [i.id, i]));
  const fields = managed.columns.map((c) => ({
    ...c,
    name: items.get(c.itemId)?.name ?? c.column,
    fieldName: items.get(c.itemId)?.fieldName ?? null,
  }));
  const b = await bindingOfEntry(ctx, entryId);
  let bindingKeys: UploadField[] | null = null;
  if (b) {
    const keys = b.key_columns.map((k) => {
      const m = b.column_map.find((x) => x.sourceColumn === k);
      return m ? fields.find((f) => f.itemId === m.itemId) : undefined;
    });
    if (keys.every((k) => k)) bindingKeys = keys as UploadField[];
  }
  return { entryId, table: managed.name, fields, bindingId: b?.id ?? null, bindingKeys };
}

export function parseMode(mode: string | undefined): UploadMode {
  const m = (mode ?? '').trim() || 'upsert';
  if (m !== 'upsert' && m !== 'replace')
    throw badRequest(
      'EXCHANGE_UPLOAD_MODE',
      'mode must be upsert or replace',
      '上传方式须为 upsert（更新）或 replace（覆盖）',
    );
  return m;
}

export function resolveKeys(target: UploadTarget, keyFields: string | undefined): UploadField[] {
  const names = (keyFields ?? '').split(/[,，;；\s]+/).filter(Boolean);
  if (!names.length) {
    if (target.bindingKeys) return target.bindingKeys;
    throw badRequest(
      'EXCHANGE_UPLOAD_KEY_REQUIRED',
      'Name the key fields that identify a row (keyFields)',
      '请指定用于识别数据行的主键字段',
    );
  }
  const keys: UploadField[] = [];
  for (const n of names) {
    const f = fieldNamed(target.fields, n);
    if (!f) throw badRequest('EXCHANGE_UPLOAD_KEY_UNKNOWN', `No data item ${n}`, `信息项中没有字段“${n}”`);
    if (!keys.includes(f)) keys.push(f);
  }
  if (keys.length > MAX_KEYS)
    throw badRequest('EXCHANGE_UPLOAD_KEY_TOO_MANY', `At most ${MAX_KEYS} key fields`, `主键字段至多 ${MAX_KEYS} 个`);
  return keys;
}

export interface UploadRequest {
  keyFields?: string;
  mode?: string;
}

const tooManyRows = () =>
  new AppError(
    413,
    'EXCHANGE_UPLOAD_TOO_MANY_ROWS',
    `At most ${MAX_UPLOAD_ROWS} data rows per file; split the file`,
    `每个文件至多 ${MAX_UPLOAD_ROWS} 行数据，请拆分后分批上传（第一批可用覆盖方式，其余用更新方式）`,
  );

interface Checked {
  checker: RowChecker;
  rowsRead: number;
  ignored: string[];
  written: UploadField[];
}

/** Reads and checks every row of the file; throws on a file that cannot be read at all. */
async function checkFile(
  ctx: AppContext,
  target: UploadTarget,
  file: SpooledUpload,
  keys: UploadField[],
  mode: UploadMode,
): Promise<Checked> {
  let checker: RowChecker | null = null;
  let ignored: string[] = [];
  let written: UploadField[] = [];
  let rowsRead = 0;
  try {
    for await (const { row, cells } of readRows(file)) {
      if (!checker) {
        const plan = planHeaders(row, cells, target.fields, keys);
        ignored = plan.ignored;
        const present = new Set(plan.targets.filter((f) => f).map((f) => f!.column));
        // Replacing makes the table exactly the file: columns it lacks become empty.
        written = mode === 'replace' ? target.fields : target.fields.filter((f) => present.has(f.column));
        // Without every key column the rows cannot be keyed; their values are still checked.
        const keyed = plan.problems.length === 0;
        checker = new RowChecker(plan, written, keyed ? keys : keys.filter((k) => present.has(k.column)), keyed);
        plan.problems.forEach((p) => checker!.add(p));
        continue;
      }
      if (++rowsRead > MAX_UPLOAD_ROWS) throw tooManyRows();
      checker.check(row, cells);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof CsvSyntaxError) {
      const problem = {
        row: e.row,
        field: null,
        value: null,
        message: e.message,
        messageZh: `第 ${e.row} 行开始的引号未闭合`,
      };
      if (!checker) throw new AppError(422, 'EXCHANGE_UPLOAD_UNREADABLE', e.message, problem.messageZh);
      checker.add(problem);
    } else {
      // A zip that is not a workbook, or a damaged one: exceljs and its unzip library throw plain errors.
      ctx.log.warn(`exchange upload ${target.entryId}: unreadable file: ${String(e)}`);
      throw new AppError(
        422,
        'EXCHANGE_UPLOAD_UNREADABLE',
        'The file cannot be read',
        '无法读取该文件，请确认是 Excel 保存的 .xlsx 文件或 UTF-8 编码的 CSV 文件',
      );
    }
  }
  if (!checker || (rowsRead === 0 && checker.problemCount === 0)) {
    throw badRequest(
      'EXCHANGE_UPLOAD_EMPTY',
      'The file holds no data rows (the first row is the header)',
      '文件中没有数据行（第一行为表头）',
    );
  }
  return { checker, rowsRead, ignored, written };
}

/**
 * Checks the spooled file and, when every row is right, writes it in one transaction: upsert
 * overwrites rows with the same key (only the file's columns) and adds new ones; replace also
 * deletes every row the file does not have. Quality is measured afterwards.
 */
export async function applyUpload(
  ctx: AppContext,
  target: UploadTarget,
  file: SpooledUpload,
  req: UploadRequest,
): Promise<UploadResult> {
  const mode = parseMode(req.mode);
  const keys = resolveKeys(target, req.keyFields);
  const { checker, rowsRead, ignored, written } = await checkFile(ctx, target, file, keys, mode);
  const keyFields = keys.map((k) => k.column);
  if (checker.problemCount) {
    const report: UploadReport = {
      problems: checker.problems,
      problemCount: checker.problemCount,
      rowsRead,
      rowsWithProblems: checker.rowsWithProblems,
      truncated: checker.problemCount > MAX_PROBLEMS,
      keyFields,
      ignoredHeaders: ignored,
    };
    throw badRequest(
      'EXCHANGE_UPLOAD_INVALID',
      `${checker.problemCount} problem(s) in the file; nothing was written`,
      `文件中有 ${checker.problemCount} 处问题，未写入任何数据，请修正后重新上传`,
      report,
    );
  }
  const counts = await inTransaction(ctx, async (trx) => {
    if (!(await repo.tryLockForUpload(trx, target.entryId, target.bindingId))) {
      throw conflict(
        'EXCHANGE_RUN_BUSY',
        'A pull or another upload of this resource is running',
        '该资源正在汇聚或上传数据，请稍后再试',
      );
    }
    const run = await repo.nextRunNumber(trx);
    const at = ctx.clock.now();
    let rowsWritten = 0;
    for (let i = 0; i < checker.rows.length; i += BATCH)
      rowsWritten += await center.upsertRows(trx, target.table, written, checker.rows.slice(i, i + BATCH), run, at);
    const rowsDeleted = mode === 'replace' ? await center.deleteNotInRun(trx, target.table, run) : 0;
    return { rowsWritten, rowsDeleted, rowsInTable: await center.countRows(trx, target.table) };
  });
  // measured after every load; a failure to measure never fails the load itself.
  const quality = await measureQuality(ctx, target.entryId, null).catch((e: unknown) => {
    ctx.log.warn(`exchange: quality of ${target.entryId} not measured: ${String(e)}`);
    return null;
  });
  return {
    mode,
    fileName: file.fileName,
    keyFields,
    columns: written.map((w) => w.column),
    ignoredHeaders: ignored,
    rowsRead,
    ...counts,
    quality: quality ? { completeness: quality.completeness, accuracy: quality.accuracy } : null,
  };
}
