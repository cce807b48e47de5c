import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import type { AppContext } from '../../app-context';
import type { SealedAuditRow } from './repo';
import { Nullable, Obj, Ok, PageQuery, Paged, pageBounds } from '../http/schemas';
import { auditActionLabel } from '../../../shared/audit/actions';
import { shanghaiDateTime } from '../calendar/dates';
import { AUDIT_CATEGORIES, AUDIT_CATEGORY_CODES, type AuditCategory, type AuditOutcome } from './categories';
import * as audit from './service';

const Event = Obj({
  seq: Type.String(),
  at: Type.String({ format: 'date-time' }),
  userId: Nullable(Type.String()),
  username: Nullable(Type.String()),
  realName: Nullable(Type.String()),
  departmentId: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  roles: Type.Array(Type.String()),
  category: Type.String(),
  action: Type.String(),
  actionLabel: Type.String({ description: 'The action in Chinese / 操作名称' }),
  actionLabelEn: Type.String({ description: 'The action in English' }),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  targetName: Nullable(
    Type.String({ description: 'The target as it was named when the event was written / 对象名称' }),
  ),
  rowCount: Nullable(Type.Integer()),
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  outcome: Type.String(),
  statusCode: Nullable(Type.Integer()),
  detail: Type.Unknown(),
});

const Filter = {
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  category: Type.Optional(Type.Union(AUDIT_CATEGORY_CODES.map((c) => Type.Literal(c)))),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failed')])),
  departmentId: Type.Optional(Type.String({ format: 'uuid' })),
  q: Type.Optional(Type.String({ maxLength: 100 })),
};

type FilterQuery = {
  from?: string;
  to?: string;
  category?: string;
  outcome?: string;
  departmentId?: string;
  q?: string;
};
const toFilter = (q: FilterQuery): audit.AuditFilter => ({
  from: q.from ? new Date(q.from) : undefined,
  to: q.to ? new Date(q.to) : undefined,
  category: q.category,
  outcome: q.outcome,
  departmentId: q.departmentId,
  q: q.q?.trim() || undefined,
});

const toDto = (r: SealedAuditRow) => {
  const label = auditActionLabel(r.action);
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    userId: r.user_id,
    username: r.username,
    realName: r.real_name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    roles: r.roles,
    category: r.category,
    action: r.action,
    actionLabel: label.zh,
    actionLabelEn: label.en,
    targetType: r.target_type,
    targetId: r.target_id,
    targetName: r.target_name,
    rowCount: r.row_count,
    ip: r.ip,
    userAgent: r.user_agent,
    outcome: r.outcome,
    statusCode: r.status_code,
    detail: r.detail ?? null,
  };
};

const OUTCOME_ZH: Record<AuditOutcome, string> = { success: '成功', denied: '拒绝', failed: '失败' };

/**
 * One line of the CSV export: what a person reads first (Beijing time, Chinese labels, the target's
 * name), then the codes a machine reads (the same event's category, action, outcome, target type and
 * id, and its time as ISO UTC).
 */
const csvLine = (r: SealedAuditRow) => ({
  seq: r.seq,
  at: shanghaiDateTime(r.at),
  username: r.username,
  realName: r.real_name,
  departmentName: r.department_name,
  roles: r.roles.join(' '),
  category: AUDIT_CATEGORIES[r.category as AuditCategory]?.zh ?? r.category,
  action: auditActionLabel(r.action).zh,
  target: r.target_name ?? r.target_id,
  rowCount: r.row_count,
  ip: r.ip,
  userAgent: r.user_agent,
  outcome: OUTCOME_ZH[r.outcome],
  statusCode: r.status_code,
  categoryCode: r.category,
  actionCode: r.action,
  outcomeCode: r.outcome,
  targetType: r.target_type,
  targetId: r.target_id,
  atUtc: r.at.toISOString(),
});

