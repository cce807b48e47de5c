import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { notFound } from '../../platform/errors';
import { compilePlan, suggestRule, type MaskRule, type RowMasker } from '../../platform/masking';
import { entryIdByCode, publishedVersionOf } from '../catalog';
import { requireGrant, type DataUse, type Grant } from '../sharing';
import { findManaged } from '../exchange-ingest';
import { configuredRules, ruleFor } from './masking-service';
import { inScope, scopeOf } from '../../platform/rbac/scope';

/**
 * what one caller may read of a resource's managed table, through one channel.
 * The providing department and the platform read every column as stored; any other department
 * only the items of an active grant for that channel, each masked by its rule: the one configured
 * for the grant's channel, else the one for all channels, else the rule suggested from the catalog.
 */
export interface DataAccess {
  entryId: string;
  code: string;
  table: string;
  /** Readable columns in item order, with the rule each is masked with ('none' when not masked). */
  columns: Array<{ column: string; name: string; dataType: string; rule: MaskRule }>;
  grant: Grant | null;
  mask: RowMasker;
}

const NONE: MaskRule = { code: 'none' };

/**
 * Who reads: the department and roles, and where the call comes from (none for a push job); or the
 * public through the open portal (the open module decides first that the entry is open to them).
 */
export type DataCaller = StaffCaller | PortalCaller;
export type StaffCaller = Pick<Actor, 'departmentId' | 'roles'> & { ip?: string; portal?: never };
export interface PortalCaller {
  portal: true;
  /** Only these items (field names): what an approved 有条件开放 application opened to this reader. */
  fields?: readonly string[];
}

/** `use`: what the data is taken for; the grant's method and terms must allow it (sharing's METHOD_OF_USE). */
export async function resolveAccess(
  ctx: AppContext,
  actor: DataCaller,
  code: string,
  use: DataUse,
): Promise<DataAccess> {
  const entryId = await entryIdByCode(ctx, code);
  const v = entryId ? await publishedVersionOf(ctx, entryId) : null;
  if (!entryId || !v) throw notFound('Published catalog entry', '已发布的信息资源');
  const managed = await findManaged(ctx.db, entryId);
  if (!managed) throw notFound('Resource data', '资源数据（尚未汇聚）');
  const items = new Map(v.items.map((i) => [i.id, i]));
  if (actor.portal) return openAccess(ctx, entryId, code, managed, items, actor.fields);
  const own = inScope(scopeOf(actor, 'exchange.entry.manage'), v.providerDepartmentId);
  let grant: Grant | null = null;
  let columns: DataAccess['columns'];
  if (own) {
    columns = managed.columns.map((c) => ({
      column: c.column,
      name: items.get(c.itemId)?.name ?? c.column,
      dataType: c.dataType,
      rule: NONE,
    }));
  } else {
    grant = await requireGrant(ctx, { departmentId: actor.departmentId ?? '', entryId, use, ip: actor.ip });
    const configured = await configuredRules(ctx, entryId);
    // Masking rules are configured per channel: the grant's method.
    const channel = grant.method;
    // Granted items are named by field: the grant may predate the current version (whose item ids are new).
    const byField = new Map(grant.items.map((i) => [i.fieldName.toLowerCase(), i]));
    const byName = new Map(grant.items.map((i) => [i.name, i]));
    columns = managed.columns.flatMap((c) => {
      const item = items.get(c.itemId);
      const g = byField.get(c.column) ?? (item ? byName.get(item.name) : undefined);
      if (!g || !item) return [];
      const rule = grantedItemRule(configured, c.column, channel, item, g);
      return [{ column: c.column, name: item.name, dataType: c.dataType, rule }];
    });
  }
  return {
    entryId,
    code,
    table: managed.table_name,
    columns,
    grant,
    mask: compilePlan(columns.map((c) => ({ field: c.column, rule: c.rule }))),
  };
}

/** A granted item's rule for the grant's channel: configured for it, else for all channels, else suggested. */
function grantedItemRule(
  configured: Awaited<ReturnType<typeof configuredRules>>,
  field: string,
  channel: string,
  item: Item,
  granted: Grant['items'][number],
): MaskRule {
  return ruleFor(configured, field, channel, () =>
    suggestRule({
      name: item.name,
      fieldName: item.fieldName,
      maskRule: granted.maskRule ?? item.maskRule,
      sensitivity: item.sensitivity,
    }),
  );
}

/**
 * R-43 for deliveries without a managed table (the service gateway): the rule of each granted item
 * of the current version, by field name in lower case. An item the current version no longer has is
 * not delivered, so it has no rule.
 */
export async function grantFieldRules(ctx: AppContext, grant: Grant): Promise<Map<string, MaskRule>> {
  const v = await publishedVersionOf(ctx, grant.entryId);
  const rules = new Map<string, MaskRule>();
  if (!v) return rules;
  const configured = await configuredRules(ctx, grant.entryId);
  const byField = new Map(v.items.flatMap((i) => (i.fieldName ? [[i.fieldName.toLowerCase(), i] as const] : [])));
  const byName = new Map(v.items.map((i) => [i.name, i]));
  for (const g of grant.items) {
    const field = g.fieldName.toLowerCase();
    const item = byField.get(field) ?? byName.get(g.name);
    if (item) rules.set(field, grantedItemRule(configured, field, grant.method, item, g));
  }
  return rules;
}

type Managed = NonNullable<Awaited<ReturnType<typeof findManaged>>>;
type Item = NonNullable<Awaited<ReturnType<typeof publishedVersionOf>>>['items'][number];

/**
 * what the public reads of an open entry — its open items (开放属性 not 不予开放), each
 * masked by the rule configured for the open channel, else for all channels, else the suggestion.
 */
async function openAccess(
  ctx: AppContext,
  entryId: string,
  code: string,
  managed: Managed,
  items: Map<string, Item>,
  fields?: readonly string[],
): Promise<DataAccess> {
  const configured = await configuredRules(ctx, entryId);
  const only = fields ? new Set(fields.map((f) => f.toLowerCase())) : null;
  const columns = managed.columns.flatMap((c) => {
    const item = items.get(c.itemId);
    if (!item || item.openType === 'none') return [];
    if (only && !only.has(c.column.toLowerCase())) return [];
    const rule = ruleFor(configured, c.column, 'open', () => suggestRule(item));
    return [{ column: c.column, name: item.name, dataType: c.dataType, rule }];
  });
  const mask = compilePlan(columns.map((c) => ({ field: c.column, rule: c.rule })));
  return { entryId, code, table: managed.table_name, columns, grant: null, mask };
}
