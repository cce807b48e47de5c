import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import ajvFormats from 'ajv-formats';
import type { AppContext } from './app-context';
import { VERSION } from './version';
import { modules, mountModuleRoutes, registerBackgroundWork } from './compose';
import { todoRoutes } from './platform/todo/routes';
import { frameworkErrorReply, installErrorHandler } from './platform/http/error-handler';
import { installGuard } from './platform/http/guard';
import { installAuditHook } from './platform/audit/hook';
import { installChangeTransactions, requestScoped } from './platform/audit/change-transaction';
import { installRouteRegistry, type RouteEntry } from './platform/http/route-registry';
import { keysRoutes } from './platform/crypto/keys-routes';
import { backupRoutes } from './platform/backup/routes';
import { systemRoutes } from './platform/http/system-routes';
import { installUploadLimits } from './platform/http/upload-limit';
import { installFiniteNumbers } from './platform/http/finite-numbers';
import { lazySchemaCompilers } from './platform/http/lazy-schema-compilers';
import { installAbuseLimits } from './platform/http/abuse-limits';
import { installSecurityHeaders } from './platform/http/security-headers';
import { installWebApp } from './platform/http/web-app';
import { loggerOptions } from './platform/http/logger';
import { authRoutes } from './platform/auth/routes';
import { auditRoutes } from './platform/audit/routes';
import { calendarRoutes } from './platform/calendar/routes';
import { notifyRoutes } from './platform/notify/routes';
import type { ModuleDefinition } from './platform/module';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, with its declared access; the permission matrix test walks it. */
    routeTable: RouteEntry[];
  }
}

export async function buildApp(
  ctx: AppContext,
  opts: {
    logger?: boolean;
    serveWeb?: boolean;
    logStream?: { write(line: string): void };
    /** The modules to compose instead of compose.ts's (tests hand supervision sources of their own). */
    modules?: ModuleDefinition[];
  } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? loggerOptions(ctx.config, opts.logStream) : false,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
    requestTimeout: 120_000,
    frameworkErrors: frameworkErrorReply,
    ajv: {
      // Unknown fields are rejected (schemas say additionalProperties: false), never silently dropped.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
      plugins: [ajvFormats as never],
    },
    schemaController: { compilersFactory: lazySchemaCompilers() },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installRouteRegistry(app);
  installUploadLimits(app);
  installFiniteNumbers(app);
  installChangeTransactions(app, ctx);
  await installAbuseLimits(app, ctx);
  await installSecurityHeaders(app, ctx);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'govshare API', version: VERSION, description: '政务信息资源共享和开放平台 API' },
      components: {
        securitySchemes: {
          cookie: { type: 'apiKey', in: 'cookie', name: 'gs_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ cookie: [] }, { bearer: [] }],
    },
  });
  // Its page comes with a policy of its own (it loads its validator badge), which like ours upgrades
  // requests to HTTPS only where the platform is served over TLS.
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    transformStaticCSP: (csp) => (ctx.config.secureCookies ? csp : csp.replace(/\s*upgrade-insecure-requests;?/, '')),
  });
  installErrorHandler(app);
  installGuard(app, ctx);
  installAuditHook(app, ctx);

  // Handlers see the request's change transaction as ctx.db (platform/audit/change-transaction.ts).
  const scoped = requestScoped(ctx);
  await app.register(systemRoutes(scoped), { prefix: '/api' });
  await app.register(keysRoutes(scoped));
  await app.register(backupRoutes(scoped));
  await app.register(authRoutes(scoped), { prefix: '/api/auth' });
  await app.register(auditRoutes(scoped), { prefix: '/api/audit' });
  await app.register(calendarRoutes(scoped), { prefix: '/api/calendar' });
  await app.register(notifyRoutes(scoped), { prefix: '/api' });
  const defs = opts.modules ?? modules();
  // Handlers are registered with the routes: a request may publish an event or queue a job at once.
  registerBackgroundWork(defs);
  await mountModuleRoutes(app, scoped, defs);
  await app.register(
    todoRoutes(
      scoped,
      defs.flatMap((d) => (d.todos ? [d.todos] : [])),
      defs.flatMap((d) => (d.overview ? [d.overview] : [])),
    ),
    { prefix: '/api' },
  );
  if (opts.serveWeb) await installWebApp(app);
  await app.ready();
  return app;
}
