import type { AppContext } from '../../app-context';
import { badRequest } from '../../platform/errors';
import { deliveryStamp, reserveGrantRows, type DeliveryStamp } from '../sharing';
import { KEY_COLUMN } from '../exchange-ingest';
import { resolveAccess, type DataAccess, type DataCaller } from './data-access';
import * as repo from './records-repo';
import { recordsOpenApi } from './records-openapi';
import { publishedVersionOf } from '../catalog';

/** R-24 query API over the data resource center: filters, fields, sort, pages, masked per grant. */

export const MAX_LIMIT = 1000;
const EXPORT_BATCH = 2000;

export interface RecordsQuery {
  fields?: string;
  filter?: string[];
  sort?: string;
  limit?: number;
  offset?: number;
  cursor?: string;
  /** Count every row that passes the filters too (one more statement). */
  total?: boolean;
}

export interface RecordsPage {
  columns: Array<{ field: string; name: string; dataType: string; masked: boolean }>;
  items: Array<Record<string, unknown>>;
  /** Pass as `cursor` for the next page (key order only); null on the last page. */
  nextCursor: string | null;
  grantNo: string | null;
  /** Rows passing the filters, when asked for. */
  total?: number;
}

const invalid = (field: string, message: string, messageZh: string) =>
  badRequest('EXCHANGE_QUERY_INVALID', message, messageZh, {
    problems: [{ field, code: 'EXCHANGE_QUERY_INVALID', message, messageZh }],
  });

/** Checks every name the caller used against what it may read; masked columns cannot be filtered or sorted on. */
function plan(access: DataAccess, q: RecordsQuery): repo.RecordQuery {
  const readable = new Map(access.columns.map((c) => [c.column, c]));
  const columns = q.fields
    ? q.fields
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    : access.columns.map((c) => c.column);
  for (const f of columns)
    if (!readable.has(f)) throw invalid('fields', `No readable field ${f}`, `无权读取或不存在的字段：${f}`);
  const plain = (f: string, what: string) => {
    const c = readable.get(f);
    if (!c) throw invalid(what, `No readable field ${f}`, `无权读取或不存在的字段：${f}`);
    // Matching or ordering on a masked value would reveal it; comparison is R-25's audited 比对 instead.
    if (c.rule.code !== 'none')
      throw invalid(
        what,
        `Field ${f} is masked and cannot be used to ${what}`,
        `字段 ${f} 已脱敏，不能用于${what === 'sort' ? '排序' : '筛选'}`,
      );
    return f;
  };
  const equals = (q.filter ?? []).map((s) => {
    const i = s.indexOf(':');
    if (i <= 0) throw invalid('filter', 'A filter is field:value', '筛选条件格式为“字段:值”');
    return { column: plain(s.slice(0, i), 'filter'), value: s.slice(i + 1) };
  });
  const sort = q.sort ? { column: plain(q.sort.replace(/^-/, ''), 'sort'), desc: q.sort.startsWith('-') } : null;
  if (q.cursor && (sort || q.offset))
    throw invalid(
      'cursor',
      'A cursor pages in key order only, without sort or offset',
      '游标分页不能与排序或偏移量同时使用',
    );
  const afterKey = q.cursor ? Buffer.from(q.cursor, 'base64url').toString('utf8') : null;
  return {
    table: access.table,
    columns,
    equals,
    sort,
    limit: Math.min(q.limit ?? 100, MAX_LIMIT),
    offset: q.offset ?? 0,
    afterKey,
  };
}

/**
 * Reads under the grant's daily row cap (no grant, no cap: the provider's own reads): at most what
 * is left of today's allowance (`all`: every row or a refusal); what the read did not deliver, or
 * everything when it failed, goes back to the allowance.
 */
async function withinRowCap<T>(
  ctx: AppContext,
  access: DataAccess,
  want: number,
  all: boolean,
  read: (limit: number) => Promise<T[]>,
): Promise<T[]> {
  if (!access.grant) return read(want);
  const quota = await reserveGrantRows(ctx, access.grant, want, { all });
  let delivered = 0;
  try {
    const out = await read(quota.rows);
    delivered = out.length;
    return out;
  } finally {
    await quota.settle(delivered);
  }
}

export interface Delivery<T> {
  body: T;
  stamp: DeliveryStamp | null;
  rows: number;
}

