import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/server/demo/seed';
import { pinyinKey } from '../../src/shared/search/pinyin';

/**
 * R-35 (issue #13): CKAN's Action API as the clients people run call it, over real HTTP against the
 * Shangrao demo: ckanext-harvest's walk (`rows=100&start=N&sort=id asc` until an empty page, its
 * organization filters and its incremental `metadata_modified:[… TO *]`), `package_list` then
 * `package_show` per name, `organization_list?all_fields=true` paged until empty, and CKAN's envelope
 * and errors.
 */

let t: TestApp;
let base: string;

interface Envelope<T = unknown> {
  help: string;
  success: boolean;
  result: T;
  error?: { __type: string; message?: string; [field: string]: unknown };
}
interface Pkg {
  id: string;
  name: string;
  title: string;
  notes: string;
  metadata_modified: string;
  organization: { name: string; is_organization: boolean; approval_status: string };
  resources: Array<{ id: string; url: string; format: string; position: number }>;
  extras: Array<{ key: string; value: string }>;
  groups: Array<{ name: string }>;
  tags: Array<{ name: string }>;
}
interface SearchResult {
  count: number;
  results: Pkg[];
  facets: Record<string, Record<string, number>>;
  search_facets: Record<string, { items: Array<{ name: string; count: number }> }>;
}

