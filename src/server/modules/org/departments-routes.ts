import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams, Nullable, Obj, PageQuery, Paged, Uuid, pageBounds } from '../../platform/http/schemas';
import { Department, DepartmentKind, RegionCode } from './schemas';
import * as departments from './departments-service';

const Status = Type.Union([Type.Literal('active'), Type.Literal('inactive')]);
const CreditCode = Type.String({
  minLength: 18,
  maxLength: 24,
  description: '统一社会信用代码 (GB 32100-2015), 18 characters',
});
const Name = Type.String({ minLength: 1, maxLength: 100 });
const ShortName = Nullable(Type.String({ maxLength: 50 }));

export function departmentRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/departments',
      {
        config: { access: 'org.read', audit: { category: 'query', action: 'org.department.search' } },
        schema: {
          tags: ['org'],
          summary: 'Search departments / 查询部门',
          querystring: Obj({
            q: Type.Optional(Type.String({ maxLength: 100, description: 'name, short name or credit code' })),
            regionCode: Type.Optional(RegionCode),
            kind: Type.Optional(DepartmentKind),
            status: Type.Optional(Status),
            ...PageQuery,
          }),
          response: { 200: Paged(Department) },
        },
      },
      async (req) => {
        const { page, pageSize, ...filter } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await departments.listDepartments(ctx, filter, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/departments/:id',
      {
        config: { access: 'org.read', audit: false },
        schema: {
          tags: ['org'],
          summary: 'One department / 部门详情',
          params: IdParams,
          response: { 200: Department },
        },
      },
      async (req) => departments.getDepartment(ctx, req.params.id),
    );

    app.post(
      '/departments',
      {
        config: {
          access: 'org.manage',
          audit: { category: 'admin', action: 'org.department.create', targetType: 'department' },
        },
        schema: {
          tags: ['org'],
          summary: 'Register a department or public-service enterprise / 新增部门',
          body: Obj({
            creditCode: CreditCode,
            name: Name,
            shortName: Type.Optional(ShortName),
            kind: DepartmentKind,
            regionCode: RegionCode,
            parentId: Type.Optional(Nullable(Uuid)),
          }),
          response: { 201: Department },
        },
      },
      async (req, reply) => {
        const d = await departments.createDepartment(ctx, req.body);
        req.auditNote.targetId = d.id;
        req.auditNote.detail = { name: d.name, creditCode: d.creditCode };
        return reply.status(201).send(d);
      },
    );

    app.patch(
      '/departments/:id',
      {
        config: {
          access: 'org.manage',
          audit: { category: 'admin', action: 'org.department.update', targetType: 'department', targetParam: 'id' },
        },
        schema: {
          tags: ['org'],
          summary: 'Change a department, or set it inactive / 修改部门（停用代替删除）',
          params: IdParams,
          body: Obj({
            creditCode: Type.Optional(CreditCode),
            name: Type.Optional(Name),
            shortName: Type.Optional(ShortName),
            kind: Type.Optional(DepartmentKind),
            regionCode: Type.Optional(RegionCode),
            parentId: Type.Optional(Nullable(Uuid)),
            status: Type.Optional(Status),
          }),
          response: { 200: Department },
        },
      },
      async (req) => {
        req.auditNote.detail = { changed: req.body };
        return departments.updateDepartment(ctx, req.params.id, req.body);
      },
    );
  };
}