const CSV_COLUMNS: Array<[keyof ReturnType<typeof csvLine>, string]> = [
  ['seq', '序号'],
  ['at', '时间（北京时间）'],
  ['username', '账号'],
  ['realName', '姓名'],
  ['departmentName', '部门'],
  ['roles', '角色'],
  ['category', '操作类别'],
  ['action', '操作'],
  ['target', '操作对象'],
  ['rowCount', '数据条数'],
  ['ip', 'IP地址'],
  ['userAgent', '客户端'],
  ['outcome', '结果'],
  ['statusCode', '状态码'],
  ['categoryCode', '操作类别代码'],
  ['actionCode', '操作代码'],
  ['outcomeCode', '结果代码'],
  ['targetType', '对象类型代码'],
  ['targetId', '对象标识'],
  ['atUtc', '时间（UTC）'],
];

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/events',
      {
        config: { access: 'audit.read', audit: { category: 'query', action: 'audit.search' } },
        schema: {
          tags: ['audit'],
          summary: 'Search the audit log / 查询审计日志',
          querystring: Obj({ ...Filter, ...PageQuery }),
          response: { 200: Paged(Event) },
        },
      },
      async (req) => {
        const p = pageBounds(req.query);
        const { rows, total } = await audit.searchAuditEvents(ctx, toFilter(req.query), p.limit, p.offset);
        req.auditNote.rowCount = rows.length;
        req.auditNote.detail = { filter: req.query };
        return { items: rows.map(toDto), total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/events.csv',
      {
        config: { access: 'audit.read', audit: { category: 'download', action: 'audit.export' } },
        schema: {
          tags: ['audit'],
          summary: 'Export the filtered audit log as CSV / 导出审计日志',
          querystring: Obj(Filter),
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        req.auditNote.detail = { filter: req.query };
        const rows = Readable.from(
          (async function* () {
            for await (const r of audit.streamAuditEvents(ctx, toFilter(req.query))) yield csvLine(r);
          })(),
        );
        const csv = stringify({
          header: true,
          bom: true,
          columns: CSV_COLUMNS.map(([key, header]) => ({ key, header })),
        });
        rows.on('error', (e) => csv.destroy(e));
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header(
          'content-disposition',
          `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
        );
        return reply.send(rows.pipe(csv));
      },
    );

    app.post(
      '/verify',
      {
        config: { access: 'audit.read', audit: { category: 'analyze', action: 'audit.verify' } },
        schema: {
          tags: ['audit'],
          summary: 'Verify the SM3 hash chain / 校验审计日志完整性',
          response: {
            200: Obj({
              ok: Type.Boolean(),
              checked: Type.Integer(),
              headSeq: Type.String(),
              problems: Type.Array(Obj({ seq: Type.String(), kind: Type.String(), message: Type.String() })),
            }),
          },
        },
      },
      async (req) => {
        const r = await audit.verifyAuditChain(ctx);
        req.auditNote.rowCount = r.checked;
        req.auditNote.detail = { ok: r.ok, problems: r.problems.length };
        return r;
      },
    );

    app.get(
      '/retention',
      {
        config: { access: 'authenticated', audit: false },
        schema: {
          tags: ['audit'],
          summary: 'Audit log retention in months / 日志保留期限',
          response: { 200: Obj({ months: Type.Integer(), minimum: Type.Integer() }) },
        },
      },
      async () => ({ months: await audit.getRetentionMonths(ctx), minimum: audit.MIN_RETENTION_MONTHS }),
    );

    app.put(
      '/retention',
      {
        config: { access: 'audit.settings', audit: { category: 'admin', action: 'audit.retention.set' } },
        schema: {
          tags: ['audit'],
          summary: 'Set audit log retention (at least 6 months) / 设置日志保留期限',
          body: Obj({ months: Type.Integer({ minimum: 1, maximum: 1200 }) }),
          response: { 200: Ok },
        },
      },
      async (req) => {
        req.auditNote.detail = { months: req.body.months };
        await audit.setRetentionMonths(ctx, req.body.months, req.actor!.userId);
        return { ok: true };
      },
    );

    app.get(
      '/categories',
      {
        config: { access: 'authenticated', audit: false },
        schema: {
          tags: ['audit'],
          summary: 'Audit categories / 审计操作类别',
          response: { 200: Type.Array(Obj({ code: Type.String(), zh: Type.String(), en: Type.String() })) },
        },
      },
      async () => AUDIT_CATEGORY_CODES.map((code) => ({ code, ...AUDIT_CATEGORIES[code] })),
    );
  };
}
