import type { AppContext } from '../../../app-context';
import { AppError } from '../../../platform/errors';
import { queryRecords } from '../../exchange-delivery';
import { downloadable } from '../portal-service';
import * as portalRepo from '../portal-repo';
import { CkanError, int, bool, invalid, list, notFound, str, upTo, type Params } from './ckan-params';
import * as repo from './ckan-repo';

/** CKAN's datastore types for the national catalog's data types (DATA_TYPES). */
const TYPES: Record<string, string> = {
  C: 'text',
  M: 'text',
  N: 'numeric',
  Y: 'numeric',
  B: 'float8',
  F: 'float8',
  I: 'int',
  D: 'date',
  T: 'timestamp',
  L: 'bool',
  G: 'bytea',
};

/** The most records a datastore page gives (the portal's query API's page). */
const LIMIT_MAX = 1000;

export interface DatastoreResult {
  code: string;
  rows: number;
  result: unknown;
}

/**
 * datastore_search on a package's CSV resource: its records as the portal gives them (open items,
 * masked for the open channel, R-31), filtered by `filters` (field → value), sorted by one unmasked
 * field, paged by limit/offset, with the total. 有条件开放 data is for approved applicants through
 * the open API with their key, not here (403). Counted on the dataset's API calls.
 */
export async function datastoreSearch(ctx: AppContext, p: Params, origin: string): Promise<DatastoreResult> {
  const resourceId = str(p, 'resource_id') ?? str(p, 'id');
  if (!resourceId) throw invalid('resource_id', 'Missing value');
  const pkg = await repo.packageByDatastoreResource(ctx.db, resourceId);
  if (!pkg) throw notFound(`Resource "${resourceId}" was not found.`);
  if (str(p, 'q')) throw invalid('q', 'Full-text search of records is not offered: use filters');
  const limit = upTo(p, 'limit', 100, LIMIT_MAX);
  const offset = int(p, 'offset', 0);
  const includeTotal = bool(p, 'include_total', true);
  const format = str(p, 'records_format') ?? 'objects';
  if (format !== 'objects' && format !== 'lists') throw invalid('records_format', 'Must be objects or lists');

  const filter = Object.entries(filtersOf(p)).map(([field, value]) => {
    if (Array.isArray(value) || (value !== null && typeof value === 'object'))
      throw invalid('filters', `One value per field: ${field}`);
    return `${field}:${String(value)}`;
  });
  const sort = sortOf(str(p, 'sort'));
  let access;
  try {
    access = await downloadable(ctx, pkg.code, null);
  } catch (e) {
    if (e instanceof AppError && e.code === 'OPEN_APPLICATION_REQUIRED')
      throw new CkanError(403, 'Authorization Error', `Access denied: ${e.message}`);
    throw e;
  }
  let page;
  try {
    page = await queryRecords(ctx, access.caller, pkg.code, {
      fields: list(p, 'fields').join(',') || undefined,
      filter,
      sort,
      limit,
      offset,
      total: includeTotal,
    });
  } catch (e) {
    // Not loaded yet: CKAN's answer for a resource without a datastore table.
    if (e instanceof AppError && e.status === 404) throw notFound(`Resource "${resourceId}" was not found.`);
    if (e instanceof AppError && e.status === 400) throw invalid(fieldOf(e), e.message);
    throw e;
  }
  await portalRepo.bump(ctx.db, pkg.entry_id, 'api_call_count');
  const { columns, items } = page.body;
  const link = (o: number) =>
    `/api/3/action/datastore_search?${new URLSearchParams({ resource_id: resourceId, offset: String(o), limit: String(limit) })}`;
  return {
    code: pkg.code,
    rows: items.length,
    result: {
      resource_id: resourceId,
      fields: columns.map((c) => ({
        id: c.field,
        type: TYPES[c.dataType] ?? 'text',
        info: { label: c.name, notes: c.masked ? '已脱敏 masked' : '' },
      })),
      records: format === 'lists' ? items.map((r) => columns.map((c) => r[c.field] ?? null)) : items,
      records_format: format,
      limit,
      offset,
      include_total: includeTotal,
      ...(includeTotal ? { total: page.body.total ?? 0, total_was_estimated: false } : {}),
      _links: { start: `${origin}${link(0)}`, next: `${origin}${link(offset + limit)}` },
    },
  };
}

/** `filters`: a JSON object (POST), or its text (GET). */
function filtersOf(p: Params): Record<string, unknown> {
  const v = p['filters'];
  if (v === undefined || v === null || v === '') return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  try {
    const o: unknown = JSON.parse(String(v));
    if (o && typeof o === 'object' && !Array.isArray(o)) return o as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw invalid('filters', 'Not a JSON object');
}

/** CKAN's sort (`field`, `field asc`, `field desc`, `"field" desc`) as the query API's (`field`, `-field`); one field. */
function sortOf(sort: string | undefined): string | undefined {
  if (!sort?.trim()) return undefined;
  const parts = sort.split(',').map((s) => s.trim());
  if (parts.length > 1) throw invalid('sort', 'Sort by one field');
  const m = /^"?([^"\s]+)"?(?:\s+(asc|desc))?$/i.exec(parts[0]!);
  if (!m) throw invalid('sort', `Cannot sort by ${parts[0]}`);
  return m[2]?.toLowerCase() === 'desc' ? `-${m[1]}` : m[1];
}

/** The parameter an error of the query API was about (its details name it). */
function fieldOf(e: AppError): string {
  const details = e.details as { problems?: Array<{ field?: string }> } | undefined;
  const f = details?.problems?.[0]?.field;
  return f === 'filter' ? 'filters' : (f ?? 'query');
}