beforeAll(async () => {
  // A few synthetic rows per table: datastore_search has records to give.
  t = await testApp({ demoRows: 0.01 });
  await seedDemoIfEmpty(t.ctx);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t?.close());

async function call<T>(action: string, params: Record<string, string | number> = {}, status = 200) {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${base}/api/3/action/${action}?${qs}`);
  const body = (await res.json()) as Envelope<T>;
  expect(res.status, JSON.stringify(body.error)).toBe(status);
  expect(body.help).toBe(`${base}/api/3/action/help_show?name=${action}`);
  expect(body.success).toBe(status === 200);
  return body;
}
const search = async (params: Record<string, string | number>) =>
  (await call<SearchResult>('package_search', params)).result;

/** ckanext-harvest's gather: pages of `rows` sorted by id until an empty one; `between` runs after each page. */
async function harvestWalk(
  fq: string | undefined,
  rows: number,
  between: (page: number) => Promise<void> = async () => {},
) {
  const seen: Pkg[] = [];
  for (let start = 0, page = 0; ; start += rows, page++) {
    const r = await search({ rows, start, sort: 'id asc', ...(fq ? { fq } : {}) });
    if (!r.results.length) return seen;
    seen.push(...r.results);
    await between(page);
  }
}

const PASS = {
  checklist: { stateSecret: 'clear', commercialSecret: 'clear', personalPrivacy: 'clear', publicSafety: 'clear' },
  conclusion: 'pass',
};

/** Signs in as a demo user and calls the platform's own API as them. */
async function as(username: string) {
  const headers = await t.login(username, DEMO_PASSWORD);
  return async <T>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await t.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json<T>();
  };
}

/** One more dataset on the portal: an open entry awaiting review, passed by its department's leader and the platform. */
async function openOneMore(): Promise<{ entryId: string; code: string }> {
  const admin = await as('admin');
  const waiting = (
    await admin<{ items: Array<{ entryId: string; code: string; providerDepartmentId: string }> }>(
      'GET',
      '/api/open/datasets?status=unreviewed&pageSize=50',
    )
  ).items;
  const d = waiting[0];
  if (!d) throw new Error('no open entry awaiting review');
  await passOpenReviews(d.entryId, d.providerDepartmentId);
  return d;
}

/** Both confidentiality reviews: the department's leader answers for the entry, then the platform. */
async function passOpenReviews(entryId: string, departmentId: string): Promise<void> {
  const admin = await as('admin');
  const { username } = await t.user(['dept_leader'], { departmentId });
  const headers = await t.login(username);
  expect(
    (await t.inject({ method: 'POST', url: `/api/open/datasets/${entryId}/reviews`, headers, payload: PASS }))
      .statusCode,
  ).toBe(200);
  // The platform passes it only with the open channel's masking set for every personal or sensitive item.
  const { maskingGaps } = await admin<{ maskingGaps: string[] }>('GET', `/api/open/datasets/${entryId}`);
  if (maskingGaps.length) {
    const url = `/api/exchange/entries/${entryId}/masking`;
    const m = await admin<{ items: Array<{ field: string; name: string; configured: Record<string, string | null> }> }>(
      'GET',
      url,
    );
    const rules = m.items.flatMap((i) => [
      ...Object.entries(i.configured).flatMap(([channel, rule]) => (rule ? [{ field: i.field, channel, rule }] : [])),
      ...(maskingGaps.includes(i.name) && !i.configured['open']
        ? [{ field: i.field, channel: 'open', rule: 'redact' }]
        : []),
    ]);
    await admin('PUT', url, rules as unknown as object);
  }
  await admin('POST', `/api/open/datasets/${entryId}/reviews`, PASS);
}

describe('CKAN Action API (R-35)', () => {
  it('answers in CKAN’s envelope: status, licences, and CKAN’s errors', async () => {
    const status = (await call<{ ckan_version: string; site_url: string }>('status_show')).result;
    expect(status.ckan_version).toMatch(/^2\.\d+/);
    expect(status.site_url).toBe(base);
    const [licence] = (await call<Array<{ id: string; url: string }>>('license_list')).result;
    expect(licence!.url).toContain('/api/portal/licence');

    expect((await call('no_such_action', {}, 400)).error).toEqual({
      __type: 'Bad Request',
      message: 'Bad request - Action name not known: no_such_action',
    });
    expect((await call('package_show', { id: 'no-such-dataset' }, 404)).error).toMatchObject({
      __type: 'Not Found Error',
    });
    expect((await call('package_show', {}, 409)).error).toEqual({ __type: 'Validation Error', id: ['Missing value'] });
    expect((await call('package_search', { rows: 'many' }, 409)).error).toEqual({
      __type: 'Validation Error',
      rows: ['Invalid integer'],
    });
    expect((await call('package_search', { fq: 'metadata_modified:[2026 TO' }, 409)).error).toMatchObject({
      __type: 'Search Query Error',
    });
    expect((await call('package_search', { fq: 'no_such_field:x' }, 409)).error?.message).toContain('no_such_field');
    // The old path answers too, and POST takes a JSON body.
    const post = await fetch(`${base}/api/action/package_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: 1, sort: 'id asc' }),
    });
    const body = (await post.json()) as Envelope<SearchResult>;
    expect(body.success).toBe(true);
    expect(body.result.results).toHaveLength(1);
  });

  it('pages sorted by id without a duplicate or a gap while a dataset is opened during the walk', async () => {
    const before = await harvestWalk(undefined, 1000);
    expect(before.length).toBeGreaterThan(5);
    const everyId = before.map((p) => p.id);
    expect([...everyId].sort()).toEqual(everyId);

    let opened: { code: string } | undefined;
    t.clock.advance(60_000);
    const walk = await harvestWalk(undefined, 3, async (page) => {
      if (page === 1) opened = await openOneMore();
    });
    const ids = walk.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of everyId) expect(ids).toContain(id);
    // Opened during the walk: given an id after every page already read, so the walk reaches it.
    const added = walk.filter((p) => !everyId.includes(p.id));
    expect(added.map((p) => p.extras.find((e) => e.key === '信息资源代码')?.value)).toEqual([opened!.code]);
    expect(added[0]!.id > everyId.at(-1)!).toBe(true);

    // The incremental harvest: what changed since the last one (ckanext-harvest's fq, an hour's margin).
    const since = new Date(t.clock.now().getTime() - 30_000).toISOString();
    const changed = await harvestWalk(`metadata_modified:[${since.replace('Z', '000Z')} TO *]`, 100);
    expect(changed.map((p) => p.id)).toEqual(added.map((p) => p.id));
  });

  it('filters by organization as harvesters configure it, and counts facets', async () => {
    const all = await search({ rows: 0, 'facet.field': '["organization","groups","res_format","license_id","tags"]' });
    const orgs = Object.entries(all.facets['organization']!);
    expect(orgs.length).toBeGreaterThan(1);
    const [org, n] = orgs[0]!;
    const only = await harvestWalk(`organization:"${org}"`, 1000);
    expect(only).toHaveLength(n);
    expect(only.every((p) => p.organization.name === org)).toBe(true);
    const rest = await harvestWalk(`-organization:${org}`, 1000);
    expect(rest.length + n).toBe(all.count);
    const [other] = orgs[1]!;
    expect((await search({ rows: 0, fq: `organization:${org} OR organization:${other}` })).count).toBe(n + orgs[1]![1]);
    expect((await search({ rows: 0, fq_list: `organization:${org}` })).count).toBe(n);
    expect(all.facets['res_format']).toEqual({ API: all.count, CSV: all.count, JSON: all.count, XLSX: all.count });
    expect(all.search_facets['groups']!.items.length).toBeGreaterThan(0);
    // A group (an open domain of Art 21) filters to its datasets.
    const group = all.search_facets['groups']!.items[0]!;
    expect((await search({ rows: 0, fq: `groups:${group.name}` })).count).toBe(group.count);
  });

  it('gives every package with what harvesters validate, by id and by name alike', async () => {
    const names = (await call<string[]>('package_list')).result;
    expect(names.length).toBe((await search({ rows: 0 })).count);
    for (const name of names) {
      const byName = (await call<Pkg>('package_show', { id: name })).result;
      expect(byName.name).toBe(name);
      expect(byName.name).toMatch(/^[a-z0-9_-]{2,100}$/);
      const byId = (await call<Pkg>('package_show', { id: byName.id })).result;
      expect(byId).toEqual(byName);
    }
    const p = (await call<Pkg & Record<string, unknown>>('package_show', { id: names[0]! })).result;
    expect(p).toMatchObject({ type: 'dataset', state: 'active', private: false });
    expect(p['metadata_created']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(p.organization).toMatchObject({ is_organization: true, approval_status: 'approved' });
    expect(p.resources.map((r) => r.format)).toEqual(['CSV', 'XLSX', 'JSON', 'API']);
    expect(p.resources.map((r) => r.position)).toEqual([0, 1, 2, 3]);
    expect(new Set(p.resources.map((r) => r.id)).size).toBe(4);
    expect(p.extras.map((e) => e.key)).toEqual(
      expect.arrayContaining(['信息资源代码', '更新周期', '共享类型', '开放属性']),
    );
    // The CSV resource is the portal's own download.
    const code = p.extras.find((e) => e.key === '信息资源代码')!.value;
    expect(p.resources[0]!.url).toBe(`${base}/api/portal/datasets/${code}/download?format=csv`);
  });

  it('pages organizations with all their fields until an empty page, and shows each', async () => {
    const seen: Array<{ name: string; package_count: number; is_organization: boolean }> = [];
    for (let offset = 0; ; offset += 2) {
      const page = (await call<typeof seen>('organization_list', { all_fields: 'true', limit: 2, offset })).result;
      if (!page.length) break;
      seen.push(...page);
    }
    expect(new Set(seen.map((o) => o.name)).size).toBe(seen.length);
    const names = (await call<string[]>('organization_list')).result;
    expect(names.sort()).toEqual(seen.map((o) => o.name).sort());
    for (const o of seen) {
      expect(o.is_organization).toBe(true);
      expect((await search({ rows: 0, fq: `organization:${o.name}` })).count).toBe(o.package_count);
      const shown = (
        await call<{ name: string; packages: Pkg[] }>('organization_show', { id: o.name, include_datasets: 'true' })
      ).result;
      expect(shown.packages).toHaveLength(o.package_count);
    }
    expect((await call('organization_show', { id: 'nobody' }, 404)).error?.__type).toBe('Not Found Error');
  });

  it('lists the open domains as groups and the resource classes as tags', async () => {
    const groups = (await call<Array<{ name: string; package_count: number }>>('group_list', { all_fields: 'true' }))
      .result;
    expect(groups.map((g) => g.name)).toContain('credit');
    const used = groups.find((g) => g.package_count > 0)!;
    expect((await call<{ package_count: number }>('group_show', { id: used.name })).result.package_count).toBe(
      used.package_count,
    );
    const tags = (await call<string[]>('tag_list')).result;
    expect(tags.length).toBeGreaterThan(0);
    expect((await search({ rows: 0, fq: `tags:"${tags[0]}"` })).count).toBeGreaterThan(0);
  });

  it('gives an open dataset’s records by datastore_search, masked as on the portal, filtered, sorted and audited', async () => {
    const all = await harvestWalk(undefined, 1000);
    const csvOf = (p: Pkg) => p.resources.find((r) => r.format === 'CSV')!.id;
    type Records = {
      fields: Array<{ id: string; type: string; info: { notes: string } }>;
      records: Array<Record<string, unknown>>;
      total: number;
    };
    const loaded: Array<{ pkg: Pkg; r: Records }> = [];
    for (const pkg of all) {
      if (pkg.extras.find((e) => e.key === '开放属性')?.value !== '无条件开放') continue;
      const res = await fetch(`${base}/api/3/action/datastore_search?resource_id=${csvOf(pkg)}&limit=5`);
      if (res.status === 200) loaded.push({ pkg, r: ((await res.json()) as Envelope<Records>).result });
    }
    const withData = loaded.find((x) => x.r.records.length > 1 && x.r.fields.length > 1);
    expect(withData, 'an unconditionally open dataset with rows').toBeTruthy();
    const { pkg } = withData!;
    const code = pkg.extras.find((e) => e.key === '信息资源代码')!.value;
    // The platform masks one more item for the public: datastore_search gives it masked from then on.
    const { entryId } = (await t.inject({ method: 'GET', url: `/api/portal/datasets/${code}` })).json<{
      entryId: string;
    }>();
    const admin = await as('admin');
    const url = `/api/exchange/entries/${entryId}/masking`;
    const m = await admin<{ items: Array<{ field: string; configured: Record<string, string | null> }> }>('GET', url);
    const maskedField = withData!.r.fields[1]!.id;
    await admin('PUT', url, [
      ...m.items.flatMap((i) =>
        Object.entries(i.configured).flatMap(([channel, rule]) => (rule ? [{ field: i.field, channel, rule }] : [])),
      ),
      { field: maskedField, channel: 'open', rule: 'redact' },
    ] as unknown as object);
    const r = (await call<Records>('datastore_search', { resource_id: csvOf(pkg), limit: 5 })).result;
    expect(r.fields.find((f) => f.id === maskedField)!.info.notes).toContain('masked');
    expect(r.records.map((x) => x[maskedField])).not.toEqual(withData!.r.records.map((x) => x[maskedField]));
    // The same records as the portal's preview: open items only, masked for the public.
    const preview = (await t.inject({ method: 'GET', url: `/api/portal/datasets/${code}/preview` })).json<{
      items: Array<Record<string, unknown>>;
    }>();
    expect(r.records).toEqual(preview.items.slice(0, 5));
    expect(r.total).toBeGreaterThanOrEqual(r.records.length);

    const plain = r.fields.find((f) => !f.info.notes && r.records[0]![f.id] !== null)!;
    const masked = r.fields.find((f) => f.id === maskedField)!;
    const value = String(r.records[0]![plain.id]);
    const filtered = (
      await call<Records>('datastore_search', {
        resource_id: csvOf(pkg),
        filters: JSON.stringify({ [plain.id]: value }),
        sort: `${plain.id} desc`,
        records_format: 'lists',
      })
    ).result;
    expect(filtered.total).toBeGreaterThan(0);
    const at = filtered.fields.findIndex((f) => f.id === plain.id);
    for (const row of filtered.records as unknown as unknown[][]) expect(String(row[at])).toBe(value);
    // Matching on a masked value would reveal it.
    expect(
      (await call('datastore_search', { resource_id: csvOf(pkg), filters: JSON.stringify({ [masked.id]: 'x' }) }, 409))
        .error?.__type,
    ).toBe('Validation Error');
    expect((await call('datastore_search', { resource_id: pkg.id }, 404)).error?.__type).toBe('Not Found Error');
    const conditional = all.find((p) => p.extras.find((e) => e.key === '开放属性')?.value === '有条件开放');
    if (conditional)
      expect((await call('datastore_search', { resource_id: csvOf(conditional) }, 403)).error?.__type).toBe(
        'Authorization Error',
      );
    const audited = await t.ctx.db
      .selectFrom('audit_event')
      .select(['row_count'])
      .where('action', '=', 'open.ckan.datastore_search')
      .where('target_id', '=', code)
      .execute();
    expect(audited.map((a) => a.row_count)).toContain(5);
  });

  it('keeps a package’s id through a new version, which is off the API until its own reviews pass', async () => {
    const [before] = (await search({ rows: 1, sort: 'id asc' })).results;
    const code = before!.extras.find((e) => e.key === '信息资源代码')!.value;
    const { entryId, providerDepartmentId } = (
      await t.inject({ method: 'GET', url: `/api/portal/datasets/${code}` })
    ).json<{ entryId: string; providerDepartmentId: string }>();
    const specialist = await t.login(
      (await t.user(['dept_specialist'], { departmentId: providerDepartmentId })).username,
    );
    const leader = await t.login((await t.user(['dept_leader'], { departmentId: providerDepartmentId })).username);
    const admin = await as('admin');
    const step = async (
      url: string,
      headers: { cookie: string },
      payload?: object,
      method: 'POST' | 'PATCH' = 'POST',
    ) => {
      const res = await t.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
      return res.json<{ id: string }>();
    };
    // The provider publishes a new version (a new summary): the catalog's new version is not yet reviewed for opening.
    const change = await step(`/api/catalog/entries/${entryId}/changes`, specialist);
    await step(
      `/api/catalog/versions/${change.id}`,
      specialist,
      { summary: `${before!.notes}（第二版）`, changeNote: '补充说明' },
      'PATCH',
    );
    await step(`/api/catalog/versions/${change.id}/submit`, specialist);
    await step(`/api/catalog/versions/${change.id}/dept-review`, leader, { decision: 'approve' });
    await admin('POST', `/api/catalog/versions/${change.id}/platform-review`, { decision: 'approve' });
    expect((await call('package_show', { id: before!.id }, 404)).error?.__type).toBe('Not Found Error');

    t.clock.advance(60_000);
    await passOpenReviews(entryId, providerDepartmentId);
    const after = (await call<Pkg & { notes: string }>('package_show', { id: before!.id })).result;
    expect(after.id).toBe(before!.id);
    expect(after.notes).toBe(`${before!.notes}（第二版）`);
    expect(after.metadata_modified > before!.metadata_modified).toBe(true);
  });

  it('finds free words in q as the catalog’s search does: words of a title, its pinyin initials', async () => {
    const [p] = (await search({ rows: 1, sort: 'id asc' })).results;
    const found = async (q: string, fq?: string) =>
      (await search({ q, rows: 1000, ...(fq ? { fq } : {}) })).results.map((r) => r.id);
    expect(await found(p!.title)).toContain(p!.id);
    // Initials, as people type them without an input method (企业登记 → qydj).
    const initials = pinyinKey(p!.title).split(' ')[1]!;
    expect(await found(initials)).toContain(p!.id);
    // Free words and fields together; words that match nothing.
    expect(await found(`${p!.title} AND -organization:${p!.organization.name}`)).not.toContain(p!.id);
    expect(await found('并无此类数据集名称的检索词')).toEqual([]);
  });

  // The cut itself is shown in ckan-params.test.ts (the demo has fewer than 1000 datasets).
  it('takes rows above 1000 as CKAN does: a page, not an error', async () => {
    const r = await search({ rows: 5000, sort: 'id asc' });
    expect(r.results.length).toBe(Math.min(r.count, 1000));
  });
});
