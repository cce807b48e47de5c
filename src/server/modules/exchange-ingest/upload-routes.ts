import { finished } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { badRequest } from '../../platform/errors';
import { IdParams } from '../../platform/http/schemas';
import { removeSpooled, spoolUpload, type SpooledUpload } from './upload-parse';
import { UploadResult } from './upload-schemas';
import { applyUpload, MAX_UPLOAD_ROWS, maxUploadBytes, prepareUpload, type UploadRequest } from './upload-service';

const tags = ['exchange'];

/** table upload (CSV/XLSX into an entry's managed table), mounted under /api/exchange. */
export function uploadRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // One more byte than allowed reaches spoolUpload, which then refuses the file (413) and keeps nothing.
    await app.register(multipart, {
      limits: { fileSize: maxUploadBytes(ctx) + 1, files: 1, fields: 2, parts: 3, fieldSize: 2000 },
      throwFileSizeLimit: false,
    });

    app.post(
      '/entries/:id/upload',
      {
        config: {
          access: 'exchange.source.manage',
          audit: { category: 'aggregate', action: 'exchange.upload', targetType: 'catalog_entry', targetParam: 'id' },
          upload: { maxBytes: maxUploadBytes(ctx), code: 'EXCHANGE_UPLOAD_TOO_LARGE' },
        },
        schema: {
          tags,
          summary: 'Load a CSV or XLSX file into the resource’s table / 上传数据文件（CSV/XLSX）',
          description:
            'multipart/form-data: one "file" (.csv in UTF-8, or .xlsx: its first sheet), and optional fields "keyFields" (comma-separated field names ' +
            'identifying a row; default: the binding’s key when it maps to data items) and "mode" (upsert, the default, or replace: the table becomes exactly the file). ' +
            'The first row names the columns by field name or by the data item’s Chinese name. Every row is checked (type, length, key, duplicates, ' +
            'ID-card and credit-code check digits); if any is wrong nothing is written and the answer is 400 EXCHANGE_UPLOAD_INVALID with details ' +
            `{problems (first 1000), problemCount, rowsRead, …}. At most MAX_FILE_MB (${ctx.config.maxFileMb} MB here) and ${MAX_UPLOAD_ROWS} rows (413 above). ` +
            'Only the providing department’s specialist or the platform.',
          consumes: ['multipart/form-data'],
          params: IdParams,
          response: { 200: UploadResult },
        },
      },
      async (req) => {
        if (!req.isMultipart())
          throw badRequest(
            'EXCHANGE_UPLOAD_FILE_REQUIRED',
            'Upload the file as multipart/form-data',
            '请选择要上传的数据文件',
          );
        // Refused (404, 403, 409) before a byte of the file is read.
        const target = await prepareUpload(ctx, req.actor as Actor, req.params.id);
        const fields: UploadRequest = {};
        let spooled: SpooledUpload | undefined;
        try {
          for await (const part of req.parts()) {
            if (part.type === 'field') {
              if (part.fieldname === 'keyFields' || part.fieldname === 'mode')
                fields[part.fieldname] = String(part.value);
              continue;
            }
            try {
              // Not destroyed on a refusal: a destroyed part stalls the multipart parser and with it the connection.
              const file = part.file.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
              spooled = await spoolUpload(file, part.filename, maxUploadBytes(ctx));
            } catch (e) {
              // The refused rest is read and dropped before answering: answered mid-send, the
              // connection stayed busy and held up the server's shutdown for about 70 s.
              part.file.resume();
              await finished(part.file).catch(() => undefined);
              throw e;
            }
          }
          if (!spooled)
            throw badRequest(
              'EXCHANGE_UPLOAD_FILE_REQUIRED',
              'Upload the file as multipart/form-data',
              '请选择要上传的数据文件',
            );
          req.auditNote.detail = {
            fileName: spooled.fileName,
            size: spooled.size,
            mode: fields.mode ?? 'upsert',
            keyFields: fields.keyFields ?? null,
          };
          const result = await applyUpload(ctx, target, spooled, fields);
          req.auditNote.rowCount = result.rowsWritten;
          req.auditNote.detail = {
            fileName: result.fileName,
            size: spooled.size,
            mode: result.mode,
            keyFields: result.keyFields,
            rowsRead: result.rowsRead,
            rowsDeleted: result.rowsDeleted,
            rowsInTable: result.rowsInTable,
          };
          return result;
        } finally {
          if (spooled) await removeSpooled(spooled);
        }
      },
    );
  };
}
