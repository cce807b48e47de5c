import type { RawBuilder } from 'kysely';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { pageBounds } from '../../platform/http/schemas';
import { FORMAT_KINDS, OPEN_TYPES, SHARE_METHODS, SHARE_TYPES, UPDATE_CYCLES } from '../../../shared/catalog/enums';
import * as repo from './search-repo';
import { SearchCache } from './search-cache';
import {
  FACET_NAMES,
  highlight,
  parseSearchText,
  type FacetName,
  type FacetValue,
  type Facets,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
  type Synonyms,
  type TextMatch,
} from './search-query';
import { synonymsOf } from './synonyms-service';
import { pinyinMatch } from '../../../shared/search/pinyin';

export type { SearchHit, SearchQuery, SearchResult } from './search-query';

/** Who is searching: any signed-in actor, or null for an anonymous caller (sees open entries only). */
export type Searcher = Pick<Actor, 'roles'> | null;

interface Prepared {
  criteria: repo.SearchCriteria;
  sort: repo.SearchSort;
}

function prepare(actor: Searcher, query: SearchQuery, synonyms: Synonyms): Prepared {
  const match = parseSearchText(query.q, synonyms);
  const filters: repo.SearchFilters = {
    department: query.departmentId,
    region: query.regionCode,
    class: query.classCode,
    shareType: query.shareType,
    openType: query.openType,
    formatKind: query.formatKind,
    shareMethod: query.shareMethod,
    openDomain: query.openDomain,
    updateCycle: query.updateCycle,
  };
  for (const k of Object.keys(filters) as FacetName[]) if (filters[k] === undefined) delete filters[k];
  // Relevance means nothing without search text: browsing lists the newest first.
  const sort =
    query.sort && !(query.sort === 'relevance' && !match) ? query.sort : match ? 'relevance' : 'published_desc';
  return { criteria: { actor, match, openOnly: query.portal === 'open', filters }, sort };
}

const shorten = (s: string) => {
  const cs = Array.from(s);
  return cs.length > repo.SUMMARY_CHARS ? cs.slice(0, repo.SUMMARY_CHARS).join('') + '…' : s;
};

function toHit(r: repo.HitRow): SearchHit {
  return {
    entryId: r.entry_id,
    code: r.code,
    name: r.name,
    summary: shorten(r.summary),
    providerDepartmentId: r.provider_department_id,
    providerName: r.provider_name,
    regionCode: r.region_code,
    regionName: r.region_name,
    classCode: r.class_code,
    className: r.class_name,
    shareType: r.share_type,
    openType: r.open_type,
    formatKind: r.format_kind,
    shareMethods: r.share_methods,
    updateCycle: r.update_cycle,
    openDomains: r.open_domains,
    publishedAt: r.published_at ? r.published_at.toISOString() : null,
  };
}

/** At most this many matching data item names are shown under a hit. */
const MAX_ITEM_HIGHLIGHTS = 5;

function withHighlights(rows: repo.PageRow[], match: TextMatch | undefined): SearchHit[] {
  return rows.map((row) => {
    const h = toHit(row);
    if (!match) return h;
    const name = highlight(h.name, match.marks) ?? pinyinHighlight(h.name, match);
    const items = row.item_names.flatMap((n) => highlight(n, match.marks) ?? []).slice(0, MAX_ITEM_HIGHLIGHTS);
    // A hit found by its summary alone says so: the sentence around the first match.
    const summary = name || items.length ? undefined : snippet(row.summary, match.marks);
    if (!name && !items.length && !summary) return h;
    return {
      ...h,
      highlights: {
        ...(name ? { name } : {}),
        ...(items.length ? { items } : {}),
        ...(summary ? { summary } : {}),
      },
    };
  });
}

/** The characters of the name a pinyin query stands for, marked (qydj → 企业登记). */
function pinyinHighlight(name: string, match: TextMatch): string | undefined {
  if (!match.pinyinPattern) return undefined;
  const at = pinyinMatch(name, match.text);
  if (!at?.length) return undefined;
  const cs = Array.from(name);
  return highlight(name, [cs.slice(at[0], at.at(-1)! + 1).join('')]);
}

const SNIPPET_CHARS = 60;

/** About 60 characters of the text around the first mark, highlighted, with … where cut. */
function snippet(text: string, marks: string[]): string | undefined {
  const lower = text.toLowerCase();
  const at = Math.min(...marks.map((m) => lower.indexOf(m.toLowerCase())).filter((i) => i >= 0));
  if (!Number.isFinite(at)) return undefined;
  const cs = Array.from(text);
  const start = Math.max(0, Array.from(text.slice(0, at)).length - SNIPPET_CHARS / 3);
  const part = cs.slice(start, start + SNIPPET_CHARS).join('');
  const marked = highlight(part, marks);
  return marked && `${start > 0 ? '…' : ''}${marked}${start + SNIPPET_CHARS < cs.length ? '…' : ''}`;
}

