import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../app-context';
import type { Actor } from '../../platform/context';
import { can } from '../../platform/rbac/permissions';
import type { FacetName, TextMatch } from './search-query';

/** Where the columns visibility depends on are, in the query at hand. */
export interface VisibilityColumns {
  entryStatus: string;
  versionStatus: string;
  openType: string;
  /** Whether this version passed its confidentiality reviews and is on the portal (R-33). */
  onPortal: RawBuilder<SqlBool>;
}
/** catalog_entry as e joined to its current version as v — the usual shape of catalog queries. */
export const ENTRY_VERSION_COLUMNS: VisibilityColumns = {
  entryStatus: 'e.status',
  versionStatus: 'v.status',
  openType: 'v.open_type',
  onPortal: sql<SqlBool>`coalesce(e.portal_version_id = v.id, false)`,
};
/** The search table (migrations 0004, 0018) as s, which copies the same columns. */
export const SEARCH_TABLE_COLUMNS: VisibilityColumns = {
  entryStatus: 's.entry_status',
  versionStatus: 's.version_status',
  openType: 's.open_type',
  onPortal: sql<SqlBool>`s.portal_open`,
};

/**
 * Which catalog entries an actor may find, as one SQL condition (authorization is a query filter,
 * never a filter after loading). The one place this rule lives: every query listing catalog
 * entries, here or in other modules, adds it, naming where the columns are (default: `e` for
 * catalog_entry and `v` for the version e.current_version_id points at).
 *
 * R-05 makes the published catalog one city-wide catalog (全市统一): every internal role sees every
 * published entry, whatever its department or share type — 不予共享 entries are listed with their
 * basis (R-11), they just cannot be requested. Drafts and versions in review are never visible here:
 * they belong to the department's own catalog, not the unified one. Anyone without catalog.read (a
 * public user, or no one signed in) sees only what is open to the public (R-06) and has passed its
 * confidentiality reviews (R-33): an open entry not yet reviewed, or withdrawn, is on no public path.
 */
export function visibleEntriesFilter(
  actor: Pick<Actor, 'roles'> | null,
  cols: VisibilityColumns = ENTRY_VERSION_COLUMNS,
): RawBuilder<SqlBool> {
  const published = sql<SqlBool>`(${sql.ref(cols.entryStatus)} = 'published' and ${sql.ref(cols.versionStatus)} = 'published')`;
  if (actor && can(actor.roles, 'catalog.read')) return published;
  return sql<SqlBool>`(${published} and ${openToPublic(cols)})`;
}

