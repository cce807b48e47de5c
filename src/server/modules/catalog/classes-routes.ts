import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { Nullable, Obj, Uuid } from '../../platform/http/schemas';
import * as classes from './classes-service';

const Level = Type.Union([
  Type.Literal('class'),
  Type.Literal('item'),
  Type.Literal('category'),
  Type.Literal('subcategory'),
]);
const Status = Type.Union([Type.Literal('active'), Type.Literal('inactive')]);
const ClassCode = Type.String({ pattern: '^[1-3]\\d{0,11}$', description: '类 1 digit, 项 +2, 目 +3, 细目 +1…6' });
const CatalogClass = Obj({
  code: Type.String(),
  name: Type.String(),
  level: Level,
  parentCode: Nullable(Type.String()),
  departmentId: Nullable(Uuid),
  departmentName: Nullable(Type.String()),
  sort: Type.Integer(),
  status: Status,
});
const EnumOption = Obj({ code: Type.String(), zh: Type.String(), en: Type.String() });
const EnumList = Type.Array(EnumOption);
const Enums = Obj({
  shareTypes: EnumList,
  openTypes: EnumList,
  shareMethods: EnumList,
  formatKinds: EnumList,
  updateCycles: EnumList,
  dataTypes: EnumList,
  sensitivities: EnumList,
  openDomains: EnumList,
  versionStatuses: EnumList,
  changeKinds: EnumList,
  entryStatuses: EnumList,
  objectionKinds: EnumList,
  classLevels: EnumList,
});

export function classRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/enums',
      {
        config: { access: 'authenticated', audit: false },
        schema: {
          tags: ['catalog'],
          summary: 'Catalog enumerations with Chinese and English names / 目录代码表',
          response: { 200: Enums },
        },
      },
      async () => classes.catalogEnums(ctx),
    );

    app.get(
      '/classes',
      {
        // Reference data every form needs; reading it is not an operation on information resources.
        config: { access: 'catalog.read', audit: false },
        schema: {
          tags: ['catalog'],
          summary: 'Classification tree as a flat list / 信息资源分类',
          querystring: Obj({ status: Type.Optional(Status) }),
          response: { 200: Type.Array(CatalogClass) },
        },
      },
      async (req) => classes.listClasses(ctx, req.query.status),
    );

    app.post(
      '/classes',
      {
        config: {
          access: 'catalog.classify',
          audit: { category: 'admin', action: 'catalog.class.create', targetType: 'catalog_class' },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Add a 目 or 细目 (or a 项 under 基础/主题) / 新增分类',
          body: Obj({
            parentCode: ClassCode,
            code: ClassCode,
            name: Type.String({ minLength: 1, maxLength: 100 }),
            sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          }),
          response: { 201: CatalogClass },
        },
      },
      async (req, reply) => {
        const c = await classes.createClass(ctx, req.body);
        req.auditNote.targetId = c.code;
        req.auditNote.detail = { name: c.name };
        return reply.status(201).send(c);
      },
    );

    app.patch(
      '/classes/:code',
      {
        config: {
          access: 'catalog.classify',
          audit: {
            category: 'admin',
            action: 'catalog.class.update',
            targetType: 'catalog_class',
            targetParam: 'code',
          },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Rename, reorder or deactivate a class / 修改分类',
          params: Obj({ code: ClassCode }),
          body: Obj({
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
            status: Type.Optional(Status),
          }),
          response: { 200: CatalogClass },
        },
      },
      async (req) => {
        req.auditNote.detail = { changed: req.body };
        return classes.updateClass(ctx, req.params.code, req.body);
      },
    );

    app.post(
      '/classes/department-items',
      {
        config: {
          access: 'catalog.classify',
          audit: { category: 'admin', action: 'catalog.class.department_item', targetType: 'catalog_class' },
        },
        schema: {
          tags: ['catalog'],
          summary: "Create a department's item (3xx) in the 部门 class / 生成部门分类项",
          body: Obj({ departmentId: Uuid }),
          response: { 201: CatalogClass },
        },
      },
      async (req, reply) => {
        const c = await classes.createDepartmentItem(ctx, req.body.departmentId);
        req.auditNote.targetId = c.code;
        req.auditNote.detail = { departmentId: req.body.departmentId };
        return reply.status(201).send(c);
      },
    );
  };
}
