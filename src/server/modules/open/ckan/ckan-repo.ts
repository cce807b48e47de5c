import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../../app-context';
import type { Clause } from './ckan-query';
import { OPEN_DOWNLOADS } from '../downloads';

/**
 * The CKAN API's view of the portal (R-35): the datasets on the portal as packages, the provider
 * departments as organizations, the open domains (Art 21) as groups, the resource classes as tags.
 * Only what the portal shows: open, reviewed, current (open_dataset.listed, portal-repo's onPortal
 * kept as a column by triggers, migration 0028).
 */
const ON_PORTAL = sql<SqlBool>`od.listed`;

/**
 * What a package's details and most filters read, joined to open_dataset od. The version and the
 * department are left joins on their keys: a listed dataset always has both (so the rows are the
 * same), and PostgreSQL drops a left join whose columns a query does not read — a count by
 * organization then skips a lookup of every matching dataset's version (15 ms instead of 150).
 */
const JOINS = sql`join catalog_entry e on e.id = od.entry_id
  left join catalog_entry_version v on v.id = e.current_version_id
  left join department d on d.id = e.provider_department_id`;
const FROM = sql`open_dataset od ${JOINS}`;

/** A package's name: its code as a CKAN name (lower case; `/` is not allowed). */
const NAME = sql<string>`lower(replace(e.code, '/', '-'))`;
/** An organization's name: the department's 统一社会信用代码, lower case. */
const ORG_NAME = sql<string>`lower(d.credit_code)`;
/** When a package's description last changed: the portal shows a new version only once it is reopened. */
const MODIFIED = sql`od.opened_at`;
/** When it first opened (set with its package id, migration 0028). */
const CREATED = sql`od.first_opened_at`;

/** The tags of the entry: the names of its class and of the class's top level (类). */
const TAGS = sql<string[]>`array(select c.name from catalog_class c
  where c.code in (e.class_code, left(e.class_code, 1)) order by length(c.code))`;

export interface PackageRow {
  entry_id: string;
  package_id: string;
  name: string;
  code: string;
  title: string;
  notes: string;
  version_no: number;
  class_code: string;
  update_cycle: string;
  share_type: string;
  open_type: string;
  open_condition: string | null;
  format_kind: string;
  format_type: string | null;
  provider_office: string | null;
  open_domains: string[];
  published_at: Date | null;
  created: Date;
  modified: Date;
  department_id: string;
  department_name: string;
  org_name: string;
  department_created: Date;
  region_code: string;
  region_name: string | null;
  tags: string[];
}

const COLUMNS = sql`e.id as entry_id, od.package_id, ${NAME} as name, e.code, v.name as title, v.summary as notes,
  v.version_no, e.class_code, v.update_cycle, v.share_type, v.open_type, v.open_condition, v.format_kind,
  v.format_type, v.provider_office, v.open_domains, v.published_at,
  ${CREATED} as created, ${MODIFIED} as modified,
  d.id as department_id, d.name as department_name, ${ORG_NAME} as org_name, d.created_at as department_created,
  d.region_code, (select r.name from region r where r.code = d.region_code) as region_name, ${TAGS} as tags`;

/** What a field of the query compares, and how (fields a client may filter and facet on). */
type Field =
  | { kind: 'text'; expr: RawBuilder<unknown>; ownRow?: true }
  | { kind: 'array'; expr: RawBuilder<unknown> }
  | { kind: 'time'; expr: RawBuilder<unknown>; ownRow?: true }
  | { kind: 'constant'; values: string[] };

/** The formats of the resources every package has (ckan-package.ts: the downloads and the open API). */
const RESOURCE_FORMATS = [...OPEN_DOWNLOADS.map((x) => x.fileType), 'API'];

