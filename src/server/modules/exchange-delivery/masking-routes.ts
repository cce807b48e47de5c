import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { IdParams } from '../../platform/http/schemas';
import { Masking, MaskingInput, Preview, PreviewInput } from './masking-schemas';
import * as masking from './masking-service';

const tags = ['exchange'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;

/** R-43 masking per data item and channel, under /api/exchange. */
export function maskingRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/entries/:id/masking',
      {
        config: { access: 'exchange.read', audit: false },
        schema: {
          tags,
          summary: 'Masking rules of an entry’s data items, per channel / 脱敏配置',
          params: IdParams,
          response: { 200: Masking },
        },
      },
      async (req) => masking.getMasking(ctx, actorOf(req), req.params.id),
    );
    app.put(
      '/entries/:id/masking',
      {
        config: {
          access: 'exchange.source.manage',
          audit: {
            category: 'maintain',
            action: 'exchange.masking.save',
            targetType: 'catalog_entry',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Replace the masking configuration / 保存脱敏配置',
          description:
            "The whole configuration: [{field, channel, rule}]; channel '*' applies to all channels, table/file/api override it.",
          params: IdParams,
          body: MaskingInput,
          response: { 200: Masking },
        },
      },
      async (req) => {
        const { masking: m, changes } = await masking.saveMasking(ctx, actorOf(req), req.params.id, req.body);
        req.auditNote.rowCount = changes.length;
        req.auditNote.detail = { changes };
        return m;
      },
    );
    app.post(
      '/entries/:id/masking/preview',
      {
        // Not audited: the value is a sample the provider typed, and logging it could put personal data in the audit trail.
        config: { access: 'exchange.read', audit: false },
        schema: {
          tags,
          summary: 'Mask a sample value with a rule / 脱敏效果预览',
          params: IdParams,
          body: PreviewInput,
          response: { 200: Preview },
        },
      },
      async (req) => masking.previewMasking(ctx, actorOf(req), req.params.id, req.body),
    );
  };
}