/** Open (无条件 or 有条件开放) and on the portal. */
function openToPublic(cols: VisibilityColumns): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.ref(cols.openType)} in ('unconditional', 'conditional') and ${cols.onPortal})`;
}

export type SearchFilters = Partial<Record<FacetName, string>>;

export interface SearchCriteria {
  actor: Pick<Actor, 'roles'> | null;
  match?: TextMatch;
  /** The open portal lists only entries open to the public (R-06). */
  openOnly: boolean;
  filters: SearchFilters;
}

export type SearchSort = 'relevance' | 'published_desc' | 'name';

function filterCondition(facet: FacetName, value: string): RawBuilder<SqlBool> {
  switch (facet) {
    case 'department':
      return sql`s.department_id = ${value}`;
    case 'region':
      return sql`s.region_code = ${value}`;
    case 'class':
      // Codes are digits only (checked by the route schema), so the value needs no LIKE escaping.
      return sql`s.class_code like ${`${value}%`}`;
    case 'shareType':
      return sql`s.share_type = ${value}`;
    case 'openType':
      return sql`s.open_type = ${value}`;
    case 'formatKind':
      return sql`s.format_kind = ${value}`;
    case 'updateCycle':
      return sql`s.update_cycle = ${value}`;
    case 'shareMethod':
      return sql`${value} = any(s.share_methods)`;
    case 'openDomain':
      return sql`${value} = any(s.open_domains)`;
  }
}

/**
 * The name contains the text. ILIKE only when case can differ: on Chinese text it folds case
 * character by character for nothing and cost twice LIKE (both use the trigram index).
 */
function nameContains(pattern: string): RawBuilder<SqlBool> {
  return pattern.toLowerCase() === pattern.toUpperCase() ? sql`s.name like ${pattern}` : sql`s.name ilike ${pattern}`;
}

function matchCondition(m: TextMatch): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (m.tsquery) parts.push(sql`s.search_doc @@ ${m.tsquery}::tsquery`);
  if (m.namePattern) parts.push(nameContains(m.namePattern));
  if (m.pinyinPattern) parts.push(sql`s.name_pinyin like ${m.pinyinPattern}`);
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** Who may see which entries, as far as a search goes: the public portal, all the public may see, or the city catalog. */
export function visibilityClass(c: SearchCriteria): 'portal' | 'public' | 'catalog' {
  if (c.openOnly) return 'portal';
  return c.actor && can(c.actor.roles, 'catalog.read') ? 'catalog' : 'public';
}

/** The entries this search may show at all: visible to its actor, and open if on the portal. */
function visibleTo(c: SearchCriteria): RawBuilder<SqlBool> {
  const visible = visibleEntriesFilter(c.actor, SEARCH_TABLE_COLUMNS);
  return c.openOnly ? sql<SqlBool>`(${visible} and ${openToPublic(SEARCH_TABLE_COLUMNS)})` : visible;
}

/** What every row of the result and of the facet counts passes: visibility, portal and text. */
function baseConditions(c: SearchCriteria): RawBuilder<SqlBool>[] {
  const conds: RawBuilder<SqlBool>[] = [visibleTo(c)];
  if (c.match) conds.push(matchCondition(c.match));
  return conds;
}

const and = (xs: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> =>
  xs.length ? sql`(${sql.join(xs, sql` and `)})` : sql`true`;

const activeFilters = (c: SearchCriteria) =>
  (Object.keys(c.filters) as FacetName[]).filter((f) => c.filters[f] !== undefined);

/** Every condition of the criteria: the result rows. */
function where(c: SearchCriteria): RawBuilder<SqlBool> {
  return and([...baseConditions(c), ...activeFilters(c).map((f) => filterCondition(f, c.filters[f]!))]);
}

const FROM = sql`catalog_search s`;

/**
 * Entries whose search document matches the text, as a condition on another query's entry id column
 * (the CKAN API's free-text `q`): the same matching as the catalog's own search.
 */
export function entriesMatching(m: TextMatch, entryId: RawBuilder<unknown>): RawBuilder<SqlBool> {
  return sql<SqlBool>`${entryId} in (select s.entry_id from ${FROM} where ${matchCondition(m)})`;
}

/**
 * Relevance in tiers, so that a match in the name beats one in the data items beats one in the
 * summary however often the words repeat (R-05); ts_rank (weighted frequency) orders within a tier
 * (normalisation 32 keeps it below 1). Not ts_rank_cd: its proximity measure cost 3–4× as much per
 * match (11 ms against 3 over 4,000 matches), which the tiers make matter little. A name containing
 * the whole text literally counts as a name match.
 */
function tierHits(m: TextMatch): { name: RawBuilder<SqlBool>; items: RawBuilder<SqlBool> } {
  const nameHit = [
    m.tsqueryName && sql`s.search_doc @@ ${m.tsqueryName}::tsquery`,
    m.namePattern && nameContains(m.namePattern),
    m.pinyinPattern && sql`s.name_pinyin like ${m.pinyinPattern}`,
  ].filter((x): x is RawBuilder<SqlBool> => !!x);
  return {
    name: sql<SqlBool>`coalesce(${sql.join(nameHit, sql` or `)}, false)`,
    items: m.tsqueryNameItems
      ? sql<SqlBool>`coalesce(s.search_doc @@ ${m.tsqueryNameItems}::tsquery, false)`
      : sql<SqlBool>`false`,
  };
}

function rankExpr(m: TextMatch): RawBuilder<number> {
  const hit = tierHits(m);
  // Weights are listed D, C, B, A: summary 0.1, items 0.3, name 1.0.
  const rank = m.tsquery ? sql`ts_rank('{0.05, 0.1, 0.3, 1.0}', s.search_doc, ${m.tsquery}::tsquery, 32)` : sql`0`;
  return sql<number>`(case when ${hit.name} then 2 when ${hit.items} then 1 else 0 end + ${rank})`;
}

function orderBy(c: SearchCriteria, sort: SearchSort): RawBuilder<unknown> {
  if (sort === 'relevance' && c.match)
    return sql`${rankExpr(c.match)} desc, s.published_at desc nulls last, s.entry_id`;
  if (sort === 'name') return sql`s.name, s.entry_id`;
  return sql`s.published_at desc nulls last, s.entry_id`;
}

export interface HitRow {
  entry_id: string;
  version_id: string;
  code: string;
  name: string;
  summary: string;
  provider_department_id: string;
  provider_name: string;
  region_code: string;
  region_name: string;
  class_code: string;
  class_name: string;
  share_type: string;
  open_type: string;
  format_kind: string;
  share_methods: string[];
  update_cycle: string;
  open_domains: string[];
  published_at: Date | null;
}

/** Summaries are cut for the list: enough characters to show two lines, plus one to know it was cut. */
export const SUMMARY_CHARS = 120;

/**
 * The labels are scalar subqueries, not joins: planning the six-table join took 2.7 ms against its
 * 0.5 ms of execution, on every page of every search; planned as subqueries, 0.5 ms.
 */
const HIT_COLUMNS = sql`s.entry_id, s.version_id, e.code, s.name, left(v.summary, ${SUMMARY_CHARS + 1}) as summary,
  s.department_id as provider_department_id, (select d.name from department d where d.id = s.department_id) as provider_name,
  s.region_code, (select r.name from region r where r.code = s.region_code) as region_name,
  s.class_code, (select c.name from catalog_class c where c.code = s.class_code) as class_name,
  s.share_type, s.open_type, s.format_kind, s.share_methods, s.update_cycle, s.open_domains, s.published_at`;

const DETAIL_JOINS = sql`join catalog_entry e on e.id = s.entry_id
  join catalog_entry_version v on v.id = s.version_id`;

/** One page of ids, in order: sorting by date or name walks its index. */
export async function searchPageIds(
  db: Db,
  c: SearchCriteria,
  sort: SearchSort,
  limit: number,
  offset: number,
): Promise<string[]> {
  const r = await sql<{ entry_id: string }>`
    select s.entry_id from ${FROM} where ${where(c)} order by ${orderBy(c, sort)} limit ${limit} offset ${offset}`.execute(
    db,
  );
  return r.rows.map((x) => x.entry_id);
}

/**
 * How many entries the planner expects to match, from the table's statistics (EXPLAIN plans the
 * query without running it): about a millisecond however many match, but only an estimate.
 */
export async function estimatedMatches(db: Db, c: SearchCriteria): Promise<number> {
  const r = await sql<{
    'QUERY PLAN': unknown;
  }>`explain (format json) select 1 from ${FROM} where ${where(c)}`.execute(db);
  // node-postgres hands json over as text, PGlite already parsed.
  const plan = r.rows[0]!['QUERY PLAN'];
  const [top] = (typeof plan === 'string' ? JSON.parse(plan) : plan) as Array<{ Plan: { 'Plan Rows': number } }>;
  return top!.Plan['Plan Rows'];
}

/**
 * A page of a broad search (see searchEntries): the relevance tiers one after the other, each newest
 * first. Each tier walks the published_at index and stops at the page's last row, so a word found in
 * most of the catalog costs a few index steps instead of ranking every match.
 */
export async function broadPageIds(db: Db, c: SearchCriteria, limit: number, offset: number): Promise<string[]> {
  const hit = tierHits(c.match!);
  const tiers = [
    hit.name,
    sql<SqlBool>`not ${hit.name} and ${hit.items}`,
    sql<SqlBool>`not ${hit.name} and not ${hit.items}`,
  ];
  const ids: string[] = [];
  for (const tier of tiers) {
    const want = offset + limit - ids.length;
    if (want <= 0) break;
    const r = await sql<{ entry_id: string }>`
      select s.entry_id from ${FROM} where ${where(c)} and ${tier}
      order by s.published_at desc nulls last, s.entry_id limit ${want}`.execute(db);
    ids.push(...r.rows.map((x) => x.entry_id));
  }
  return ids.slice(offset, offset + limit);
}

/** A row of a result page: a hit's details and its data items' names (for the highlights). */
export interface PageRow extends HitRow {
  item_names: string[];
}

/**
 * The page's rows, in the given order, with their details, if still visible: the ids may come from
 * the result cache, and an entry withdrawn a moment ago is on no public page (R-33). The items'
 * names come along (in their order), not in a statement of their own after this one.
 */
export async function hitsInOrder(db: Db, c: SearchCriteria, ids: string[]): Promise<PageRow[]> {
  if (!ids.length) return [];
  const r = await sql<PageRow>`
    select ${HIT_COLUMNS},
      array(select i.name from catalog_data_item i where i.version_id = s.version_id order by i.position) as item_names
    from unnest(${ids}::uuid[]) with ordinality as page(id, pos)
      join catalog_search s on s.entry_id = page.id ${DETAIL_JOINS}
    where ${visibleTo(c)}
    order by page.pos`.execute(db);
  return r.rows;
}

/** What the search table's state is: it changes with anything a search result shows (migration 0027). */
export async function searchGeneration(db: Db): Promise<string> {
  const r = await sql<{ n: string }>`select n::text as n from search_generation`.execute(db);
  return r.rows[0]!.n;
}

/** Entries in the search table (every status): sizes the sample of a broad search. */
export async function searchTableSize(db: Db): Promise<number> {
  const r = await sql<{ n: number }>`select coalesce(sum(n), 0)::int as n from catalog_search_facet`.execute(db);
  return r.rows[0]!.n;
}

/** Every matching entry id in result order (for exports: one ordering, then details in chunks). */
export async function searchOrderedIds(db: Db, c: SearchCriteria, sort: SearchSort): Promise<string[]> {
  const r = await sql<{
    entry_id: string;
  }>`select s.entry_id from ${FROM} where ${where(c)} order by ${orderBy(c, sort)}`.execute(db);
  return r.rows.map((x) => x.entry_id);
}

/** Hits by entry id, in no particular order; rechecks visibility, as the entry may have changed since. */
export async function hitsByEntryIds(db: Db, actor: SearchCriteria['actor'], entryIds: string[]): Promise<HitRow[]> {
  if (!entryIds.length) return [];
  const r = await sql<HitRow>`
    select ${HIT_COLUMNS}
    from catalog_search s ${DETAIL_JOINS}
    where s.entry_id = any(${entryIds}::uuid[]) and ${visibleEntriesFilter(actor, SEARCH_TABLE_COLUMNS)}`.execute(db);
  return r.rows;
}

/**
 * What each facet groups by, over the combinations computed first (see searchFacets). The class
 * facet counts two levels, 类 (1 digit) and 项 (3 digits). Array facets are grouped by the whole
 * array (few distinct combinations), then split per value.
 */
const FACET_COLUMNS: Array<{ tag: string; facet: FacetName; expr: RawBuilder<unknown>; array?: true }> = [
  { tag: 'department', facet: 'department', expr: sql`c.department_id` },
  { tag: 'region', facet: 'region', expr: sql`c.region_code` },
  { tag: 'class1', facet: 'class', expr: sql`left(c.class_code, 1)` },
  { tag: 'class3', facet: 'class', expr: sql`left(c.class_code, 3)` },
  { tag: 'shareType', facet: 'shareType', expr: sql`c.share_type` },
  { tag: 'openType', facet: 'openType', expr: sql`c.open_type` },
  { tag: 'formatKind', facet: 'formatKind', expr: sql`c.format_kind` },
  { tag: 'updateCycle', facet: 'updateCycle', expr: sql`c.update_cycle` },
  { tag: 'shareMethod', facet: 'shareMethod', expr: sql`c.share_methods`, array: true },
  { tag: 'openDomain', facet: 'openDomain', expr: sql`c.open_domains`, array: true },
];
const COMBINATION = sql`s.department_id, s.region_code, s.class_code, s.share_type, s.open_type, s.format_kind, s.update_cycle, s.share_methods, s.open_domains`;

export interface FacetRow {
  /** A facet name, 'class1'/'class3' for the two class levels, or 'total' (count of all matches). */
  facet: string;
  value: string | null;
  label: string | null;
  n: number;
}

/** Where the facet counts read their combinations from, and which of them count (see facetCounts). */
interface FacetSource {
  /** Rows of catalog_search_facet as s, each a combination of facet values. */
  from: RawBuilder<unknown>;
  where: RawBuilder<SqlBool>;
  /** How many entries a combination counts for. */
  one: RawBuilder<unknown>;
  /** Counts of a sample are scaled up to the whole. */
  scale: number;
}

/** The rows the facet counts need: those passing the base conditions and failing at most one filter. */
function facetBase(c: SearchCriteria): RawBuilder<SqlBool> {
  const active = activeFilters(c);
  const base = baseConditions(c);
  if (active.length > 1)
    base.push(
      sql`(${sql.join(
        active.map((f) => sql`(not coalesce(${filterCondition(f, c.filters[f]!)}, false))::int`),
        sql` + `,
      )}) <= 1`,
    );
  return and(base);
}

/**
 * Every facet's counts and the total in one pass over the combinations of facet values the matches
 * have, as CTEs c, g, f and the select over f. A facet counts the entries that pass every filter but
 * its own, so the combinations are those of entries failing at most one filter, and c counts each
 * once per filter left out (n_all: none left out). Grouping sets over those few thousand
 * combinations then give each facet; hashing every match into ten grouping sets directly cost
 * several times more on broad queries.
 */
function facetCounts(c: SearchCriteria, src: FacetSource): { ctes: RawBuilder<unknown>; select: RawBuilder<unknown> } {
  const active = activeFilters(c);
  const cond = new Map(active.map((f) => [f, filterCondition(f, c.filters[f]!)]));
  const passing = (except?: FacetName) => and(active.filter((f) => f !== except).map((f) => cond.get(f)!));
  const countCols = [
    active.length ? sql`case when ${passing()} then ${src.one} end as n_all` : sql`${src.one} as n_all`,
    ...active.map((f) => sql`case when ${passing(f)} then ${src.one} end as ${sql.id(`n_${f}`)}`),
  ];

  const grouped = (f: (typeof FACET_COLUMNS)[number]) => sql`grouping(${f.expr}) = 0`;
  const scalars = FACET_COLUMNS.filter((f) => !f.array);
  const arrays = FACET_COLUMNS.filter((f) => f.array);
  const tag = sql`case ${sql.join(
    FACET_COLUMNS.map((f) => sql`when ${grouped(f)} then ${sql.lit(f.tag)}`),
    sql` `,
  )} else 'total' end`;
  const value = sql`coalesce(${sql.join(scalars.map((f) => sql`${f.expr}::text`))})`;
  const values = sql`case ${sql.join(
    arrays.map((f) => sql`when ${grouped(f)} then ${f.expr}`),
    sql` `,
  )} end`;
  const ownFilter = FACET_COLUMNS.filter((f) => cond.has(f.facet));
  const n = ownFilter.length
    ? sql`case ${sql.join(
        ownFilter.map((f) => sql`when ${grouped(f)} then sum(${sql.ref(`c.n_${f.facet}`)})`),
        sql` `,
      )} else sum(c.n_all) end`
    : sql`sum(c.n_all)`;

  // Array groups are split into one row per value after grouping, on the few grouped rows only.
  return {
    ctes: sql`c as (
      select ${COMBINATION}, ${sql.join(countCols)} from ${src.from} where ${src.where}
    ), g as (
      select ${tag} as facet, ${value} as value, ${values} as vals, ${n} as n
      from c group by grouping sets (${sql.join(FACET_COLUMNS.map((f) => sql`(${f.expr})`))}, ())
    ), f as (
      select g.facet, x.value, sum(g.n)::int as n
      from g cross join lateral unnest(case when g.vals is null then array[g.value] else g.vals end) as x(value)
      where coalesce(g.n, 0) > 0 or g.facet = 'total'
      group by g.facet, x.value
    )`,
    select: sql`select f.facet, f.value, round(coalesce(f.n, 0) * ${sql.lit(src.scale)})::int as n,
      coalesce(dep.name, rg.name, cc.name, od.name_zh) as label
    from f
      left join department dep on f.facet = 'department' and dep.id::text = f.value
      left join region rg on f.facet = 'region' and rg.code = f.value
      left join catalog_class cc on f.facet in ('class1', 'class3') and cc.code = f.value
      left join open_domain od on f.facet = 'openDomain' and od.code = f.value`,
  };
}

/**
 * The facet counts of a search without its page. Without search text the combinations come
 * counted already (catalog_search_facet); a broad search groups a fixed block sample of its matches
 * by combination (REPEATABLE: the same text gives the same estimate).
 */
export async function searchFacets(db: Db, c: SearchCriteria, sample?: { percent: number }): Promise<FacetRow[]> {
  const rows = sample
    ? sql`catalog_search s tablesample system (${sql.lit(sample.percent)}) repeatable (7)`
    : sql`catalog_search s`;
  const q = c.match
    ? facetCounts(c, {
        from: sql`(select s.facet_id, count(*)::int as n from ${rows} where ${facetBase(c)} group by s.facet_id) k
          join catalog_search_facet s on s.id = k.facet_id`,
        where: sql`true`,
        one: sql`k.n`,
        scale: sample ? 100 / sample.percent : 1,
      })
    : facetCounts(c, { from: sql`catalog_search_facet s`, where: facetBase(c), one: sql`s.n`, scale: 1 });
  const r = await sql<FacetRow>`with ${q.ctes} ${q.select}`.execute(db);
  return r.rows;
}

/**
 * A page of a text search and its facet counts from one pass over the matches: the text is matched
 * (index scan, recheck, ranking) once instead of once for the page and again for the counts, which
 * under concurrent load is what a search costs. The matches are grouped by their combination of
 * facet values (k: facet_id, migration 0026) and the counts read the combinations' values from
 * catalog_search_facet. The 'total' row carries the page's ids. With a cap, it reads at most
 * cap + 1 matches and returns undefined when there are more (a broad search).
 */
export async function searchPageAndFacets(
  db: Db,
  c: SearchCriteria,
  sort: SearchSort,
  page: { limit: number; offset: number },
  cap?: number,
): Promise<{ ids: string[]; facets: FacetRow[] } | undefined> {
  const ranked = sort === 'relevance' && !!c.match;
  const rank = ranked ? rankExpr(c.match!) : sql`0`;
  const combinations = sql`k join catalog_search_facet s on s.id = k.facet_id`;
  const q = facetCounts(c, { from: combinations, where: sql`true`, one: sql`k.n`, scale: 1 });
  const order = ranked ? sql`s.rank desc, s.published_at desc nulls last, s.entry_id` : orderBy(c, sort);
  const active = activeFilters(c);
  // The page's rows pass every filter: those whose combination does.
  const passing = active.length
    ? sql`where s.facet_id in (select k.facet_id from ${combinations}
        where ${and(active.map((f) => filterCondition(f, c.filters[f]!)))})`
    : sql``;
  const r = await sql<FacetRow & { ids: string[]; read: number }>`
    with m as materialized (
      select s.entry_id, ${sort === 'name' ? sql`s.name, ` : sql``}s.published_at, s.facet_id, ${rank} as rank
      from ${FROM} where ${facetBase(c)} ${cap === undefined ? sql`` : sql`limit ${cap + 1}`}
    ), k as (
      select facet_id, count(*)::int as n from m group by facet_id
    ), ${q.ctes}
    select x.*, case when x.facet = 'total' then array(
      select s.entry_id from m s ${passing} order by ${order} limit ${page.limit} offset ${page.offset}
    ) end as ids, case when x.facet = 'total' then (select count(*)::int from m) end as read
    from (${q.select}) x`.execute(db);
  const total = r.rows.find((x) => x.facet === 'total');
  // m holds the rows failing at most one filter: if it was cut, every count may be short.
  if (cap !== undefined && (total?.read ?? 0) > cap) return undefined;
  return { ids: total?.ids ?? [], facets: r.rows.map(({ ids: _, read: __, ...f }) => f) };
}

/**
 * "Did you mean": the visible names most like a text that found nothing (trigram similarity), under
 * the same visibility and filters. similarity() on the filtered rows, not the `%` operator through
 * the trigram index: on the embedded PGlite that index scan, under CPU load, traps the WebAssembly
 * backend in a later statement (seen in browser tests: "null function or function signature
 * mismatch"), and this runs only when a search found nothing.
 */
export async function similarNames(db: Db, c: SearchCriteria, text: string, limit: number): Promise<string[]> {
  const rest = { ...c, match: undefined };
  const r = await sql<{ name: string }>`
    select s.name from ${FROM}
    where ${where(rest)} and similarity(s.name, ${text}) >= 0.3
    order by similarity(s.name, ${text}) desc, s.name
    limit ${limit}`.execute(db);
  return [...new Set(r.rows.map((x) => x.name))];
}
