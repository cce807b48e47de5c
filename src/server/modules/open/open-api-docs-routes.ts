import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { originOf } from '../../platform/http/origin';
import type { AppContext } from '../../app-context';
import { escapeHtml } from '../../platform/http/page-shell';
import { API_KEY_HEADER, OPEN_API_BASE } from '../../../shared/open/api-keys';
import { openApiDocument } from './open-api-document';

/** Swagger UI's files, as the staff API's documentation (/api/docs) already serves them. */
const UI = '/api/docs/static';
const SPEC = `${OPEN_API_BASE}/openapi.json`;

/** Swagger UI started on the open API's document: a file of its own, as the content security policy allows no inline script. */
const INIT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(SPEC)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
});
`;

/**
 * The "try it" page: Swagger UI on the open API's own document. A caller pastes a key under
 * Authorize and sends real calls, which are limited and counted like any other.
 */
function docsPage(): string {
  const title = escapeHtml('上饶市公共数据开放接口文档 / Open Data API');
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${UI}/swagger-ui.css">
<style>body{margin:0}.gs-bar{padding:10px 20px;background:#1f4e8c;color:#fff;font:14px sans-serif}.gs-bar a{color:#fff}</style>
</head>
<body>
<div class="gs-bar" data-testid="open-api-docs-bar"><a href="/">上饶市公共数据开放平台</a> · 开放接口文档 · 在“Authorize”中填入您的 API 密钥（${escapeHtml(API_KEY_HEADER)}）后即可在线调试 · <a href="/me/keys">申请密钥</a></div>
<div id="swagger-ui"></div>
<script src="${UI}/swagger-ui-bundle.js" charset="utf-8"></script>
<script src="/open/api/docs/init.js"></script>
</body>
</html>
`;
}

/** /open/api/v1/openapi.json and /open/api/docs: public, not audited (documentation, no data). */
export function openApiDocRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v1/openapi.json', { config: { access: 'public', audit: false }, schema: { hide: true } }, async (req) =>
      openApiDocument(originOf(req)),
    );
    app.get('/docs', { config: { access: 'public', audit: false }, schema: { hide: true } }, async (_req, reply) =>
      reply.header('content-type', 'text/html; charset=utf-8').send(docsPage()),
    );
    app.get(
      '/docs/init.js',
      { config: { access: 'public', audit: false }, schema: { hide: true } },
      async (_req, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').send(INIT),
    );
  };
}
