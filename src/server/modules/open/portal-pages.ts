import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { originOf } from '../../platform/http/origin';
import type { AppContext } from '../../app-context';
import { AppError } from '../../platform/errors';
import { escapeHtml, jsonLdScript, renderShell, ssrDataScript } from '../../platform/http/page-shell';
import { Obj } from '../../platform/http/schemas';
import { Type } from '@sinclair/typebox';
import { DATA_TYPES, OPEN_DOMAINS, UPDATE_CYCLES } from '../../../shared/catalog/enums';
import { shanghaiDateTime } from '../../platform/calendar/dates';
import * as repo from './portal-repo';
import { SITE_LEAD, SITE_NAME } from './site';
import { downloadUrl, OPEN_DOWNLOADS } from './downloads';
import { CodeParams, codeOf, type PortalDataset } from './portal-schemas';
import { portalDataset, portalHome, searchPortal } from './portal-service';
import type { PortalCard, PortalHome } from './portal-schemas';

/** The portal's own pages, listed first in the first sitemap file. */
const PORTAL_PAGES = ['/', '/datasets'];
/** Room kept in the first sitemap file for departments' pages (a city has a few hundred departments at most). */
const SITEMAP_DEPARTMENTS = 2_000;
/** A sitemap file holds at most 50,000 URLs (sitemaps.org): the datasets per file, leaving room for the other pages. */
export const SITEMAP_DATASETS = 50_000 - PORTAL_PAGES.length - SITEMAP_DEPARTMENTS;

export const datasetPath = (code: string) => `/datasets/${code}`;
const label = (map: Record<string, { zh: string }>, code: string) => map[code]?.zh ?? code;

/** schema.org Dataset (what search engines show as a dataset result). */
function datasetLd(d: PortalDataset, origin: string) {
  const url = `${origin}${datasetPath(d.code)}`;
  return {
    '@context': 'https://schema.org',
    '@type': 'Dataset',
    '@id': url,
    url,
    identifier: d.code,
    name: d.name,
    description: d.summary,
    inLanguage: 'zh-CN',
    keywords: d.openDomains.map((c) => label(OPEN_DOMAINS, c)),
    isAccessibleForFree: true,
    license: `${origin}/api/portal/licence?format=text`,
    publisher: {
      '@type': 'GovernmentOrganization',
      name: d.providerName,
      ...(d.contact && {
        contactPoint: {
          '@type': 'ContactPoint',
          contactType: 'data',
          ...(d.contact.phone && { telephone: d.contact.phone }),
          ...(d.contact.email && { email: d.contact.email }),
        },
      }),
    },
    creator: { '@type': 'GovernmentOrganization', name: d.providerName },
    // The data's last load when later than the description's (ISO strings of one format compare as times).
    dateModified: [d.publishedAt, d.data?.updatedAt]
      .filter((x): x is string => !!x)
      .sort()
      .at(-1),
    datePublished: d.openedAt ?? undefined,
    variableMeasured: d.items.map((i) => i.name),
    distribution: d.downloadable
      ? OPEN_DOWNLOADS.map((x) => ({
          '@type': 'DataDownload',
          encodingFormat: x.mime,
          contentUrl: downloadUrl(origin, d.code, x.format),
        }))
      : [],
  };
}

