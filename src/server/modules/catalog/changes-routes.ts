import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams, Obj } from '../../platform/http/schemas';
import { EntryVersion } from './entries-schemas';
import * as changes from './changes-service';

export function changeRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/entries/:id/changes',
      {
        config: {
          access: 'catalog.compile',
          audit: {
            category: 'maintain',
            action: 'catalog.change.start',
            targetType: 'catalog_entry',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary:
            'Start a change: a draft copy of the published version; its change note is set with PATCH /versions/:id / 变更目录',
          params: IdParams,
          response: { 201: EntryVersion },
        },
      },
      async (req, reply) => reply.status(201).send(await changes.startChange(ctx, req.actor!, req.params.id)),
    );

    app.post(
      '/entries/:id/deletion',
      {
        config: {
          access: 'catalog.compile',
          audit: {
            category: 'maintain',
            action: 'catalog.change.delete',
            targetType: 'catalog_entry',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Request deletion; goes straight to department review / 申请删除目录',
          params: IdParams,
          body: Obj({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }),
          response: { 201: EntryVersion },
        },
      },
      async (req, reply) => {
        req.auditNote.detail = { reason: req.body.reason };
        return reply.status(201).send(await changes.requestDeletion(ctx, req.actor!, req.params.id, req.body.reason));
      },
    );
  };
}
