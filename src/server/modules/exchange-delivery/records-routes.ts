import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { Nullable, Obj } from '../../platform/http/schemas';
import { auditStreamEnd } from '../../platform/audit/hook';
import { MAX_LIMIT, MAX_VERIFY, queryRecords, resourceOpenApi, verifyRecords } from './records-service';
import { openExport } from './records-export';
import { XLSX_TYPE } from './records-xlsx';

const tags = ['data'];
/** The signed-in caller and the address the grant's IP ranges are checked against. */
const callerOf = (req: { actor: Actor | null; ip: string }) => ({ ...(req.actor as Actor), ip: req.ip });
/** Whom an export's fingerprint names (Art 18). */
const recipientOf = (req: { actor: Actor | null; ip: string }) => {
  const a = req.actor as Actor;
  const { userId, username, realName, departmentId, departmentName } = a;
  return { userId, username, realName, departmentId, departmentName, ip: req.ip };
};
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

/** a resource's records for callers with a grant (or its provider), at /api/v1/data/{前段码}/{后段码}. */
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
        const d = await queryRecords(ctx, callerOf(req), code, req.query);
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
        return resourceOpenApi(ctx, callerOf(req), codeOf(req.params));
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
        const d = await verifyRecords(ctx, callerOf(req), code, req.body.fields, req.body.records);
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
          abuseLimit: 'download',
          access: 'exchange.data.read',
          audit: {
            category: 'download',
            action: 'exchange.records.export',
            targetType: 'catalog_entry_code',
            streamEnd: true,
          },
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
            header: Type.Optional(
              Type.Union([Type.Literal('name'), Type.Literal('code')], {
                default: 'name',
                description:
                  'CSV and JSON Lines column names: the data items’ names (数据项名称, default) or field names (code); Excel has both lines',
              }),
            ),
          }),
          produces: ['text/csv', 'application/x-ndjson', XLSX_TYPE],
        },
      },
      async (req, reply) => {
        const code = codeOf(req.params);
        const e = await openExport(ctx, callerOf(req), code, { ...req.query, recipient: recipientOf(req) }, req.log);
        req.auditNote.targetId = code;
        req.auditNote.detail = { grantNo: e.grantNo, fields: e.fields, format: e.format, mark: e.mark };
        if (e.stamp) reply.header(...e.stamp.header).header('x-govshare-notice', encodeURIComponent(e.stamp.notice));
        // The request's event is written before the body streams; the rows sent are recorded when it ends.
        auditStreamEnd(ctx, req, reply, () => ({
          rowCount: e.sent.rows,
          complete: e.sent.all,
          detail: { grantNo: e.grantNo, format: e.format, mark: e.mark },
        }));
        reply
          .header('content-type', e.contentType)
          .header('content-disposition', `attachment; filename="${e.fileName}"`);
        return reply.send(e.body);
      },
    );
  };
}
