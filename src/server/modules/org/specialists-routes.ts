import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams, Nullable, Obj, PageQuery, Paged, Uuid, pageBounds } from '../../platform/http/schemas';
import { DateStr, Email, Mobile, Phone, Specialist, SpecialistChange } from './schemas';
import * as specialists from './specialists-service';

const Name = Type.String({ minLength: 1, maxLength: 50 });
const Title = Nullable(Type.String({ maxLength: 50, description: '职务' }));

export function specialistRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/specialists',
      {
        config: { access: 'specialist.read', audit: { category: 'query', action: 'org.specialist.search' } },
        schema: {
          tags: ['org'],
          summary: 'Data specialists registry (Art 28) / 数据专员名录',
          querystring: Obj({
            departmentId: Type.Optional(Uuid),
            active: Type.Optional(
              Type.Boolean({ description: 'true: serving today; false: retired or not yet started' }),
            ),
            ...PageQuery,
          }),
          response: { 200: Paged(Specialist) },
        },
      },
      async (req) => {
        const { page, pageSize, ...filter } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await specialists.listSpecialists(ctx, filter, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/specialists/:id/history',
      {
        config: {
          access: 'specialist.read',
          audit: { category: 'access', action: 'org.specialist.history', targetType: 'specialist', targetParam: 'id' },
        },
        schema: {
          tags: ['org'],
          summary: 'Changes to a specialist record, newest first / 数据专员变更记录',
          params: IdParams,
          response: { 200: Type.Array(SpecialistChange) },
        },
      },
      async (req) => specialists.history(ctx, req.params.id),
    );

    app.post(
      '/specialists',
      {
        config: {
          access: 'specialist.manage',
          audit: { category: 'maintain', action: 'org.specialist.create', targetType: 'specialist' },
        },
        schema: {
          tags: ['org'],
          summary: "Register a department's data specialist / 报送数据专员",
          body: Obj({
            departmentId: Uuid,
            userId: Type.Optional(Nullable(Uuid)),
            name: Name,
            title: Type.Optional(Title),
            phone: Type.Optional(Nullable(Phone)),
            mobile: Mobile,
            email: Type.Optional(Nullable(Email)),
            activeFrom: DateStr,
          }),
          response: { 201: Specialist },
        },
      },
      async (req, reply) => {
        const s = await specialists.createSpecialist(ctx, req.actor, req.body);
        req.auditNote.targetId = s.id;
        req.auditNote.detail = { departmentId: s.departmentId, name: s.name };
        return reply.status(201).send(s);
      },
    );

    app.patch(
      '/specialists/:id',
      {
        config: {
          access: 'specialist.manage',
          audit: { category: 'maintain', action: 'org.specialist.update', targetType: 'specialist', targetParam: 'id' },
        },
        schema: {
          tags: ['org'],
          summary: "Update a specialist's details / 更新数据专员信息",
          params: IdParams,
          body: Obj({
            departmentId: Type.Optional(Uuid),
            userId: Type.Optional(Nullable(Uuid)),
            name: Type.Optional(Name),
            title: Type.Optional(Title),
            phone: Type.Optional(Nullable(Phone)),
            mobile: Type.Optional(Mobile),
            email: Type.Optional(Nullable(Email)),
            activeFrom: Type.Optional(DateStr),
          }),
          response: { 200: Specialist },
        },
      },
      async (req) => {
        req.auditNote.detail = { changed: Object.keys(req.body) };
        return specialists.updateSpecialist(ctx, req.actor, req.params.id, req.body);
      },
    );

    app.post(
      '/specialists/:id/retire',
      {
        config: {
          access: 'specialist.manage',
          audit: { category: 'maintain', action: 'org.specialist.retire', targetType: 'specialist', targetParam: 'id' },
        },
        schema: {
          tags: ['org'],
          summary: 'Record that a specialist left the role (activeTo = last day served) / 数据专员卸任',
          params: IdParams,
          body: Obj({ activeTo: DateStr }),
          response: { 200: Specialist },
        },
      },
      async (req) => specialists.retireSpecialist(ctx, req.actor, req.params.id, req.body.activeTo),
    );
  };
}
