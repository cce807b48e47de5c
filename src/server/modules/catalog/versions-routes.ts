import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams, Nullable, Obj, Uuid } from '../../platform/http/schemas';
import { EntryVersion, VersionDiff } from './entries-schemas';
import { EntryInput } from '../../../shared/catalog/schemas';
import * as versions from './versions-service';
import { withdrawVersion } from './changes-service';

/** Every field optional: what is left out keeps its value; items, when given, replace the list. */
const VersionPatch = Type.Composite(
  [
    Type.Partial(EntryInput),
    Obj({ changeNote: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: '变更说明' }))) }),
  ],
  {
    additionalProperties: false,
  },
);

export function versionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/versions/:id',
      {
        config: {
          access: 'catalog.read',
          audit: {
            category: 'access',
            action: 'catalog.version.read',
            targetType: 'catalog_version',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary: 'One version with its data items / 目录版本',
          params: IdParams,
          response: { 200: EntryVersion },
        },
      },
      async (req) => versions.getVersion(ctx, req.actor!, req.params.id),
    );

    app.get(
      '/versions/:id/diff',
      {
        config: {
          access: 'catalog.read',
          audit: {
            category: 'access',
            action: 'catalog.version.diff',
            targetType: 'catalog_version',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary:
            'Field and item differences against another version (default: the published one before it) / 版本比较',
          params: IdParams,
          querystring: Obj({ against: Type.Optional(Uuid) }),
          response: { 200: VersionDiff },
        },
      },
      async (req) => versions.diff(ctx, req.actor!, req.params.id, req.query.against),
    );

    app.patch(
      '/versions/:id',
      {
        config: {
          access: 'catalog.compile',
          audit: {
            category: 'maintain',
            action: 'catalog.version.update',
            targetType: 'catalog_version',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Edit a draft or returned version / 修改目录',
          params: IdParams,
          body: VersionPatch,
          response: { 200: EntryVersion },
        },
      },
      async (req) => {
        req.auditNote.detail = { fields: Object.keys(req.body) };
        return versions.updateVersion(ctx, req.actor!, req.params.id, req.body);
      },
    );

    app.post(
      '/versions/:id/submit',
      {
        config: {
          access: 'catalog.compile',
          audit: {
            category: 'maintain',
            action: 'catalog.version.submit',
            targetType: 'catalog_version',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Submit to department review / 提交审核',
          params: IdParams,
          response: { 200: EntryVersion },
        },
      },
      async (req) => versions.submitVersion(ctx, req.actor!, req.params.id),
    );

    app.post(
      '/versions/:id/withdraw',
      {
        config: {
          access: 'catalog.compile',
          audit: {
            category: 'maintain',
            action: 'catalog.version.withdraw',
            targetType: 'catalog_version',
            targetParam: 'id',
          },
        },
        schema: {
          tags: ['catalog'],
          summary: 'Withdraw a change or deletion that is a draft or was returned / 撤回变更',
          params: IdParams,
          response: { 200: EntryVersion },
        },
      },
      async (req) => withdrawVersion(ctx, req.actor!, req.params.id),
    );
  };
}
