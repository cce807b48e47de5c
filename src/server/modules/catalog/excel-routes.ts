import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { shanghaiDate } from '../../platform/calendar/dates';
import { badRequest } from '../../platform/errors';
import type { Actor } from '../../platform/context';
import { outsideChangeTransaction } from '../../platform/audit/change-transaction';
import { IdParams, Nullable, Obj, Uuid } from '../../platform/http/schemas';
import { exportSearch } from './excel-export';
import { MAX_UPLOAD_BYTES, importState, kickImport, startImport, templateFor } from './excel-service';
import { SearchQuery } from './search-query';
import { DUPLICATE_CHOICES } from './excel-duplicates';
import { attachmentDisposition } from '../../platform/http/file-names';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const RowError = Obj({
  sheet: Type.String({ description: '工作表: 信息资源 or 信息项' }),
  row: Type.Integer({ description: 'row number as Excel shows it' }),
  column: Nullable(Type.String({ description: 'the Chinese column header' })),
  message: Type.String(),
  messageZh: Type.String(),
});

const ImportQuery = Obj({
  duplicates: Type.Optional(
    Type.Union(
      DUPLICATE_CHOICES.map((c) => Type.Literal(c)),
      {
        default: 'refuse',
        description:
          'Rows named like a draft the department already has (never published): refuse lists each such row as an error ' +
          '(and, as with any error, imports nothing); update makes the row the draft’s new content. ' +
          'Published entries are not matched: a row named like one becomes a new draft.',
      },
    ),
  ),
});

const ImportStateSchema = Obj({
  importId: Uuid,
  fileName: Type.String(),
  status: Type.Union([
    Type.Literal('validating'),
    Type.Literal('importing'),
    Type.Literal('done'),
    Type.Literal('failed'),
  ]),
  total: Type.Integer({ description: 'entry rows in the file (0 until it is read)' }),
  processed: Type.Integer({ description: 'rows checked while validating, drafts created while importing' }),
  errors: Type.Optional(Type.Array(RowError, { description: 'every wrong cell; when present nothing was imported' })),
  error: Type.Optional(Obj({ code: Type.String(), message: Type.String(), messageZh: Type.String() })),
  created: Type.Optional(Type.Array(Obj({ entryId: Uuid, code: Type.String(), name: Type.String() }))),
  updated: Type.Optional(
    Type.Array(Obj({ entryId: Uuid, code: Type.String(), name: Type.String() }), {
      description: 'drafts of the department the rows updated (duplicates=update)',
    }),
  ),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

/** the catalog in and out of Excel, mounted under /api/catalog. */
export function excelRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Registered here only, so no other route accepts multipart bodies.
    await app.register(multipart, {
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11 },
      throwFileSizeLimit: true,
    });
    // Imports this process started: a running one holds a transaction, which must end (commit or roll
    // back) before the database closes.
    const running = new Set<Promise<void>>();
    const queued = new WeakMap<object, string>();
    app.addHook('onClose', async () => {
      await Promise.allSettled([...running]);
    });

    app.get(
      '/excel/template',
      {
        config: { access: 'catalog.compile', audit: { category: 'download', action: 'catalog.excel.template' } },
        schema: { tags: ['catalog'], summary: 'Download the import template / 下载目录导入模板' },
      },
      async (req, reply) => {
        const file = await templateFor(ctx, req.actor!.departmentId);
        return reply
          .header('content-type', XLSX)
          .header('content-disposition', attachmentDisposition('信息资源目录导入模板.xlsx'))
          .send(file);
      },
    );

    app.post(
      '/excel/import',
      {
        config: {
          access: 'catalog.compile',
          audit: { category: 'maintain', action: 'catalog.excel.import', targetType: 'catalog_import' },
          upload: { maxBytes: MAX_UPLOAD_BYTES },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Import a filled template as drafts / 导入目录（异步）',
          description:
            `multipart/form-data with one .xlsx file (at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; 413 UPLOAD_TOO_LARGE above, ` +
            'refused from Content-Length before the body is read). Answers 202 at once; poll GET /excel/imports/{id}. ' +
            'Every row is checked; if any is wrong nothing is imported and the status lists every error.',
          consumes: ['multipart/form-data'],
          querystring: ImportQuery,
          response: { 202: ImportStateSchema },
        },
        // The job commits with the request; then this process starts it rather than waiting for a runner's poll.
        onResponse: async (req) => {
          const jobId = queued.get(req);
          if (!jobId) return;
          const run = outsideChangeTransaction(() => kickImport(ctx, jobId));
          running.add(run);
          void run.finally(() => running.delete(run));
        },
      },
      async (req, reply) => {
        if (!req.isMultipart())
          throw badRequest(
            'EXCEL_FILE_REQUIRED',
            'Upload the workbook as multipart/form-data',
            '请选择要上传的 Excel 文件',
          );
        const part = await req.file();
        if (!part)
          throw badRequest(
            'EXCEL_FILE_REQUIRED',
            'Upload the workbook as multipart/form-data',
            '请选择要上传的 Excel 文件',
          );
        const { state, jobId } = await startImport(ctx, req.actor as Actor, {
          file: part.file,
          fileName: part.filename,
          duplicates: req.query.duplicates ?? 'refuse',
        });
        queued.set(req, jobId);
        req.auditNote.targetId = state.importId;
        req.auditNote.detail = { fileName: part.filename, duplicates: req.query.duplicates ?? 'refuse' };
        return reply.status(202).send(state);
      },
    );

    app.get(
      '/excel/imports/:id',
      {
        // Polled every second or so by the uploader; the upload and its outcome are audited instead.
        config: { access: 'catalog.compile', audit: false },
        schema: {
          tags: ['catalog'],
          summary: 'Progress and result of an import / 导入进度',
          params: IdParams,
          response: { 200: ImportStateSchema },
        },
      },
      async (req) => importState(ctx, req.actor as Actor, req.params.id),
    );

    app.get(
      '/excel/export',
      {
        config: { access: 'catalog.read', audit: { category: 'download', action: 'catalog.excel.export' } },
        schema: {
          tags: ['catalog'],
          summary: 'Export every entry a search finds to .xlsx / 导出检索结果',
          description:
            'Takes the query parameters of GET /search; page and pageSize are ignored (all matches are exported).',
          querystring: SearchQuery,
        },
      },
      async (req, reply) => {
        const { path, count } = await exportSearch(ctx, req.actor as Actor, req.query);
        const { page: _page, pageSize: _pageSize, ...criteria } = req.query;
        req.auditNote.rowCount = count;
        req.auditNote.detail = criteria;
        const stream = createReadStream(path);
        stream.on('close', () => void rm(path, { force: true }).catch(() => undefined));
        return reply
          .header('content-type', XLSX)
          .header('content-disposition', attachmentDisposition(`信息资源目录_${shanghaiDate(ctx.clock.now())}.xlsx`))
          .send(stream);
      },
    );
  };
}