export function fields(licenceId: string): Record<string, Field> {
  return {
    id: { kind: 'text', expr: sql`od.package_id::text`, ownRow: true },
    name: { kind: 'text', expr: NAME },
    organization: { kind: 'text', expr: ORG_NAME },
    owner_org: { kind: 'text', expr: sql`d.id::text` },
    groups: { kind: 'array', expr: sql`v.open_domains` },
    tags: { kind: 'array', expr: TAGS },
    title: { kind: 'text', expr: sql`v.name` },
    metadata_modified: { kind: 'time', expr: MODIFIED, ownRow: true },
    metadata_created: { kind: 'time', expr: CREATED, ownRow: true },
    res_format: { kind: 'constant', values: RESOURCE_FORMATS },
    license_id: { kind: 'constant', values: [licenceId] },
    type: { kind: 'constant', values: ['dataset'] },
    state: { kind: 'constant', values: ['active'] },
    capacity: { kind: 'constant', values: ['public'] },
    private: { kind: 'constant', values: ['false'] },
  };
}

/** The column free-text conditions (the catalog's textMatchCondition) are stated on. */
export const ENTRY_ID = sql`od.entry_id`;

/** How a query's parts become SQL: its fields, its dates, its free words (already matched), its unknown fields. */
export interface Reading {
  fields: Record<string, Field>;
  at: (v: string) => Date;
  /** Each free word's condition on ENTRY_ID (undefined: nothing to match). */
  texts: Map<string, RawBuilder<SqlBool> | undefined>;
  unknownField: (name: string) => never;
}

/** A clause of the query as SQL; an unknown field is what `unknownField` makes of it (Solr: an error). */
function condition(c: Clause, r: Reading): RawBuilder<SqlBool> {
  const { fields: f, at, unknownField } = r;
  const rec = (x: Clause) => condition(x, r);
  switch (c.kind) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'not':
      return sql<SqlBool>`not coalesce(${rec(c.of)}, false)`;
    case 'and':
    case 'or':
      return sql<SqlBool>`(${sql.join(c.of.map(rec), c.kind === 'and' ? sql` and ` : sql` or `)})`;
    case 'term': {
      // Free words are matched as the catalog's search matches them (segmentation, synonyms, pinyin).
      if (c.field === 'text') return r.texts.get(c.value) ?? sql<SqlBool>`true`;
      const field = f[c.field] ?? unknownField(c.field);
      // field:* means the field has a value, as every package's fields here do.
      if (c.value === '*') return sql<SqlBool>`true`;
      if (field.kind === 'constant')
        return field.values.some((x) => x.toLowerCase() === c.value.toLowerCase()) ? sql`true` : sql`false`;
      if (field.kind === 'array') return sql<SqlBool>`${c.value} = any(${field.expr})`;
      if (field.kind === 'time') return sql<SqlBool>`${field.expr} = ${at(c.value)}`;
      return sql<SqlBool>`${field.expr} = ${c.value}`;
    }
    case 'range': {
      const field = f[c.field] ?? unknownField(c.field);
      if (field.kind !== 'time' && field.kind !== 'text') return sql<SqlBool>`true`;
      const value = (v: string) => (field.kind === 'time' ? at(v) : v);
      const parts = [
        c.from === null ? null : sql`${field.expr} ${sql.raw(c.fromIncl ? '>=' : '>')} ${value(c.from)}`,
        c.to === null ? null : sql`${field.expr} ${sql.raw(c.toIncl ? '<=' : '<')} ${value(c.to)}`,
      ].filter((x) => x !== null);
      return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : sql<SqlBool>`true`;
    }
  }
}

/** Whether a clause reads columns beyond open_dataset's own (then the page is chosen over the joined tables). */
function readsJoins(c: Clause, f: Record<string, Field>): boolean {
  switch (c.kind) {
    case 'all':
      return false;
    case 'not':
      return readsJoins(c.of, f);
    case 'and':
    case 'or':
      return c.of.some((x) => readsJoins(x, f));
    case 'term':
    case 'range': {
      // Free words are matched on open_dataset's own entry id.
      if (c.kind === 'term' && c.field === 'text') return false;
      const field = f[c.field];
      return !field || (field.kind !== 'constant' && !('ownRow' in field && field.ownRow));
    }
  }
}

/** Every clause must hold. */
export function allOf(clauses: Clause[], r: Reading): Filter {
  const conds = clauses.map((c) => condition(c, r));
  return {
    sql: conds.length ? sql<SqlBool>`(${sql.join(conds, sql` and `)})` : sql<SqlBool>`true`,
    joins: clauses.some((c) => readsJoins(c, r.fields)),
  };
}