const ENUM_LABELS: Partial<Record<FacetName, Record<string, { zh: string }>>> = {
  shareType: SHARE_TYPES,
  openType: OPEN_TYPES,
  formatKind: FORMAT_KINDS,
  shareMethod: SHARE_METHODS,
  updateCycle: UPDATE_CYCLES,
};

/**
 * Classes read as a tree (1, 101, 102, 2, 201 …); fixed enumerations keep their own order so the
 * checkboxes do not move between searches; departments, regions and domains list the biggest first.
 */
function facetOrder(f: FacetName): (a: FacetValue, b: FacetValue) => number {
  const labels = ENUM_LABELS[f];
  if (f === 'class') return (a, b) => a.value.localeCompare(b.value);
  if (labels) {
    const keys = Object.keys(labels);
    return (a, b) => keys.indexOf(a.value) - keys.indexOf(b.value);
  }
  return (a, b) => b.count - a.count || a.label.localeCompare(b.label, 'zh-CN');
}

function toFacets(rows: repo.FacetRow[]): { facets: Facets; total: number } {
  const facets = Object.fromEntries(FACET_NAMES.map((f) => [f, [] as FacetValue[]])) as Facets;
  let total = 0;
  for (const r of rows) {
    if (r.facet === 'total') {
      total = r.n;
      continue;
    }
    // left(code, 3) of a 类-level code is the code itself, already counted as a 类.
    if (r.value === null || (r.facet === 'class3' && r.value.length < 3)) continue;
    const facet = (r.facet === 'class1' || r.facet === 'class3' ? 'class' : r.facet) as FacetName;
    const label = ENUM_LABELS[facet]?.[r.value]?.zh ?? r.label ?? r.value;
    facets[facet].push({ value: r.value, label, count: r.n });
  }
  for (const f of FACET_NAMES) facets[f].sort(facetOrder(f));
  return { facets, total };
}

/**
 * Above this many matches a search is "broad" (a word found in most of the catalog, such as 上饶):
 * ranking and counting every match would cost a full scan, so, as search engines do, the page comes
 * tier by tier (name, items, summary — each newest first) and the total and facet counts are
 * estimated from a sample of about SAMPLE_ROWS entries, flagged `approximate`.
 */
export const BROAD_MATCHES = 10_000;
const SAMPLE_ROWS = 10_000;

export interface SearchTuning {
  broadMatches?: number;
  sampleRows?: number;
}

/**
 * Whether a search is broad, from the planner's estimate of its matches where that is clear; where
 * it is not, the text search itself stops at cap + 1 matches and tells (see searchEntries). At 100k
 * entries the estimates came within 0.2–2× of the true counts (bench/catalog-search), so only an
 * estimate more than 3× over the cap or 2× under it decides alone; a wrong call costs time, never
 * correctness.
 */
export function broadnessOf(estimate: number, cap: number): 'broad' | 'narrow' | 'count' {
  if (estimate > 3 * cap) return 'broad';
  if (2 * estimate < cap) return 'narrow';
  return 'count';
}

/** What a search finds before the rows' details are read: what the result cache keeps. */
interface Found {
  ids: string[];
  facets: Facets;
  total: number;
  approximate: boolean;
  didYouMean: string[];
}
/** The ids and counts, before the suggestions for a search that found nothing. */
type Counted = Omit<Found, 'approximate' | 'didYouMean'>;

/** Each database's recent results (a process may serve several databases: tests do). */
const caches = new WeakMap<AppContext['db'], SearchCache<Found>>();

function cacheOf(ctx: AppContext): SearchCache<Found> {
  let cache = caches.get(ctx.db);
  if (!cache) caches.set(ctx.db, (cache = new SearchCache<Found>(ctx.config.searchCacheSize)));
  return cache;
}

/**
 * The unified catalog search (R-05): one page of published entries with facet counts. Facet counts
 * apply every filter except the facet's own, so a user can still switch between its values. What
 * matched comes from the result cache while nothing it depends on has changed (search-cache.ts);
 * the rows' details and highlights are always read afresh.
 */
export async function searchEntries(
  ctx: AppContext,
  actor: Searcher,
  query: SearchQuery,
  tuning: SearchTuning = {},
): Promise<SearchResult> {
  const { criteria, sort } = prepare(actor, query, await synonymsOf(ctx));
  const p = pageBounds(query);
  const found = await cachedFind(ctx, { criteria, sort, p, tuning });
  const rows = await repo.hitsInOrder(ctx.db, criteria, found.ids);
  return {
    items: withHighlights(rows, criteria.match),
    total: found.total,
    page: p.page,
    pageSize: p.pageSize,
    facets: found.facets,
    approximate: found.approximate,
    ...(found.didYouMean.length ? { didYouMean: found.didYouMean } : {}),
  };
}

