import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { IdParams } from '../../platform/http/schemas';
import { ApiKey, ApiKeyInput, ApiKeyList, ApiKeyStats, CreatedApiKey } from './api-keys-schemas';
import { createKey, keyStats, listKeys, revokeKey } from './api-keys-service';

const tags = ['portal'];
const target = { targetType: 'open_api_key' } as const;

/** a signed-in public user's open API keys, under /api/portal/me/keys (their centre's 我的密钥). */
export function apiKeyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/keys',
      {
        config: { access: 'open.key.manage', audit: false },
        schema: {
          tags,
          summary: 'My open API keys with today’s calls / 我的 API 密钥',
          response: { 200: ApiKeyList },
        },
      },
      async (req) => listKeys(ctx, req.actor!),
    );

    app.post(
      '/keys',
      {
        config: {
          abuseLimit: 'apiKey',
          access: 'open.key.manage',
          audit: { category: 'admin', action: 'open.key.create', ...target },
        },
        schema: {
          tags,
          summary: 'Create an API key, shown once / 申请 API 密钥（仅显示一次）',
          body: ApiKeyInput,
          response: { 201: CreatedApiKey },
        },
      },
      async (req, reply) => {
        const created = await createKey(ctx, req.actor!, req.body);
        req.auditNote.targetId = created.item.id;
        req.auditNote.targetName = `${created.item.name}（${created.item.prefix}…）`;
        return reply.status(201).send(created);
      },
    );

    app.delete(
      '/keys/:id',
      {
        config: {
          access: 'open.key.manage',
          audit: { category: 'admin', action: 'open.key.disable', ...target, targetParam: 'id' },
        },
        schema: {
          tags,
          summary: 'Revoke one of my API keys / 停用 API 密钥',
          params: IdParams,
          response: { 200: ApiKey },
        },
      },
      async (req) => {
        const k = await revokeKey(ctx, req.actor!, req.params.id);
        req.auditNote.targetName = `${k.name}（${k.prefix}…）`;
        return k;
      },
    );

    app.get(
      '/keys/:id/stats',
      {
        config: { access: 'open.key.manage', audit: false },
        schema: {
          tags,
          summary: 'Calls of one of my keys per day, last 30 days / 密钥调用统计',
          params: IdParams,
          response: { 200: ApiKeyStats },
        },
      },
      async (req) => keyStats(ctx, req.actor!, req.params.id),
    );
  };
}