/** A condition on packages, and whether it reads the joined tables (see readsJoins). */
export interface Filter {
  sql: RawBuilder<SqlBool>;
  joins: boolean;
}
export const EVERY: Filter = { sql: sql<SqlBool>`true`, joins: false };
export const inOrganization = (id: string): Filter => ({ sql: sql<SqlBool>`d.id = ${id}`, joins: true });
export const inGroup = (code: string): Filter => ({ sql: sql<SqlBool>`${code} = any(v.open_domains)`, joins: true });
export const modifiedSince = (at: Date): Filter => ({ sql: sql<SqlBool>`${MODIFIED} >= ${at}`, joins: false });

/** Sortable fields (CKAN's `sort`: `id asc`, `metadata_modified desc`, `name asc`, `title_string asc` …). */
const SORTS: Record<string, RawBuilder<unknown>> = {
  id: sql`od.package_id`,
  name: NAME,
  title_string: sql`v.name`,
  title: sql`v.name`,
  metadata_modified: MODIFIED,
  metadata_created: CREATED,
};

export const isSortable = (field: string) => field in SORTS;
const OWN_ROW_SORTS = new Set(['id', 'metadata_modified', 'metadata_created']);

/** An order from (field, direction) pairs of sortable fields; none: the newest opened first. */
export interface Order {
  sql: RawBuilder<unknown>;
  /** Whether it sorts on columns beyond open_dataset's own. */
  joins: boolean;
}
export function orderOf(keys: Array<{ field: string; desc: boolean }>): Order {
  const parts = keys.map((k) => sql`${SORTS[k.field]!} ${sql.raw(k.desc ? 'desc' : 'asc')}`);
  return {
    sql: parts.length ? sql.join(parts) : sql`od.opened_at desc`,
    joins: keys.some((k) => !OWN_ROW_SORTS.has(k.field)),
  };
}
export const BY_ID = orderOf([{ field: 'id', desc: false }]);
export const NEWEST = orderOf([]);

/** What package_search can count values of. */
export const FACETS: Record<string, { expr: RawBuilder<unknown>; array: boolean }> = {
  organization: { expr: ORG_NAME, array: false },
  groups: { expr: sql`v.open_domains`, array: true },
  tags: { expr: TAGS, array: true },
  res_format: { expr: sql`array[${sql.join(RESOURCE_FORMATS)}]::text[]`, array: true },
};

/**
 * A page of packages: the page's entries chosen first (over open_dataset alone when neither the
 * filter nor the order reads other tables: an index walk of the listed ids), then their details.
 */
export async function packages(
  db: Db,
  where: Filter,
  order: Order,
  limit: number,
  offset: number,
): Promise<PackageRow[]> {
  const from = where.joins || order.joins ? FROM : sql`open_dataset od`;
  const r = await sql<PackageRow>`
    with page as (select array(select od.entry_id from ${from} where ${ON_PORTAL} and ${where.sql}
      order by ${order.sql}, od.package_id limit ${limit} offset ${offset}) as ids)
    select ${COLUMNS} from page, unnest(page.ids) with ordinality as p(entry_id, pos)
      join open_dataset od on od.entry_id = p.entry_id ${JOINS}
    order by p.pos`.execute(db);
  return r.rows;
}