/** One search as find() runs it. */
interface Search {
  criteria: repo.SearchCriteria;
  sort: repo.SearchSort;
  p: { limit: number; offset: number };
  tuning: SearchTuning;
}

async function cachedFind(ctx: AppContext, search: Search): Promise<Found> {
  if (ctx.config.searchCacheSize === 0) return find(ctx, search);
  const cache = cacheOf(ctx);
  const generation = await repo.searchGeneration(ctx.db);
  const { criteria, sort, p, tuning } = search;
  // Who searches matters only as far as visibility does: every internal role sees the same catalog.
  const key = JSON.stringify([repo.visibilityClass(criteria), criteria.match, criteria.filters, sort, p, tuning]);
  const hit = cache.get(generation, key);
  if (hit) return hit;
  const found = await find(ctx, search);
  cache.set(generation, key, found);
  return found;
}

/** Matches, ranks and counts. */
async function find(ctx: AppContext, { criteria, sort, p, tuning }: Search): Promise<Found> {
  const cap = tuning.broadMatches ?? BROAD_MATCHES;
  const verdict = criteria.match ? broadnessOf(await repo.estimatedMatches(ctx.db, criteria), cap) : 'narrow';
  // A text search not clearly broad matches its text once for the page and the counts, stopping
  // at cap + 1 matches when the estimate was unsure (then it is broad after all).
  let counted: Counted | undefined;
  if (criteria.match && verdict !== 'broad') {
    const both = await repo.searchPageAndFacets(ctx.db, criteria, sort, p, verdict === 'count' ? cap : undefined);
    if (both) counted = { ids: both.ids, ...toFacets(both.facets) };
  }
  const sample = criteria.match && !counted ? await samplePercent(ctx, tuning.sampleRows ?? SAMPLE_ROWS) : undefined;
  counted ??= await pageAndFacets(ctx, criteria, sort, p, sample);
  // Nothing found: the names most like the text, to try instead.
  const didYouMean =
    counted.total === 0 && criteria.match ? await repo.similarNames(ctx.db, criteria, criteria.match.text, 3) : [];
  return { ...counted, approximate: !!sample, didYouMean };
}

/**
 * The page's ids and the facet counts when browsing (the precounted combinations, the date index)
 * or searching broadly (the page tier by tier, counts from a sample), each cheap on its own.
 */
async function pageAndFacets(
  ctx: AppContext,
  criteria: repo.SearchCriteria,
  sort: repo.SearchSort,
  p: { limit: number; offset: number },
  sample: { percent: number } | undefined,
): Promise<Counted> {
  // Sorting by name or date walks an index already; only relevance needs the tiered page.
  const ids =
    criteria.match && sort === 'relevance'
      ? repo.broadPageIds(ctx.db, criteria, p.limit, p.offset)
      : repo.searchPageIds(ctx.db, criteria, sort, p.limit, p.offset);
  const [page, counted] = await Promise.all([ids, repo.searchFacets(ctx.db, criteria, sample).then(toFacets)]);
  return { ids: page, ...counted };
}

/** The share of the search table that holds about `rows` entries; undefined when that is all of it. */
async function samplePercent(ctx: AppContext, rows: number): Promise<{ percent: number } | undefined> {
  const size = await repo.searchTableSize(ctx.db);
  const percent = Math.ceil((100 * rows) / Math.max(size, 1));
  return percent < 100 ? { percent } : undefined;
}

/**
 * A condition that the entry in `entryId` matches the text as the catalog's search matches it
 * (segmentation, synonyms, pinyin); undefined for text with nothing to match. Visibility is the
 * caller's (the CKAN API lists only what the portal shows).
 */
export async function textMatchCondition(ctx: AppContext, text: string, entryId: RawBuilder<unknown>) {
  const match = parseSearchText(text, await synonymsOf(ctx));
  return match && repo.entriesMatching(match, entryId);
}

/**
 * Every hit of a search, in result order, for exports (.xlsx): no facets, no highlights, page and
 * pageSize ignored. The order is fixed once (ids only), then details are read batchSize at a time,
 * so a long export neither re-sorts on every page nor holds every row in memory.
 */
export async function* iterateSearch(
  ctx: AppContext,
  actor: Searcher,
  query: SearchQuery,
  opts: { batchSize?: number } = {},
): AsyncGenerator<SearchHit> {
  const { criteria, sort } = prepare(actor, query, await synonymsOf(ctx));
  const ids = await repo.searchOrderedIds(ctx.db, criteria, sort);
  const batchSize = opts.batchSize ?? 500;
  for (let i = 0; i < ids.length; i += batchSize) {
    const batch = ids.slice(i, i + batchSize);
    const rows = new Map((await repo.hitsByEntryIds(ctx.db, criteria.actor, batch)).map((r) => [r.entry_id, r]));
    for (const id of batch) {
      const row = rows.get(id);
      // An entry changed or withdrawn between the ordering and this read is skipped.
      if (row) yield toHit(row);
    }
  }
}
