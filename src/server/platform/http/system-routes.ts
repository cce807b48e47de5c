import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { VERSION } from '../../version';
import { calendarWarnings } from '../calendar/service';
import { Obj } from './schemas';

export function systemRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/health',
      {
        config: { access: 'public', audit: false },
        schema: {
          tags: ['system'],
          summary: 'Liveness, database kind and configuration warnings / 运行状态',
          response: {
            200: Obj({
              status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
              db: Type.Union([Type.Literal('pglite'), Type.Literal('postgresql')]),
              version: Type.String(),
              warnings: Type.Array(Obj({ code: Type.String(), message: Type.String(), messageZh: Type.String() })),
            }),
          },
        },
      },
      async () => {
        const warnings = await calendarWarnings(ctx);
        return {
          status: warnings.length ? ('degraded' as const) : ('ok' as const),
          db: ctx.dbKind,
          version: VERSION,
          warnings,
        };
      },
    );

    app.get('/openapi.json', { config: { access: 'public', audit: false }, schema: { hide: true } }, async () =>
      app.swagger(),
    );
  };
}
