import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { scopeOf, type Scope } from '../rbac/scope';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import type { AppContext } from '../../app-context';
import type { SealedAuditRow } from './repo';
import { Nullable, Obj, Ok, PageQuery, Paged, pageBounds } from '../http/schemas';
import { auditActionLabel } from '../../../shared/audit/actions';
import { shanghaiDateTime } from '../calendar/dates';
import { AUDIT_CATEGORIES, AUDIT_CATEGORY_CODES, type AuditCategory, type AuditOutcome } from './categories';
import * as audit from './service';
import * as digest from './digest';
import { forbidden } from '../errors';

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

/**
 * The log's two readers: the auditor reads the whole city's; a department's leader and 数据专员
 * read the events about its data and its use, the same routes under /department with a query filter
 * (scopeOf: the auditor there sees every department's).
 */
interface LogReader {
  base: string;
  access: 'audit.read' | 'audit.department.read';
  actions: { search: string; csv: string; archive: string };
  zh: string;
  scope(req: FastifyRequest): Scope | undefined;
}
const CITY: LogReader = {
  base: '',
  access: 'audit.read',
  actions: { search: 'audit.search', csv: 'audit.export', archive: 'audit.archive' },
  zh: '审计日志',
  scope: () => undefined,
};
const DEPARTMENT: LogReader = {
  base: '/department',
  access: 'audit.department.read',
  actions: { search: 'audit.department.search', csv: 'audit.department.export', archive: 'audit.department.archive' },
  zh: '本部门相关审计日志',
  scope: (req) => scopeOf(req.actor ?? null, 'audit.department.read'),
};

const today = () => new Date().toISOString().slice(0, 10);

function attachment(reply: FastifyReply, type: string, name: string) {
  reply.header('content-type', type);
  reply.header('content-disposition', `attachment; filename="${name}"`);
}

type TypeboxApp = Parameters<FastifyPluginAsyncTypebox>[0];

