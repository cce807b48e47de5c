import type { AppContext } from '../../../app-context';
import { OPEN_LICENCE } from '../../../../shared/open/licence';
import { freeWords, parseSolr, SearchQueryError, solrDate, type Clause } from './ckan-query';
import { textMatchCondition } from '../../catalog';
import * as repo from './ckan-repo';
import { packageFacts } from './package-facts';
import { SITE_NAME } from '../site';
import { bool, int, invalid, list, notFound, ROWS_MAX, str, upTo, type Params } from './ckan-params';
import { ckanTime, groupDict, licenceDict, organizationDict, packageDict, tagDict } from './ckan-package';

/**
 * the actions of CKAN's Action API (v3) that harvesters and data tools call, answered from the
 * portal (only what is open and reviewed, as on every public path). Parameters arrive as strings
 * (GET) or JSON (POST) and are read as CKAN reads them.
 */
type Action = (ctx: AppContext, p: Params, origin: string) => Promise<unknown>;

const FIELDS = repo.fields(OPEN_LICENCE.id);

/** The clauses as one filter; free words are matched by the catalog's search first. */
async function where(ctx: AppContext, clauses: Clause[]) {
  const now = ctx.clock.now();
  const words = [...new Set(clauses.flatMap(freeWords))];
  const texts = new Map(
    await Promise.all(words.map(async (w) => [w, await textMatchCondition(ctx, w, repo.ENTRY_ID)] as const)),
  );
  return repo.allOf(clauses, {
    fields: FIELDS,
    at: (v) => solrDate(v, now),
    texts,
    unknownField: (name) => {
      throw new SearchQueryError(`undefined field ${name}`);
    },
  });
}

const DEFAULT_SORT = 'score desc, metadata_modified desc';

/** CKAN's `sort`: comma-separated `field asc|desc`; `score` (relevance) orders nothing here but is accepted. */
function sortOf(sort: string) {
  return sort
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => {
      const [field = '', dir = 'asc'] = s.split(/\s+/);
      if (field === 'score' || field === 'rank') return [];
      if (!repo.isSortable(field)) throw new SearchQueryError(`can not sort on undefined field: ${field}`);
      if (!/^(asc|desc)$/i.test(dir)) throw new SearchQueryError(`unknown sort order: ${dir}`);
      return [{ field, desc: dir.toLowerCase() === 'desc' }];
    });
}

/** Package dicts for rows, with their providers' contacts and their data's last loads, in the rows' order. */
async function dicts(ctx: AppContext, rows: repo.PackageRow[], origin: string) {
  return (await packageFacts(ctx, rows)).map(({ row: r, dataUpdatedAt, contact }) =>
    packageDict(
      r,
      { dataUpdatedAt, contactEmail: contact?.email ?? null },
      {
        id: r.department_id,
        name: r.org_name,
        title: r.department_name,
        short_name: null,
        created: r.department_created,
      },
      origin,
    ),
  );
}

async function packageSearch(ctx: AppContext, p: Params, origin: string) {
  const rows = upTo(p, 'rows', 10, ROWS_MAX);
  const start = int(p, 'start', 0);
  const q = str(p, 'q')?.trim() ?? '';
  const clauses = [q, str(p, 'fq') ?? '', ...list(p, 'fq_list')].filter((s) => s.trim()).map(parseSolr);
  const cond = await where(ctx, clauses);
  const [results, count] = await Promise.all([
    rows ? repo.packages(ctx.db, cond, repo.orderOf(sortOf(str(p, 'sort') ?? DEFAULT_SORT)), rows, start) : [],
    repo.countPackages(ctx.db, cond),
  ]);
  const facetFields = bool(p, 'facet', true) ? (p['facet.field'] === undefined ? [] : list(p, 'facet.field')) : [];
  const limit = int(p, 'facet.limit', 50, -1);
  const mincount = int(p, 'facet.mincount', 1);
  const facets: Record<string, Record<string, number>> = {};
  const searchFacets: Record<
    string,
    { title: string; items: Array<{ name: string; display_name: string; count: number }> }
  > = {};
  for (const f of facetFields) {
    if (!(f in repo.FACETS) && f !== 'license_id') throw new SearchQueryError(`undefined field ${f}`);
    const counts = (
      f === 'license_id'
        ? [{ value: OPEN_LICENCE.id, n: count }]
        : await repo.facet(ctx.db, cond, f, limit < 0 ? 10_000 : limit)
    ).filter((x) => x.n >= mincount);
    facets[f] = Object.fromEntries(counts.map((x) => [x.value, x.n]));
    searchFacets[f] = {
      title: f,
      items: counts.map((x) => ({
        name: x.value,
        display_name: f === 'groups' ? groupDict(x.value).display_name : x.value,
        count: x.n,
      })),
    };
  }
  return {
    count,
    sort: str(p, 'sort') ?? DEFAULT_SORT,
    facets,
    search_facets: searchFacets,
    results: await dicts(ctx, results, origin),
  };
}