/** The page as a crawler (or a browser before the app starts) reads it. */
function datasetBody(d: PortalDataset): string {
  const e = escapeHtml;
  const rows = d.items
    .map(
      (i) =>
        `<tr><td>${e(i.name)}</td><td>${e(label(DATA_TYPES, i.dataType))}</td><td>${i.masked ? '脱敏' : ''}</td><td>${e(i.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<main class="portal-ssr" data-testid="ssr-dataset">
<nav><a href="/">${SITE_NAME}</a> › <a href="/datasets">数据目录</a></nav>
<h1>${e(d.name)}</h1>
<p class="lead">${e(d.summary)}</p>
<dl>
<dt>提供部门</dt><dd><a href="/departments/${d.providerDepartmentId}">${e(d.providerName)}</a>${d.providerOffice ? ` ${e(d.providerOffice)}` : ''}</dd>
<dt>资源代码</dt><dd>${e(d.code)}</dd>
<dt>开放类型</dt><dd>${d.openType === 'unconditional' ? '无条件开放' : '有条件开放'}</dd>
${d.contact ? `<dt>联系方式</dt><dd>${e([d.contact.phone, d.contact.email].filter(Boolean).join(' '))}</dd>` : ''}
<dt>更新周期</dt><dd>${e(label(UPDATE_CYCLES, d.updateCycle))}</dd>
<dt>数据更新</dt><dd>${d.data ? `${e(shanghaiDateTime(new Date(d.data.updatedAt)))}，${d.data.rows} 条` : '数据尚未汇聚'}</dd>
<dt>开放领域</dt><dd>${e(d.openDomains.map((c) => label(OPEN_DOMAINS, c)).join('、'))}</dd>
</dl>
<h2>数据项</h2>
<table><thead><tr><th>名称</th><th>类型</th><th>脱敏</th><th>说明</th></tr></thead><tbody>${rows}</tbody></table>
</main>`;
}

/** The home page as a crawler (or a phone before the app starts) reads it: what it offers and where to go. */
function homeBody(h: PortalHome): string {
  const e = escapeHtml;
  const cards = (xs: PortalCard[]) =>
    xs
      .map((d) => `<li><a href="${datasetPath(d.code)}">${e(d.name)}</a> <span>${e(d.providerName)}</span></li>`)
      .join('');
  const domains = h.domains
    .filter((d) => d.count)
    .map((d) => `<li><a href="/datasets?openDomain=${encodeURIComponent(d.value)}">${e(d.label)}</a> ${d.count}</li>`)
    .join('');
  const departments = h.departments
    .map((d) => `<li><a href="${departmentPath(d.value)}">${e(d.label)}</a> ${d.count}</li>`)
    .join('');
  return `<main class="portal-ssr" data-testid="ssr-home">
<h1>${SITE_NAME}</h1>
<p class="lead">${SITE_LEAD}</p>
<form action="/datasets" method="get" role="search"><input name="q" aria-label="搜索数据集" /> <button>搜索</button></form>
<p>开放数据集 ${h.totals.datasets} 个，提供部门 ${h.totals.departments} 个，累计下载 ${h.totals.downloads} 次</p>
<h2>开放领域</h2><ul>${domains}</ul>
<h2>最新开放</h2><ul>${cards(h.newest)}</ul>
<h2>最多使用</h2><ul>${cards(h.popular)}</ul>
<h2>数据提供部门</h2><ul>${departments}</ul>
</main>`;
}

const DEPARTMENT_DATASETS = 200;
export const departmentPath = (id: string) => `/departments/${id}`;

/** A department as the portal knows it: the name its open datasets carry, and those datasets. */
async function portalDepartment(ctx: AppContext, id: string) {
  const r = await searchPortal(ctx, { departmentId: id, sort: 'name', pageSize: DEPARTMENT_DATASETS });
  const name = r.facets.department.find((f) => f.value === id)?.label;
  return name && r.items.length ? { name, total: r.total, items: r.items } : null;
}

function departmentBody(d: NonNullable<Awaited<ReturnType<typeof portalDepartment>>>): string {
  const e = escapeHtml;
  const rows = d.items
    .map((h) => `<li><a href="${datasetPath(h.code)}">${e(h.name)}</a><p>${e(h.summary ?? '')}</p></li>`)
    .join('');
  return `<main class="portal-ssr" data-testid="ssr-department">
<nav><a href="/">${SITE_NAME}</a> › <a href="/datasets">数据目录</a></nav>
<h1>${e(d.name)}</h1>
<p>开放数据集 ${d.total} 个</p>
<ul>${rows}</ul>
</main>`;
}

/**
 * R-30 "found by search engines": the home, dataset and department pages as HTML with their content and schema.org JSON-LD,
 * the sitemap (paged past 50,000 URLs) and robots.txt. The web app takes over each page once loaded.
 */
export function portalPages(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/', { config: { access: 'public', audit: false }, schema: { hide: true } }, async (req, reply) => {
      const home = await portalHome(ctx);
      return reply.type('text/html; charset=utf-8').send(
        renderShell({
          title: SITE_NAME,
          description: `${SITE_NAME}：按开放领域和部门查找、预览、下载政府开放数据集，申请有条件开放数据，使用开放接口。`,
          canonical: `${originOf(req)}/`,
          head: ssrDataScript({ home }),
          body: homeBody(home),
        }),
      );
    });

    app.get(
      '/datasets/:prefix/:seq',
      { config: { access: 'public', audit: false }, schema: { hide: true, params: CodeParams } },
      async (req, reply) => {
        let d: PortalDataset;
        try {
          d = await portalDataset(ctx, codeOf(req.params));
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 404) throw err;
          // Not on the portal: the app's own not-found page, with a status crawlers understand.
          return reply
            .status(404)
            .type('text/html; charset=utf-8')
            .send(
              renderShell({ title: `未找到数据集 - ${SITE_NAME}`, description: '该数据集不存在或未开放', body: '' }),
            );
        }
        const origin = originOf(req);
        return reply.type('text/html; charset=utf-8').send(
          renderShell({
            title: `${d.name} - ${d.providerName} - ${SITE_NAME}`,
            description: d.summary.slice(0, 160),
            canonical: `${origin}${datasetPath(d.code)}`,
            head: jsonLdScript(datasetLd(d, origin)) + ssrDataScript({ dataset: d }),
            body: datasetBody(d),
          }),
        );
      },
    );

    app.get(
      '/departments/:id',
      {
        config: { access: 'public', audit: false },
        schema: { hide: true, params: Obj({ id: Type.String({ format: 'uuid' }) }) },
      },
      async (req, reply) => {
        const d = await portalDepartment(ctx, req.params.id);
        reply.type('text/html; charset=utf-8');
        if (!d) {
          return reply
            .status(404)
            .send(renderShell({ title: `未找到部门 - ${SITE_NAME}`, description: '该部门没有开放的数据集', body: '' }));
        }
        const origin = originOf(req);
        const url = `${origin}${departmentPath(req.params.id)}`;
        return reply.send(
          renderShell({
            title: `${d.name} - 开放数据 - ${SITE_NAME}`,
            description: `${d.name}在${SITE_NAME}开放的数据集（${d.total}个）：${d.items
              .slice(0, 5)
              .map((h) => h.name)
              .join('、')}`.slice(0, 160),
            canonical: url,
            head: jsonLdScript({
              '@context': 'https://schema.org',
              '@type': 'GovernmentOrganization',
              '@id': url,
              url,
              name: d.name,
              subjectOf: d.items.map((h) => ({
                '@type': 'Dataset',
                name: h.name,
                url: `${origin}${datasetPath(h.code)}`,
              })),
            }),
            body: departmentBody(d),
          }),
        );
      },
    );

    app.get('/robots.txt', { config: { access: 'public', audit: false }, schema: { hide: true } }, async (req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(
          [
            'User-agent: *',
            'Allow: /',
            'Disallow: /console',
            'Disallow: /api/',
            'Disallow: /login',
            `Sitemap: ${originOf(req)}/sitemap.xml`,
            '',
          ].join('\n'),
        ),
    );

    app.get(
      '/sitemap.xml',
      { config: { access: 'public', audit: false }, schema: { hide: true } },
      async (req, reply) => {
        const origin = originOf(req);
        const files = sitemapFiles(await repo.portalCount(ctx.db));
        reply.type('application/xml; charset=utf-8');
        const departments = await portalDepartmentIds(ctx);
        if (files === 1) {
          return xml(urlset(origin, 1, await repo.portalCodes(ctx.db, SITEMAP_DATASETS, 0), departments));
        }
        const maps = Array.from(
          { length: files },
          (_, i) => `<sitemap><loc>${origin}/sitemap-${i + 1}.xml</loc></sitemap>`,
        );
        return xml(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${maps.join('')}</sitemapindex>`);
      },
    );

    app.get(
      '/sitemap-:page.xml',
      {
        config: { access: 'public', audit: false },
        schema: { hide: true, params: Obj({ page: Type.Integer({ minimum: 1, maximum: 100_000 }) }) },
      },
      async (req, reply) => {
        const { page } = req.params;
        const rows = await repo.portalCodes(ctx.db, SITEMAP_DATASETS, (page - 1) * SITEMAP_DATASETS);
        if (!rows.length && page > 1) return reply.status(404).type('text/plain').send('no such sitemap page');
        const departments = page === 1 ? await portalDepartmentIds(ctx) : [];
        return reply.type('application/xml; charset=utf-8').send(xml(urlset(originOf(req), page, rows, departments)));
      },
    );
  };
}

/** How many sitemap files the datasets take: one sitemap.xml, or an index over sitemap-1.xml … */
export function sitemapFiles(datasets: number, perFile = SITEMAP_DATASETS): number {
  return Math.max(1, Math.ceil(datasets / perFile));
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;

/** The departments with datasets on the portal (each has its page). */
async function portalDepartmentIds(ctx: AppContext): Promise<string[]> {
  const r = await searchPortal(ctx, { pageSize: 1 });
  return r.facets.department.map((f) => f.value).slice(0, SITEMAP_DEPARTMENTS);
}

/** One sitemap file; the first also names the portal's own pages and the departments' pages. */
function urlset(
  origin: string,
  page: number,
  rows: Array<{ code: string; updated_at: Date }>,
  departments: string[] = [],
): string {
  const urls = [
    ...(page === 1 ? PORTAL_PAGES : []).map((p) => `<url><loc>${origin}${p}</loc></url>`),
    ...departments.map((id) => `<url><loc>${origin}${departmentPath(id)}</loc></url>`),
    ...rows.map(
      (r) =>
        `<url><loc>${escapeHtml(`${origin}${datasetPath(r.code)}`)}</loc><lastmod>${r.updated_at.toISOString().slice(0, 10)}</lastmod></url>`,
    ),
  ];
  return `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>`;
}