export async function queryRecords(
  ctx: AppContext,
  actor: DataCaller,
  code: string,
  q: RecordsQuery,
): Promise<Delivery<RecordsPage>> {
  const access = await resolveAccess(ctx, actor, code, 'query');
  const p = plan(access, q);
  // Under a daily row cap the page is cut to what is left of today's allowance.
  let limit = p.limit;
  const rows = await withinRowCap(ctx, access, p.limit, false, (allowed) => {
    limit = allowed;
    return repo.readRecords(ctx.db, { ...p, limit });
  });
  const total = q.total ? await repo.countRecords(ctx.db, p) : undefined;
  const lastKey = rows.length ? String(rows.at(-1)![KEY_COLUMN]) : null;
  const items = rows.map((r) => {
    delete r[KEY_COLUMN];
    return access.mask(r);
  });
  const byColumn = new Map(access.columns.map((c) => [c.column, c]));
  return {
    body: {
      columns: p.columns.map((f) => ({
        field: f,
        name: byColumn.get(f)!.name,
        dataType: byColumn.get(f)!.dataType,
        masked: byColumn.get(f)!.rule.code !== 'none',
      })),
      items,
      nextCursor:
        !p.sort && rows.length === limit && lastKey !== null
          ? Buffer.from(lastKey, 'utf8').toString('base64url')
          : null,
      grantNo: access.grant?.no ?? null,
      ...(total === undefined ? {} : { total }),
    },
    stamp: access.grant ? deliveryStamp(access.grant) : null,
    rows: items.length,
  };
}

/**
 * Every readable row (filters apply), masked, in key order, batch by batch: a streaming export
 * never holds the table in memory.
 */
export async function exportRecords(
  ctx: AppContext,
  actor: DataCaller,
  code: string,
  q: Pick<RecordsQuery, 'fields' | 'filter'>,
) {
  const access = await resolveAccess(ctx, actor, code, 'export');
  const p = plan(access, q);
  async function* rows(): AsyncGenerator<Record<string, unknown>> {
    let afterKey: string | null = null;
    for (;;) {
      const batch = await repo.readRecords(ctx.db, { ...p, limit: EXPORT_BATCH, offset: 0, sort: null, afterKey });
      for (const r of batch) {
        afterKey = String(r[KEY_COLUMN]);
        delete r[KEY_COLUMN];
        yield access.mask(r);
      }
      if (batch.length < EXPORT_BATCH) return;
    }
  }
  return {
    columns: p.columns,
    rows: rows(),
    stamp: access.grant ? deliveryStamp(access.grant) : null,
    access,
    plan: p,
  };
}

export const MAX_VERIFY = 1000;

/**
 * R-25 verification (比对): the caller sends values of granted items and learns, per record, whether
 * the resource holds a row with exactly those values — never the row. Masked items may be compared:
 * that is what comparison is for, and it is audited as such.
 */
export async function verifyRecords(
  ctx: AppContext,
  actor: DataCaller,
  code: string,
  fields: string[],
  records: string[][],
): Promise<Delivery<{ results: boolean[]; grantNo: string | null }>> {
  const access = await resolveAccess(ctx, actor, code, 'query');
  const readable = new Set(access.columns.map((c) => c.column));
  for (const f of fields)
    if (!readable.has(f)) throw invalid('fields', `No readable field ${f}`, `无权比对或不存在的字段：${f}`);
  if (new Set(fields).size !== fields.length) throw invalid('fields', 'A field is listed twice', '比对字段重复');
  records.forEach((r, i) => {
    if (r.length !== fields.length)
      throw invalid(
        `records[${i}]`,
        `Record ${i + 1} needs ${fields.length} values`,
        `第${i + 1}条记录应有${fields.length}个值`,
      );
  });
  // Each compared record counts against a daily row cap; a comparison is answered whole or refused.
  const results = await withinRowCap(ctx, access, records.length, true, () =>
    repo.matchRecords(ctx.db, access.table, fields, records),
  );
  return {
    body: { results, grantNo: access.grant?.no ?? null },
    stamp: access.grant ? deliveryStamp(access.grant) : null,
    rows: records.length,
  };
}

export async function resourceOpenApi(
  ctx: AppContext,
  actor: DataCaller,
  code: string,
): Promise<Record<string, unknown>> {
  const access = await resolveAccess(ctx, actor, code, 'query');
  const v = await publishedVersionOf(ctx, access.entryId);
  return recordsOpenApi(access, v?.name ?? code);
}
