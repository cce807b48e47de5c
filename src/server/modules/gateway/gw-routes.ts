import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { handleCall, type CallParams } from './call-handler';
import type { GatewayHost } from './gateway-runtime';
import { HTTP_METHODS } from './schemas';

/**
 * The gateway itself, mounted at /gw: /gw/{前段码}/{后段码}/{operation path}, the entry's code as in the query API. Its routes declare no
 * `access`: callers are systems, not sessions, and each call is authenticated and audited by the
 * handler (call-handler.ts). Bodies of every type arrive as raw streams, read within the service's limit.
 */
export function gwRoutes(ctx: AppContext, host: GatewayHost): FastifyPluginAsyncTypebox {
  return async (app) => {
    const rt = host.start(ctx);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    app.addHook('onClose', () => host.stop());
    app.route<{ Params: CallParams }>({
      method: [...HTTP_METHODS],
      url: '/:prefix/:seq/*',
      schema: { hide: true },
      // Answers for systems, not browsers: no page headers, and none of their cost on every call.
      helmet: false,
      handler: (req, reply) => handleCall(ctx, rt, req, reply),
    });
  };
}