function logRoutes(app: TypeboxApp, ctx: AppContext, r: LogReader) {
  const filterOf = (req: FastifyRequest<{ Querystring: FilterQuery }>) => ({
    ...toFilter(req.query),
    concerning: r.scope(req),
  });
  app.get(
    `${r.base}/events`,
    {
      config: { access: r.access, audit: { category: 'query', action: r.actions.search } },
      schema: {
        tags: ['audit'],
        summary: `Search the audit log${r.base ? ' about the department' : ''} / 查询${r.zh}`,
        querystring: Obj({ ...Filter, ...PageQuery }),
        response: { 200: Paged(Event) },
      },
    },
    async (req) => {
      const p = pageBounds(req.query);
      const { rows, total } = await audit.searchAuditEvents(ctx, filterOf(req), p.limit, p.offset);
      req.auditNote.rowCount = rows.length;
      req.auditNote.detail = { filter: req.query };
      return { items: rows.map(toDto), total, page: p.page, pageSize: p.pageSize };
    },
  );

  app.get(
    `${r.base}/events.csv`,
    {
      config: { access: r.access, audit: { category: 'download', action: r.actions.csv } },
      schema: {
        tags: ['audit'],
        summary: `Export the filtered log as CSV / 导出${r.zh}`,
        querystring: Obj(Filter),
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      req.auditNote.detail = { filter: req.query };
      const rows = Readable.from(
        (async function* () {
          for await (const e of audit.streamAuditEvents(ctx, filterOf(req))) yield csvLine(e);
        })(),
      );
      const csv = stringify({
        header: true,
        bom: true,
        columns: CSV_COLUMNS.map(([key, header]) => ({ key, header })),
      });
      rows.on('error', (e) => csv.destroy(e));
      attachment(reply, 'text/csv; charset=utf-8', `audit-${today()}.csv`);
      return reply.send(rows.pipe(csv));
    },
  );

  app.get(
    `${r.base}/events.archive`,
    {
      config: { access: r.access, audit: { category: 'download', action: r.actions.archive } },
      schema: {
        tags: ['audit'],
        summary: `Export the filtered log as a signed archive / 导出${r.zh}签名归档`,
        description:
          'JSON lines: every event with its SM3 links, then a trailer signed with the instance’s SM2 key. ' +
          '`govshare audit verify-archive FILE` verifies it offline.',
        querystring: Obj(Filter),
        produces: ['application/x-ndjson'],
      },
    },
    async (req, reply) => {
      req.auditNote.detail = { filter: req.query };
      const scope = r.scope(req);
      const label = scope?.kind === 'department' ? scope.departmentId : 'city';
      const body = Readable.from(audit.auditArchive(ctx, filterOf(req), label, req.query));
      attachment(reply, 'application/x-ndjson; charset=utf-8', `audit-${today()}.govshare-audit.jsonl`);
      return reply.send(body);
    },
  );
}

const UsageLine = Obj({
  departmentId: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  target: Nullable(Type.String()),
  grantNo: Nullable(Type.String()),
  action: Type.String(),
  events: Type.Integer(),
  rows: Type.Integer(),
});
const DigestItem = Obj({
  id: Type.String(),
  departmentId: Type.String(),
  departmentName: Type.String(),
  periodFrom: Type.String({ format: 'date' }),
  periodTo: Type.String({ format: 'date' }),
  createdAt: Type.String({ format: 'date-time' }),
  webhookStatus: Nullable(Type.Union([Type.Literal('sent'), Type.Literal('failed')])),
  webhookError: Nullable(Type.String()),
});
const Signature = Obj({
  kid: Type.String(),
  algorithm: Type.Literal('SM2'),
  signature: Type.String(),
  publicKey: Type.String(),
});
const Digest = Obj({
  digest: Obj({
    format: Type.String(),
    department: Obj({ id: Type.String(), name: Type.String() }),
    period: Obj({ from: Type.String(), to: Type.String() }),
    generatedAt: Type.String(),
    asProvider: Type.Array(UsageLine),
    asConsumer: Type.Array(UsageLine),
  }),
  signature: Signature,
});
const Webhook = Obj({
  url: Nullable(
    Type.String({ maxLength: 500, description: 'http(s) address receiving the signed digests / 推送地址' }),
  ),
});

/** The monthly usage digests a department received, and where its own system receives them. */
function digestRoutes(app: TypeboxApp, ctx: AppContext) {
  const scope = (req: FastifyRequest) => scopeOf(req.actor ?? null, 'audit.department.read');
  const ownDepartment = (req: FastifyRequest) => {
    const id = req.actor?.departmentId;
    if (!id) throw forbidden('Only a department sets its webhook', '仅部门可设置推送地址');
    return id;
  };
  app.get(
    '/department/digests',
    {
      config: { access: 'audit.department.read', audit: { category: 'query', action: 'audit.digest.list' } },
      schema: {
        tags: ['audit'],
        summary: 'Usage digests of the department / 数据使用情况摘要',
        querystring: Obj(PageQuery),
        response: { 200: Paged(DigestItem) },
      },
    },
    async (req) => {
      const p = pageBounds(req.query);
      const r = await digest.listDigests(ctx, scope(req), p.limit, p.offset);
      return { ...r, page: p.page, pageSize: p.pageSize };
    },
  );
  app.get(
    '/department/digests/:id',
    {
      config: {
        access: 'audit.department.read',
        audit: { category: 'query', action: 'audit.digest.read', targetType: 'audit_digest', targetParam: 'id' },
      },
      schema: {
        tags: ['audit'],
        summary: 'One usage digest with its SM2 signature / 数据使用情况摘要详情',
        params: Obj({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Digest },
      },
    },
    async (req) => digest.getDigest(ctx, scope(req), req.params.id),
  );
  app.get(
    '/department/webhook',
    {
      config: { access: 'audit.department.read', audit: false },
      schema: {
        tags: ['audit'],
        summary: 'Where the department receives its digests / 摘要推送地址',
        response: { 200: Webhook },
      },
    },
    async (req) => ({ url: req.actor?.departmentId ? await digest.getWebhook(ctx, req.actor.departmentId) : null }),
  );
  app.put(
    '/department/webhook',
    {
      config: { access: 'audit.digest.webhook', audit: { category: 'admin', action: 'audit.digest.webhook.set' } },
      schema: {
        tags: ['audit'],
        summary: 'Set (or clear with null) the digest webhook / 设置摘要推送地址',
        body: Webhook,
        response: { 200: Ok },
      },
    },
    async (req) => {
      req.auditNote.detail = { url: req.body.url };
      await digest.setWebhook(ctx, ownDepartment(req), req.body.url, req.actor!.userId);
      return { ok: true };
    },
  );
}

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    logRoutes(app, ctx, CITY);
    logRoutes(app, ctx, DEPARTMENT);
    digestRoutes(app, ctx);

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
