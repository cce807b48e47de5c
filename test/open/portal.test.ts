import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { expectStatus, platformAdmin, publishedEntry, session, type Session } from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { mask, parseRuleSpec } from '../../src/server/platform/masking';
import { SITEMAP_DATASETS, sitemapFiles } from '../../src/server/modules/open/portal-pages';
import { boundEntry, corpSource, corpUscc as uscc, type CorpSource } from '../exchange/pull-fixtures';

let t: TestApp;
let src: CorpSource;
let b: Awaited<ReturnType<typeof boundEntry>>;
let admin: Session;
const ROWS = 30;
const CLEAR = { stateSecret: 'clear', commercialSecret: 'clear', personalPrivacy: 'clear', publicSafety: 'clear' };

beforeAll(async () => {
  t = await testApp();
  src = await corpSource(ROWS);
  b = await boundEntry(t, src, { openType: 'unconditional' });
  await runPull(t.ctx, b.binding.id);
  admin = await platformAdmin(t);
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

const get = (url: string, s?: Session) => t.inject({ method: 'GET', url, headers: s?.headers ?? {} });
const post = (url: string, s: Session, payload: object) =>
  t.inject({ method: 'POST', url, headers: s.headers, payload: payload as Record<string, unknown> });
const review = (s: Session, payload: object) => post(`/api/open/datasets/${b.entry.id}/reviews`, s, payload);
const api = () => `/api/portal/datasets/${b.entry.code}`;

/** Every way the public could reach the dataset, with whether it got there. */
async function publicPaths(code: string, name: string) {
  const search = (await get(`/api/portal/datasets?q=${encodeURIComponent(name)}`)).json<{
    items: Array<{ code: string }>;
  }>();
  const home = (await get('/api/portal/home')).json<{ newest: Array<{ code: string }> }>();
  return {
    search: search.items.some((h) => h.code === code),
    home: home.newest.some((h) => h.code === code),
    page: (await get(`/api/portal/datasets/${code}`)).statusCode,
    html: (await get(`/datasets/${code}`)).statusCode,
    preview: (await get(`/api/portal/datasets/${code}/preview`)).statusCode,
    download: (await get(`/api/portal/datasets/${code}/download`)).statusCode,
    sitemap: (await get('/sitemap.xml')).body.includes(`/datasets/${code}<`),
    // The harvesters' doors (R-35): CKAN's package_show and the DCAT-AP catalog.
    ckan: (await get(`/api/3/action/package_show?id=${ckanName(code)}`)).statusCode,
    dcat: (await get('/catalog.ttl')).body.includes(`/dataset/${ckanName(code)}>`),
  };
}
const ckanName = (code: string) => code.replace('/', '-').toLowerCase();
const HIDDEN = {
  search: false,
  home: false,
  page: 404,
  html: 404,
  preview: 404,
  download: 404,
  sitemap: false,
  ckan: 404,
  dcat: false,
};
const SHOWN = {
  search: true,
  home: true,
  page: 200,
  html: 200,
  preview: 200,
  download: 200,
  sitemap: true,
  ckan: 200,
  dcat: true,
};

describe('confidentiality review before opening (R-33, Art 20)', () => {
  it('keeps an open entry off every public path until both reviews pass, with masking chosen for the public', async () => {
    expect(await publicPaths(b.entry.code, b.entry.current!.name)).toEqual(HIDDEN);

    // The specialist compiles; the leader answers for the department.
    expect((await review(b.provider.specialist, { checklist: CLEAR, conclusion: 'pass' })).statusCode).toBe(403);
    // The platform reviews second, not first.
    const early = await review(admin, { checklist: CLEAR, conclusion: 'pass' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('OPEN_REVIEW_NOT_AWAITED');
    // A concern cannot pass; a failure needs its reason.
    const concern = await review(b.provider.leader, {
      checklist: { ...CLEAR, personalPrivacy: 'concern' },
      conclusion: 'pass',
    });
    expect(concern.json().error).toMatchObject({ code: 'OPEN_REVIEW_CONCERN' });
    expect(concern.json().error.messageZh).toContain('个人隐私');
    expect((await review(b.provider.leader, { checklist: CLEAR, conclusion: 'fail' })).json().error.code).toBe(
      'OPEN_REVIEW_OPINION_REQUIRED',
    );

    const byProvider = expectStatus(
      await review(b.provider.leader, { checklist: CLEAR, conclusion: 'pass' }),
      200,
    ).json();
    expect(byProvider).toMatchObject({ status: 'platform_review', actions: { review: false } });
    expect(await publicPaths(b.entry.code, b.entry.current!.name)).toEqual(HIDDEN);

    // The personal item (统一社会信用代码) has only the catalog's suggestion: not chosen for the public yet.
    const gap = await review(admin, { checklist: CLEAR, conclusion: 'pass' });
    expect(gap.statusCode).toBe(400);
    expect(gap.json().error).toMatchObject({ code: 'OPEN_MASKING_MISSING', details: { items: ['统一社会信用代码'] } });
    expectStatus(
      await t.inject({
        method: 'PUT',
        url: `/api/exchange/entries/${b.entry.id}/masking`,
        headers: b.provider.specialist.headers,
        payload: [{ field: 'uscc', channel: 'open', rule: 'keep:2,2' }],
      }),
      200,
    );
    const opened = expectStatus(
      await review(admin, { checklist: CLEAR, conclusion: 'pass', opinion: '同意开放' }),
      200,
    ).json();
    expect(opened).toMatchObject({ status: 'open', maskingGaps: [] });
    expect(opened.reviews.map((r: { stage: string; conclusion: string }) => `${r.stage}:${r.conclusion}`)).toEqual([
      'provider:pass',
      'platform:pass',
    ]);
    expect(opened.reviews[1].reviewerName).toBeTruthy();
    expect(await publicPaths(b.entry.code, b.entry.current!.name)).toEqual(SHOWN);
  });

  it('serves the open items, masked for the public: preview of 20 rows and a CSV with BOM, audited', async () => {
    const page = expectStatus(await get(api()), 200).json();
    expect(page.items.find((i: { name: string }) => i.name === '统一社会信用代码')).toMatchObject({ masked: true });
    expect(page.items.find((i: { name: string }) => i.name === '企业名称')).toMatchObject({ masked: false });
    expect(page.downloadable).toBe(true);

    const preview = expectStatus(await get(`${api()}/preview`), 200).json();
    expect(preview.items).toHaveLength(20);
    const first = preview.items.find((r: { corp_id: string }) => r.corp_id === '1');
    expect(first.uscc).toBe(mask(parseRuleSpec('keep:2,2'), uscc(1)));
    expect(first.uscc).not.toBe(uscc(1));

    const csv = expectStatus(await get(`${api()}/download?format=csv`), 200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toContain('统一社会信用代码');
    expect(lines).toHaveLength(ROWS + 1);
    expect(csv.body).not.toContain(uscc(1));
    await expect
      .poll(async () =>
        (
          await t.ctx.db
            .selectFrom('audit_event')
            .select(['row_count', 'user_id'])
            .where('action', '=', 'open.data.download.end')
            .where('target_id', '=', b.entry.code)
            .execute()
        ).map((e) => e.row_count),
      )
      .toContain(ROWS);
    expect(expectStatus(await get(api()), 200).json().counts.downloads).toBeGreaterThan(0);
  });

  it('serves the dataset page as HTML with its title, items and schema.org JSON-LD, no JavaScript needed', async () => {
    const res = expectStatus(await get(`/datasets/${b.entry.code}`), 200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body;
    const name = b.entry.current!.name;
    expect(html).toMatch(new RegExp(`<title>${name} - [^<]+</title>`));
    expect(html).toContain(`<h1>${name}</h1>`);
    expect(html).toContain('统一社会信用代码');
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!);
    expect(ld).toMatchObject({
      '@type': 'Dataset',
      name,
      identifier: b.entry.code,
      publisher: { name: b.provider.name },
    });
    expect(ld.distribution.map((d: { encodingFormat: string }) => d.encodingFormat)).toContain('text/csv');
    expect(ld.distribution[0].contentUrl).toContain(`/api/portal/datasets/${b.entry.code}/download`);
    // The data the page was rendered from, as the API gives it, for the web app to start with.
    const data = JSON.parse(/<script type="application\/json" id="gs-ssr-data">(.*?)<\/script>/s.exec(html)![1]!);
    expect(data.dataset).toEqual(expectStatus(await get(`/api/portal/datasets/${b.entry.code}`), 200).json());
    expect((await get('/robots.txt')).body).toContain('Sitemap: ');
    // The page reads without the app, so the app's scripts load behind the stylesheets.
    const scripts = html.match(/<(script type="module"|link rel="modulepreload")[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toContain('fetchpriority="low"');
  });

  it('tells the public whom to ask and how fresh the data is, on the page, in its HTML and in its JSON-LD', async () => {
    const before = expectStatus(await get(api()), 200).json();
    // Loaded by the pull in beforeAll: its time and row count, measured right after it.
    expect(before.data.rows).toBe(ROWS);
    expect(Number.isNaN(Date.parse(before.data.updatedAt))).toBe(false);
    expect(before.contact).toBeNull();

    const specialist = (phone: string, activeTo: string | null) => ({
      department_id: b.provider.id,
      name: '王专员',
      phone,
      mobile: '13900001234',
      email: `${phone}@example.gov.cn`,
      active_from: '2020-01-01',
      active_to: activeTo,
      updated_at: new Date(),
    });
    // A retired specialist is no one's contact; the one in office is, without name or mobile.
    await t.ctx.db
      .insertInto('specialist')
      .values([specialist('0793-0000001', '2021-01-01'), specialist('0793-0000002', null)])
      .execute();
    const page = expectStatus(await get(api()), 200).json();
    expect(page.contact).toEqual({ phone: '0793-0000002', email: '0793-0000002@example.gov.cn' });
    expect(JSON.stringify(page)).not.toContain('13900001234');

    const html = expectStatus(await get(`/datasets/${b.entry.code}`), 200).body;
    expect(html).toContain('<dt>联系方式</dt><dd>0793-0000002 0793-0000002@example.gov.cn</dd>');
    expect(html).toMatch(new RegExp(`<dt>数据更新</dt><dd>\\d{4}-\\d{2}-\\d{2} [\\d:]+，${ROWS} 条</dd>`));
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!);
    expect(ld.publisher.contactPoint).toMatchObject({ telephone: '0793-0000002' });
    // Modified: the description's publication or the data's load, whichever came later.
    expect(ld.dateModified).toBe([page.publishedAt, page.data.updatedAt].sort().at(-1));
  });

  it('serves the home as HTML with its domains, datasets and departments, and the data for the app', async () => {
    const res = expectStatus(await get('/'), 200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<h1>上饶市公共数据开放平台</h1>');
    expect(res.body).toContain(`<a href="/datasets/${b.entry.code}">${b.entry.current!.name}</a>`);
    expect(res.body).toContain(`<a href="/departments/${b.provider.id}">`);
    const data = JSON.parse(/<script type="application\/json" id="gs-ssr-data">(.*?)<\/script>/s.exec(res.body)![1]!);
    expect(data.home).toEqual(expectStatus(await get('/api/portal/home'), 200).json());
  });

  it("serves the provider's page as HTML with its open datasets, and lists it in the sitemap", async () => {
    const res = expectStatus(await get(`/departments/${b.provider.id}`), 200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain(`<h1>${b.provider.name}</h1>`);
    expect(res.body).toContain(`<a href="/datasets/${b.entry.code}">${b.entry.current!.name}</a>`);
    expect(res.body).toContain('"@type":"GovernmentOrganization"');
    expect((await get('/sitemap.xml')).body).toContain(`/departments/${b.provider.id}<`);
    // A department with nothing on the portal has no page.
    const other = await t.department();
    expect((await get(`/departments/${other.id}`)).statusCode).toBe(404);
  });

  it("keeps a public user's favourites and the record of their downloads in the user centre (R-34)", async () => {
    const citizen = await session(t, ['public_user'], { departmentId: null });
    const fav = `${api()}/favourite`;
    expect(expectStatus(await get(fav, citizen), 200).json()).toEqual({ favourite: false });
    const put = await t.inject({ method: 'PUT', url: fav, headers: citizen.headers });
    expect(expectStatus(put, 200).json()).toEqual({ favourite: true });
    expect(expectStatus(await get(fav, citizen), 200).json()).toEqual({ favourite: true });
    const list = expectStatus(await get('/api/portal/me/favourites', citizen), 200).json();
    expect(list.items.map((f: { code: string }) => f.code)).toEqual([b.entry.code]);
    // Staff have no user centre.
    expect((await get('/api/portal/me/favourites', admin)).statusCode).toBe(403);

    expectStatus(await get(`${api()}/download?format=csv`, citizen), 200);
    await expect
      .poll(async () => expectStatus(await get('/api/portal/me/downloads', citizen), 200).json().items)
      .toEqual([expect.objectContaining({ via: 'download', code: b.entry.code, format: 'csv', rows: ROWS })]);

    await t.inject({ method: 'DELETE', url: fav, headers: citizen.headers });
    expect(expectStatus(await get('/api/portal/me/favourites', citizen), 200).json().total).toBe(0);
  });

  it('takes a withdrawn dataset off every public path at once, and records who and why', async () => {
    const specialist = await post(`/api/open/datasets/${b.entry.id}/withdraw`, b.provider.specialist, {
      reason: '数据有误',
    });
    expect(specialist.statusCode).toBe(403);
    const w = expectStatus(
      await post(`/api/open/datasets/${b.entry.id}/withdraw`, b.provider.leader, { reason: '发现数据有误，暂停开放' }),
      200,
    ).json();
    expect(w).toMatchObject({ status: 'withdrawn', withdrawnReason: '发现数据有误，暂停开放' });
    expect(await publicPaths(b.entry.code, b.entry.current!.name)).toEqual(HIDDEN);
    const events = await t.ctx.db
      .selectFrom('audit_event')
      .select(['outcome'])
      .where('action', '=', 'open.dataset.withdraw')
      .where('target_id', '=', b.entry.id)
      .orderBy('seq')
      .execute();
    // The specialist's attempt is on record too, as denied.
    expect(events.map((e) => e.outcome)).toEqual(['denied', 'success']);
  });

  it('lists a conditionally open dataset but gives its data only to approved applicants', async () => {
    const { entry, provider } = await publishedEntry(t, { openType: 'conditional' });
    await post(`/api/open/datasets/${entry.id}/reviews`, provider.leader, { checklist: CLEAR, conclusion: 'pass' });
    expectStatus(
      await post(`/api/open/datasets/${entry.id}/reviews`, admin, { checklist: CLEAR, conclusion: 'pass' }),
      200,
    );
    const page = expectStatus(await get(`/api/portal/datasets/${entry.code}`), 200).json();
    expect(page).toMatchObject({ openType: 'conditional', downloadable: false });
    expect(page.openCondition).toBeTruthy();
    for (const path of ['preview', 'download']) {
      const res = await get(`/api/portal/datasets/${entry.code}/${path}`);
      expect(res.json().error.code).toBe('OPEN_APPLICATION_REQUIRED');
    }
    // The provider sees its own datasets only; the platform all of them.
    const mine = expectStatus(await get('/api/open/datasets?pageSize=200', provider.specialist), 200).json();
    expect(mine.items.map((d: { code: string }) => d.code)).toEqual([entry.code]);
    const all = expectStatus(await get('/api/open/datasets?pageSize=200', admin), 200).json();
    expect(all.items.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining([entry.code, b.entry.code]));
  });
});

describe('sitemap', () => {
  it('fits in one file up to the limit and becomes an index of files beyond it', () => {
    expect(sitemapFiles(0)).toBe(1);
    expect(SITEMAP_DATASETS).toBeLessThan(50_000);
    expect(sitemapFiles(SITEMAP_DATASETS)).toBe(1);
    expect(sitemapFiles(SITEMAP_DATASETS + 1)).toBe(2);
    expect(sitemapFiles(SITEMAP_DATASETS * 2 + 1)).toBe(3);
  });
});