async function packageShow(ctx: AppContext, p: Params, origin: string) {
  const id = str(p, 'id') ?? str(p, 'name');
  if (!id) throw invalid('id', 'Missing value');
  const row = await repo.packageByKey(ctx.db, id);
  if (!row) throw notFound();
  return (await dicts(ctx, [row], origin))[0];
}

async function packageList(ctx: AppContext, p: Params) {
  const limit = upTo(p, 'limit', ROWS_MAX * 100, ROWS_MAX * 100, 1);
  return repo.packageNames(ctx.db, limit, int(p, 'offset', 0));
}

async function currentPackageList(ctx: AppContext, p: Params, origin: string) {
  const limit = upTo(p, 'limit', 10, ROWS_MAX, 1);
  const page = int(p, 'page', 0, 0);
  const offset = page ? (page - 1) * limit : int(p, 'offset', 0);
  const rows = await repo.packages(ctx.db, repo.EVERY, repo.NEWEST, limit, offset);
  return dicts(ctx, rows, origin);
}

function orgSort(sort: string | undefined): { sort: 'name' | 'title' | 'package_count'; desc: boolean } {
  const [field = 'title', dir = 'asc'] = (sort ?? 'title asc').trim().split(/\s+/);
  const f = field === 'display_name' ? 'title' : field;
  if (f !== 'name' && f !== 'title' && f !== 'package_count')
    throw invalid('sort', `Cannot sort by field \`${field}\``);
  return { sort: f, desc: dir.toLowerCase() === 'desc' };
}

async function organizationList(ctx: AppContext, p: Params) {
  const limit = upTo(p, 'limit', ROWS_MAX, ROWS_MAX, 1);
  const rows = await repo.organizations(ctx.db, { limit, offset: int(p, 'offset', 0), ...orgSort(str(p, 'sort')) });
  if (!bool(p, 'all_fields', false)) return rows.map((o) => o.name);
  const extras = bool(p, 'include_extras', false);
  return rows.map((o) => ({ ...organizationDict(o), ...(extras ? { extras: [] } : {}) }));
}

async function organizationShow(ctx: AppContext, p: Params, origin: string) {
  const id = str(p, 'id');
  if (!id) throw invalid('id', 'Missing value');
  const [org] = await repo.organizations(ctx.db, { limit: 1, offset: 0, key: id });
  if (!org) throw notFound('Organization not found');
  const out = { ...organizationDict(org), extras: [], users: [], tags: [], groups: [] };
  if (!bool(p, 'include_datasets', false)) return out;
  const rows = await repo.packages(ctx.db, repo.inOrganization(org.id), repo.NEWEST, ROWS_MAX, 0);
  return { ...out, packages: await dicts(ctx, rows, origin) };
}

async function groupList(ctx: AppContext, p: Params) {
  const limit = upTo(p, 'limit', ROWS_MAX, ROWS_MAX, 1);
  const rows = (await repo.groups(ctx.db)).slice(int(p, 'offset', 0)).slice(0, limit);
  return bool(p, 'all_fields', false) ? rows.map((g) => groupDict(g.code, g.package_count)) : rows.map((g) => g.code);
}

async function groupShow(ctx: AppContext, p: Params, origin: string) {
  const id = str(p, 'id');
  if (!id) throw invalid('id', 'Missing value');
  const [g] = (await repo.groups(ctx.db)).filter((x) => x.code === id || groupDict(x.code).id === id);
  if (!g) throw notFound('Group not found');
  const out = { ...groupDict(g.code, g.package_count), extras: [], users: [], tags: [], groups: [] };
  if (!bool(p, 'include_datasets', false)) return out;
  const rows = await repo.packages(ctx.db, repo.inGroup(g.code), repo.NEWEST, ROWS_MAX, 0);
  return { ...out, packages: await dicts(ctx, rows, origin) };
}

async function tagList(ctx: AppContext, p: Params) {
  const names = await repo.tagNames(ctx.db, str(p, 'query'), int(p, 'limit', 10_000, 1), int(p, 'offset', 0));
  return bool(p, 'all_fields', false) ? names.map(tagDict) : names;
}

async function statusShow(ctx: AppContext, _p: Params, origin: string) {
  return {
    site_title: SITE_NAME,
    site_description: '上饶市政务信息资源开放门户（govshare）',
    site_url: origin,
    ckan_version: '2.10.5',
    error_emails_to: null,
    locale_default: 'zh_Hans_CN',
    extensions: ['datastore', 'dcat'],
    generated_at: ckanTime(ctx.clock.now()),
  };
}

export const ACTIONS: Record<string, Action> = {
  package_search: packageSearch,
  package_show: packageShow,
  package_list: packageList,
  current_package_list_with_resources: currentPackageList,
  organization_list: organizationList,
  organization_show: organizationShow,
  group_list: groupList,
  group_show: groupShow,
  tag_list: tagList,
  license_list: async (_ctx, _p, origin) => [licenceDict(origin)],
  status_show: statusShow,
};