export async function countPackages(db: Db, where: Filter): Promise<number> {
  const from = where.joins ? FROM : sql`open_dataset od`;
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from ${from} where ${ON_PORTAL} and ${where.sql}`.execute(db);
  return r.rows[0]!.n;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The package with this id or name (package_show, a DCAT dataset document), if it is on the portal. */
export async function packageByKey(db: Db, key: string): Promise<PackageRow | undefined> {
  // A name is a code with `-` for `/`: the code's own index finds it (codes' letters are upper case).
  const m = /^([0-9a-z]{1,16})-(\d{6})$/i.exec(key);
  const match = UUID.test(key)
    ? sql`od.package_id = ${key}::uuid`
    : m
      ? sql`e.code in (${`${m[1]!}/${m[2]!}`}, ${`${m[1]!.toUpperCase()}/${m[2]!}`})`
      : undefined;
  if (!match) return undefined;
  const r = await sql<PackageRow>`select ${COLUMNS} from ${FROM} where ${ON_PORTAL} and ${match}`.execute(db);
  return r.rows[0];
}

/** Every package's name in id order (package_list): the names alone, through the index of listed ids. */
export async function packageNames(db: Db, limit: number, offset: number): Promise<string[]> {
  const r = await sql<{ name: string }>`select ${NAME} as name from open_dataset od
    join catalog_entry e on e.id = od.entry_id where ${ON_PORTAL}
    order by od.package_id limit ${limit} offset ${offset}`.execute(db);
  return r.rows.map((x) => x.name);
}

/** The package whose CSV resource (the datastore's) has this id. */
export async function packageByDatastoreResource(db: Db, resourceId: string): Promise<PackageRow | undefined> {
  if (!UUID.test(resourceId)) return undefined;
  const r = await sql<PackageRow>`select ${COLUMNS} from ${FROM} where ${ON_PORTAL}
    and md5('govshare:resource:' || od.package_id::text || ':csv')::uuid = ${resourceId}::uuid`.execute(db);
  return r.rows[0];
}

/** Counts per value of a facet field over the matching packages, biggest first. */
export async function facet(
  db: Db,
  where: Filter,
  name: string,
  limit: number,
): Promise<Array<{ value: string; n: number }>> {
  const { expr, array } = FACETS[name]!;
  const value = array ? sql`unnest(${expr})` : expr;
  const r = await sql<{ value: string; n: number }>`
    select x.value, count(*)::int as n from (select ${value} as value from ${FROM} where ${ON_PORTAL} and ${where.sql}) x
    where x.value is not null group by x.value order by n desc, x.value limit ${limit}`.execute(db);
  return r.rows;
}

export interface OrganizationRow {
  id: string;
  name: string;
  title: string;
  short_name: string | null;
  created: Date;
  package_count?: number;
}

/** Departments with datasets on the portal (a department without is nothing to harvest), by title. */
export async function organizations(
  db: Db,
  opts: { limit: number; offset: number; key?: string; sort?: 'name' | 'title' | 'package_count'; desc?: boolean },
): Promise<OrganizationRow[]> {
  const order = { name: sql`name`, title: sql`title`, package_count: sql`package_count` }[opts.sort ?? 'title'];
  const r = await sql<OrganizationRow>`
    select d.id, ${ORG_NAME} as name, d.name as title, d.short_name, d.created_at as created, count(*)::int as package_count
    from ${FROM} where ${ON_PORTAL}
      ${opts.key ? sql`and (d.id::text = ${opts.key} or ${ORG_NAME} = ${opts.key.toLowerCase()})` : sql``}
    group by d.id
    order by ${order} ${sql.raw(opts.desc ? 'desc' : 'asc')}, d.id
    limit ${opts.limit} offset ${opts.offset}`.execute(db);
  return r.rows;
}

export interface GroupRow {
  code: string;
  name_zh: string;
  name_en: string;
  package_count: number;
}

/** Art 21's open domains with their packages (every domain, also those still empty), in the portal's order. */
export async function groups(db: Db): Promise<GroupRow[]> {
  const r = await sql<GroupRow>`
    select g.code, g.name_zh, g.name_en,
      (select count(*)::int from ${FROM} where ${ON_PORTAL} and g.code = any(v.open_domains)) as package_count
    from open_domain g order by g.sort, g.code`.execute(db);
  return r.rows;
}

/** Tag names in use on the portal, optionally starting with `query`. */
export async function tagNames(db: Db, query: string | undefined, limit: number, offset: number): Promise<string[]> {
  const r = await sql<{ tag: string }>`
    select distinct t.tag from (select unnest(${TAGS}) as tag from ${FROM} where ${ON_PORTAL}) t
    ${query ? sql`where t.tag like ${`${query.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}` : sql``}
    order by t.tag limit ${limit} offset ${offset}`.execute(db);
  return r.rows.map((x) => x.tag);
}
