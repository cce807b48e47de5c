import type { AppContext } from '../../../app-context';
import { badRequest } from '../../../platform/errors';
import * as repo from '../ckan/ckan-repo';
import { packageFacts } from '../ckan/package-facts';
import { SearchQueryError, solrDate } from '../ckan/ckan-query';
import { catalogTriples, datasetTriples, pagingTriples, type Triple } from './dcat-graph';
import type { Format } from './dcat-serialize';

/** Datasets per catalog page (ckanext-dcat's default). */
export const PER_PAGE = 100;

/** Datasets described per chunk of a streamed page. */
const CHUNK = 10;

/**
 * One page of the DCAT-AP catalog: the catalog, PER_PAGE datasets in the order of their ids
 * (a dataset opened meanwhile comes last, as in the CKAN API), and Hydra's paging, as chunks of
 * triples: the catalog and paging first, then CHUNK datasets at a time. `modifiedSince` keeps the
 * datasets whose description changed since then (an incremental harvest). The input is checked and
 * the page read before the generator is returned, so a bad request or a failed query is still a clean
 * error response, not a document cut short.
 */
export async function catalogPage(
  ctx: AppContext,
  origin: string,
  format: Format,
  q: { page?: string; modifiedSince?: string },
  perPage = PER_PAGE,
): Promise<AsyncGenerator<Triple[]>> {
  const page = q.page === undefined ? 1 : Number(q.page);
  if (!Number.isInteger(page) || page < 1)
    throw badRequest('DCAT_PAGE_INVALID', `Not a page number: ${q.page}`, `页码无效：${q.page}`);
  const since = q.modifiedSince ? sinceOf(ctx, q.modifiedSince) : undefined;
  const where = since ? repo.modifiedSince(since) : repo.EVERY;
  const [rows, total] = await Promise.all([
    repo.packages(ctx.db, where, repo.BY_ID, perPage, (page - 1) * perPage),
    repo.countPackages(ctx.db, where),
  ]);
  const facts = await packageFacts(ctx, rows);
  const last = Math.max(1, Math.ceil(total / perPage));
  const url = (n: number) =>
    `${origin}/catalog.${format}?${new URLSearchParams({ ...(q.modifiedSince ? { modified_since: q.modifiedSince } : {}), page: String(n) })}`;
  return (async function* () {
    yield [
      ...catalogTriples(
        origin,
        rows.map((r) => r.name),
      ),
      ...pagingTriples({
        self: url(page),
        first: url(1),
        last: url(last),
        ...(page < last ? { next: url(page + 1) } : {}),
        ...(page > 1 ? { prev: url(page - 1) } : {}),
        total,
        perPage,
      }),
    ];
    for (let i = 0; i < facts.length; i += CHUNK) yield datasetTriples(origin, facts.slice(i, i + CHUNK));
  })();
}

/** modified_since: an ISO date or time (Solr's forms, NOW-7DAYS included). */
function sinceOf(ctx: AppContext, v: string): Date {
  try {
    return solrDate(v, ctx.clock.now());
  } catch (e) {
    if (e instanceof SearchQueryError)
      throw badRequest('DCAT_MODIFIED_SINCE_INVALID', `Not a date: ${v}`, `modified_since 不是有效的日期：${v}`);
    throw e;
  }
}

/** One dataset's description, by its CKAN name or id; undefined when it is not on the portal. */
export async function datasetDocument(ctx: AppContext, origin: string, key: string): Promise<Triple[] | undefined> {
  const row = await repo.packageByKey(ctx.db, key);
  return row ? datasetTriples(origin, await packageFacts(ctx, [row])) : undefined;
}
