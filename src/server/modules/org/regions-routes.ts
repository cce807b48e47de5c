import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { Nullable, Obj } from '../../platform/http/schemas';
import { Region, RegionCode, RegionLevel } from './schemas';
import * as regions from './regions-service';

const Name = Type.String({ minLength: 1, maxLength: 50 });
const Sort = Type.Integer({ minimum: 0, maximum: 9999 });

export function regionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/regions',
      {
        config: { access: 'org.read', audit: false },
        schema: {
          tags: ['org'],
          summary: 'All regions as a flat list with parentCode / 行政区划列表',
          response: { 200: Type.Array(Region) },
        },
      },
      async () => regions.listRegions(ctx),
    );

    app.post(
      '/regions',
      {
        config: {
          access: 'org.manage',
          audit: { category: 'admin', action: 'org.region.create', targetType: 'region' },
        },
        schema: {
          tags: ['org'],
          summary: 'Add a region / 新增行政区划',
          body: Obj({
            code: RegionCode,
            name: Name,
            level: RegionLevel,
            parentCode: Type.Optional(Nullable(RegionCode)),
            sort: Type.Optional(Sort),
          }),
          response: { 201: Region },
        },
      },
      async (req, reply) => {
        req.auditNote.targetId = req.body.code;
        const region = await regions.createRegion(ctx, req.body);
        return reply.status(201).send(region);
      },
    );

    app.patch(
      '/regions/:code',
      {
        config: {
          access: 'org.manage',
          audit: { category: 'admin', action: 'org.region.update', targetType: 'region', targetParam: 'code' },
        },
        schema: {
          tags: ['org'],
          summary: 'Change a region / 修改行政区划',
          params: Obj({ code: RegionCode }),
          body: Obj({
            name: Type.Optional(Name),
            level: Type.Optional(RegionLevel),
            parentCode: Type.Optional(Nullable(RegionCode)),
            sort: Type.Optional(Sort),
          }),
          response: { 200: Region },
        },
      },
      async (req) => {
        req.auditNote.detail = { changed: Object.keys(req.body) };
        return regions.updateRegion(ctx, req.params.code, req.body);
      },
    );
  };
}
