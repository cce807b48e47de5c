import type { FastifyReply, FastifyRequest } from 'fastify';
import { originOf } from '../../../platform/http/origin';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../app-context';
import { ACTIONS } from './ckan-service';
import { CkanError, type Params } from './ckan-params';
import { datastoreSearch } from './ckan-datastore';
import { AppError } from '../../../platform/errors';
import { Obj } from '../../../platform/http/schemas';
import { Type } from '@sinclair/typebox';

/** What CKAN's envelope says of an error: its type, and the message or the fields' messages. */
function ckanError(err: unknown): { status: number; error: Record<string, unknown> } {
  if (err instanceof CkanError)
    return {
      status: err.status,
      error: { __type: err.ckanType, ...(err.fields ?? { message: err.message }) },
    };
  if (err instanceof AppError && err.status < 500)
    return {
      status: err.status,
      error: { __type: err.status === 404 ? 'Not Found Error' : 'Validation Error', message: err.message },
    };
  // A body that is not JSON (Fastify's own 400s).
  if (err instanceof Error && 'statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500)
    return { status: 400, error: { __type: 'Bad Request', message: `Bad request - ${err.message}` } };
  return { status: 500, error: { __type: 'Internal Server Error', message: 'Internal server error' } };
}

/**
 * CKAN's Action API at /api/3/action/{name} (and /api/action/{name}), GET with query parameters
 * or POST with a JSON body, answered in CKAN's envelope {help, success, result} and with its errors
 * ({success: false, error: {__type, message}}: 404 Not Found Error, 409 Validation Error and Search
 * Query Error, 400 for an action it does not know). Public metadata: not audited, like the portal's pages.
 */
export function ckanRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const help = (req: FastifyRequest, action: string) =>
      `${originOf(req)}/api/3/action/help_show?name=${encodeURIComponent(action)}`;

    app.setErrorHandler((err, req, reply) => {
      const action =
        (req.params as { action?: string } | undefined)?.action ?? req.url.split('?')[0]!.split('/').pop()!;
      const { status, error } = ckanError(err);
      if (status >= 500) req.log.error({ err }, 'CKAN action failed');
      return reply.status(status).send({ help: help(req, action), success: false, error });
    });

    const paramsOf = (req: FastifyRequest): Params => ({
      ...(req.query as Params),
      ...(req.method === 'POST' && req.body && typeof req.body === 'object' ? (req.body as Params) : {}),
    });

    const handle = async (req: FastifyRequest<{ Params: { action: string } }>, reply: FastifyReply) => {
      const { action } = req.params;
      // Own keys only: `__proto__` or `toString` is an unknown action, not a property of every object.
      const run = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
      if (!run) {
        return reply.status(400).send({
          help: help(req, action),
          success: false,
          error: { __type: 'Bad Request', message: `Bad request - Action name not known: ${action}` },
        });
      }
      const result = await run(ctx, paramsOf(req), originOf(req));
      return { help: help(req, action), success: true, result };
    };

    for (const prefix of ['/api/3/action', '/api/action']) {
      // Data leaving the platform is audited: this action has a route of its own.
      app.route({
        method: ['GET', 'POST'],
        url: `${prefix}/datastore_search`,
        config: {
          abuseLimit: 'search',
          access: 'public',
          audit: { category: 'query', action: 'open.ckan.datastore_search', targetType: 'catalog_entry_code' },
        },
        schema: {
          tags: ['ckan'],
          summary: 'CKAN datastore_search: records of an open dataset, masked for the public / CKAN 数据查询',
          description:
            'resource_id (a package’s CSV resource), filters (JSON object field → value), fields, sort (one unmasked field), limit (≤ 1000), offset, include_total, records_format (objects | lists).',
        },
        handler: async (req) => {
          const r = await datastoreSearch(ctx, paramsOf(req), originOf(req));
          req.auditNote.targetId = r.code;
          req.auditNote.rowCount = r.rows;
          return { help: help(req, 'datastore_search'), success: true, result: r.result };
        },
      });
      app.route({
        method: ['GET', 'POST'],
        url: `${prefix}/:action`,
        config: {
          abuseLimit: 'search',
          access: 'public',
          audit: false,
        },
        schema: {
          tags: ['ckan'],
          summary: 'CKAN Action API (v3) for harvesters / CKAN 兼容接口',
          description:
            'package_search, package_show, package_list, current_package_list_with_resources, organization_list, organization_show, group_list, group_show, tag_list, license_list, status_show: parameters as CKAN takes them (query string or a JSON body), answers in its envelope {help, success, result}. See docs/interop.md.',
          params: Obj({ action: Type.String({ description: 'the action’s name, e.g. package_search' }) }),
        },
        handler: handle,
      });
    }
  };
}
