import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { Nullable, Obj } from '../../platform/http/schemas';
import { auditStreamEnd } from '../../platform/audit/hook';
import { publishedVersionOf } from '../catalog';
import {
  csvByCopy,
  exportRecords,
  MAX_LIMIT,
  MAX_VERIFY,
  queryRecords,
  resourceOpenApi,
  verifyRecords,
} from './records-service';
import { XLSX_TYPE, xlsxExportStream } from './records-xlsx';

const tags = ['data'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const CodeParams = Obj({
  prefix: Type.String({ pattern: '^[0-9]{1,12}$' }),
  seq: Type.String({ pattern: '^[0-9]{6}$' }),
});
const codeOf = (p: { prefix: string; seq: string }) => `${p.prefix}/${p.seq}`;

const Selection = {
  fields: Type.Optional(
    Type.String({ maxLength: 2000, description: 'comma-separated field names; all readable fields when omitted' }),
  ),
  filter: Type.Optional(
    Type.Array(Type.String({ maxLength: 500 }), {
      maxItems: 20,
      description: 'field:value (equality), repeatable; not on masked fields',
    }),
  ),
};

/** R-24: a resource's records for callers with a grant (or its provider), at /api/v1/data/{前段码}/{后段码}. */
export function recordRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/data/:prefix/:seq/records',
      {
        config: {
          access: 'exchange.data.read',
          audit: { category: 'query', action: 'exchange.records.query', targetType: 'catalog_entry_code' },
        },
        schema: {
          tags,
          summary: 'Query a resource’s records (masked per grant) / 查询资源数据',
          params: CodeParams,
          querystring: Obj({
            ...Selection,
            sort: Type.Optional(Type.String({ maxLength: 64, description: 'field, or -field for descending' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 100 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
            cursor: Type.Optional(Type.String({ maxLength: 2000 })),
          }),
          response: {
            200: Obj({
              columns: Type.Array(
                Obj({ field: Type.String(), name: Type.String(), dataType: Type.String(), masked: Type.Boolean() }),
              ),
              items: Type.Array(Type.Record(Type.String(), Type.Unknown())),
              nextCursor: Nullable(Type.String()),
              grantNo: Nullable(Type.String()),
            }),
          },
        },
      },
      async (req, reply) => {
        const code = codeOf(req.params);
        const d = await queryRecords(ctx, actorOf(req), code, req.query);
        req.auditNote.targetId = code;
        req.auditNote.rowCount = d.rows;
        req.auditNote.detail = {
          grantNo: d.body.grantNo,
          fields: d.body.columns.map((c) => c.field),
          filter: req.query.filter ?? [],
        };
        if (d.stamp) reply.header(...d.stamp.header);
        return d.body;
      },
    );

    app.get(
      '/v1/data/:prefix/:seq/openapi.json',
      {
        config: {
          access: 'exchange.data.read',
          audit: { category: 'access', action: 'exchange.records.openapi', targetType: 'catalog_entry_code' },
        },
        schema: {
          tags,
          summary:
            'The resource’s own OpenAPI document, from its data items as the caller may read them / 资源接口说明',
          params: CodeParams,
        },
      },
      async (req) => {
        req.auditNote.targetId = codeOf(req.params);
        return resourceOpenApi(ctx, actorOf(req), codeOf(req.params));
      },
    );

    app.post(
      '/v1/data/:prefix/:seq/verify',
      {
        config: {
          access: 'exchange.data.read',
          audit: { category: 'compare', action: 'exchange.records.verify', targetType: 'catalog_entry_code' },
        },
        schema: {
          tags,
          summary: 'Verify values against a resource without reading it (R-25) / 数据比对核验',
          description:
            'Each record lists values for `fields` in order; the answer says per record whether a row holds exactly those values.',
          params: CodeParams,
          body: Obj({
            fields: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 10 }),
            records: Type.Array(Type.Array(Type.String({ maxLength: 500 }), { minItems: 1, maxItems: 10 }), {
              minItems: 1,
              maxItems: MAX_VERIFY,
            }),
          }),
          response: { 200: Obj({ results: Type.Array(Type.Boolean()), grantNo: Nullable(Type.String()) }) },
        },
      },
      async (req, reply) => {
        const code = codeOf(req.params);
        const d = await verifyRecords(ctx, actorOf(req), code, req.body.fields, req.body.records);
        req.auditNote.targetId = code;
        req.auditNote.rowCount = d.rows;
        // Which fields were compared and how many matched; never the values themselves.
        req.auditNote.detail = {
          grantNo: d.body.grantNo,
          fields: req.body.fields,
          matched: d.body.results.filter(Boolean).length,
        };
        if (d.stamp) reply.header(...d.stamp.header);
        return d.body;
      },
    );

    app.get(
      '/v1/data/:prefix/:seq/export',
      {
        config: {
          access: 'exchange.data.read',
          audit: { category: 'download', action: 'exchange.records.export', targetType: 'catalog_entry_code' },
        },
        schema: {
          tags,
          summary:
            'Export a resource’s records as CSV, JSON lines or Excel, streamed, masked, stamped with the grant / 导出资源数据',
          description:
            'The request is audited as it starts; an `exchange.records.export.end` event records the rows sent once the stream ends.',
          params: CodeParams,
          querystring: Obj({
            ...Selection,
            format: Type.Optional(
              Type.Union([Type.Literal('csv'), Type.Literal('jsonl'), Type.Literal('xlsx')], { default: 'csv' }),
            ),
          }),
          produces: ['text/csv', 'application/x-ndjson', XLSX_TYPE],
        },
      },
      async (req, reply) => {
        const code = codeOf(req.params);
        const e = await exportRecords(ctx, actorOf(req), code, req.query);
        req.auditNote.targetId = code;
        req.auditNote.detail = {
          grantNo: e.access.grant?.no ?? null,
          fields: e.columns,
          format: req.query.format ?? 'csv',
        };
        if (e.stamp) reply.header(...e.stamp.header).header('x-govshare-notice', encodeURIComponent(e.stamp.notice));
        const name = `${code.replace('/', '-')}${e.access.grant ? `-${e.access.grant.no}` : ''}`;
        const title =
          req.query.format === 'xlsx' ? ((await publishedVersionOf(ctx, e.access.entryId))?.name ?? null) : null;
        // The request's event is written before the body streams; the rows sent are recorded when it ends.
        const sent = { rows: 0, all: false };
        const counted = (async function* () {
          for await (const r of e.rows) {
            sent.rows++;
            yield r;
          }
          sent.all = true;
        })();
        auditStreamEnd(ctx, req, reply, () => ({
          rowCount: sent.rows,
          complete: sent.all,
          detail: { grantNo: e.access.grant?.no ?? null, format: req.query.format ?? 'csv' },
        }));
        if (req.query.format === 'xlsx') {
          const byColumn = new Map(e.access.columns.map((c) => [c.column, c]));
          const body = {
            code,
            name: title,
            grantNo: e.access.grant?.no ?? null,
            notice: e.stamp?.notice ?? null,
            exportedAt: ctx.clock.now(),
          };
          reply.header('content-type', XLSX_TYPE).header('content-disposition', `attachment; filename="${name}.xlsx"`);
          return reply.send(
            xlsxExportStream({ ...body, columns: e.columns.map((f) => byColumn.get(f)!), rows: counted }, req.log),
          );
        }
        const rows = Readable.from(counted);
        if (req.query.format === 'jsonl') {
          reply
            .header('content-type', 'application/x-ndjson; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}.jsonl"`);
          const lines = Readable.from(
            (async function* () {
              // The first line says under which grant the data left the platform (R-19).
              yield `${JSON.stringify({ resource: code, grantNo: e.access.grant?.no ?? null, notice: e.stamp?.notice ?? null })}\n`;
              for await (const r of rows) yield `${JSON.stringify(r)}\n`;
            })(),
          );
          return reply.send(lines);
        }
        const copied = csvByCopy(
          ctx,
          e,
          (n) => (sent.rows += n),
          () => (sent.all = true),
        );
        if (copied) {
          reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}.csv"`);
          return reply.send(Readable.from(copied));
        }
        const csv = stringify({
          header: true,
          bom: true,
          columns: e.columns.map((c) => ({ key: c, header: c })),
          cast: { boolean: (b) => (b ? 'true' : 'false'), date: (d) => d.toISOString() },
        });
        rows.on('error', (err) => csv.destroy(err));
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`);
        return reply.send(rows.pipe(csv));
      },
    );
  };
}
