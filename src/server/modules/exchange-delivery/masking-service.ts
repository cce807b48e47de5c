import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { AppError, badRequest, forbidden, notFound } from '../../platform/errors';
import {
  formatRuleSpec,
  mask,
  parseRuleSpec,
  RULE_CODES,
  RULES,
  suggestRule,
  type MaskRule,
  type RuleCode,
} from '../../platform/masking';
import { type EntryVersion, publishedVersionOf } from '../catalog';
import { managedColumns } from '../exchange-ingest';
import * as repo from './masking-repo';
import {
  OVERRIDE_CHANNELS,
  type Masking,
  type MaskingChannel,
  type MaskingItem,
  type MaskingRuleInput,
  type Preview,
  type RuleCodeInfo,
} from './masking-schemas';
import { inScope, scopeOf } from '../../platform/rbac/scope';

/**
 * R-43 masking configured per data item and channel. The providing department sets a rule for all
 * channels ('*') and, where one channel needs another, an override for 库表, 文件 or 接口; items
 * without a configured rule keep the rule suggested from the catalog's free text.
 */

const CHANNEL_ZH: Record<MaskingChannel, string> = {
  '*': '全部渠道',
  table: '库表',
  file: '文件',
  api: '接口',
  open: '开放门户',
};
const LEVEL: Record<string, { zh: string; en: string }> = {
  district: { zh: '到区县', en: 'to the county' },
  town: { zh: '到乡镇街道', en: 'to the town' },
  community: { zh: '到小区村', en: 'to the community' },
};

/** A short name of a rule with its parameters, for lists and previews. */
export function ruleLabel(rule: MaskRule): { zh: string; en: string } {
  const info = RULES[rule.code];
  if (rule.code === 'address')
    return { zh: `${info.nameZh}（${LEVEL[rule.level]!.zh}）`, en: `${info.nameEn} (${LEVEL[rule.level]!.en})` };
  if (rule.code === 'keep')
    return {
      zh: `${info.nameZh}（前${rule.head}后${rule.tail}）`,
      en: `${info.nameEn} (first ${rule.head}, last ${rule.tail})`,
    };
  return { zh: info.nameZh, en: info.nameEn };
}

const view = (rule: MaskRule) => ({ rule: formatRuleSpec(rule), label: ruleLabel(rule) });

/** One example per rule code, so the page can show what each does before anything is typed. */
const EXAMPLES: Record<RuleCode, { rule: string; value: string }> = {
  name: { rule: 'name', value: '欧阳娜娜' },
  id_number: { rule: 'id_number', value: '36110219900101123X' },
  mobile: { rule: 'mobile', value: '13812345678' },
  landline: { rule: 'landline', value: '0793-8221234' },
  bank_card: { rule: 'bank_card', value: '6222021234567890123' },
  address: { rule: 'address', value: '江西省上饶市信州区滨江西路88号' },
  email: { rule: 'email', value: 'zhangsan@example.com' },
  plate: { rule: 'plate', value: '赣E·12345' },
  credit_code: { rule: 'credit_code', value: '91361100MA35A1B2C3' },
  keep: { rule: 'keep:3,4', value: 'AB12345678CD' },
  regex: { rule: 'regex:/\\d{4}$/****/', value: '合同编号2026-0001' },
  redact: { rule: 'redact', value: '内部批示意见' },
  none: { rule: 'none', value: '上饶市信州区人民政府' },
};

export const RULE_CODE_INFO: RuleCodeInfo[] = RULE_CODES.map((code) => {
  const { nameZh, nameEn, keepsZh, keepsEn } = RULES[code];
  const ex = EXAMPLES[code];
  return {
    code,
    nameZh,
    nameEn,
    keepsZh,
    keepsEn,
    example: { ...ex, masked: mask(parseRuleSpec(ex.rule), ex.value) ?? '' },
  };
});

/** The rules configured for an entry: field → channel → rule. */
export type ConfiguredRules = (field: string, channel: string) => MaskRule | null;

/**
 * Loads an entry's configuration for the outbound paths. A stored spec the library no longer
 * accepts masks the whole value: failing closed, never open.
 */
export async function configuredRules(ctx: AppContext, entryId: string): Promise<ConfiguredRules> {
  const rules = new Map<string, MaskRule>();
  for (const r of await repo.rulesOfEntry(ctx.db, entryId)) {
    let rule: MaskRule;
    try {
      rule = parseRuleSpec(r.rule);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      rule = { code: 'redact' };
    }
    rules.set(`${r.field_name}\n${r.channel}`, rule);
  }
  return (field, channel) => rules.get(`${field}\n${channel}`) ?? null;
}

/** The rule of a column for a channel: its override, else the all-channel rule, else the suggestion. */
export const ruleFor = (
  configured: ConfiguredRules,
  field: string,
  channel: string,
  suggested: () => MaskRule,
): MaskRule => configured(field, channel) ?? configured(field, '*') ?? suggested();

/** Only the providing department or the platform sees and sets an entry's masking. */
async function ownEntry(ctx: AppContext, actor: Actor, entryId: string): Promise<EntryVersion> {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  if (!inScope(scopeOf(actor, 'exchange.entry.manage'), v.providerDepartmentId)) {
    throw forbidden(
      'Only the providing department configures the masking of its resource',
      '只有资源提供部门可以配置脱敏规则',
    );
  }
  return v;
}

export async function getMasking(ctx: AppContext, actor: Actor, entryId: string): Promise<Masking> {
  const v = await ownEntry(ctx, actor, entryId);
  const rows = await repo.rulesOfEntry(ctx.db, entryId);
  const configured = await configuredRules(ctx, entryId);
  const stored = new Map(rows.map((r) => [`${r.field_name}\n${r.channel}`, r.rule]));
  const items = new Map(v.items.map((i) => [i.id, i]));
  const out: MaskingItem[] = managedColumns(v).map((c) => {
    const item = items.get(c.itemId)!;
    const suggested = suggestRule({
      name: item.name,
      fieldName: item.fieldName,
      maskRule: item.maskRule,
      sensitivity: item.sensitivity,
    });
    const at = (ch: MaskingChannel) => stored.get(`${c.column}\n${ch}`) ?? null;
    const effective = (ch: MaskingChannel) => view(ruleFor(configured, c.column, ch, () => suggested));
    return {
      field: c.column,
      name: item.name,
      dataType: item.dataType,
      sensitivity: item.sensitivity,
      catalogRule: item.maskRule,
      suggested: view(suggested),
      configured: { '*': at('*'), table: at('table'), file: at('file'), api: at('api'), open: at('open') },
      effective: {
        table: effective('table'),
        file: effective('file'),
        api: effective('api'),
        open: effective('open'),
      },
    };
  });
  const last = rows.reduce<Date | null>((a, r) => (!a || r.updated_at > a ? r.updated_at : a), null);
  return {
    entryId,
    channels: OVERRIDE_CHANNELS.filter((ch) =>
      ch === 'open' ? v.openType !== 'none' : (v.shareMethods as string[]).includes(ch),
    ),
    items: out,
    ruleCodes: RULE_CODE_INFO,
    updatedAt: last ? last.toISOString() : null,
  };
}

export interface MaskingChange {
  field: string;
  channel: MaskingChannel;
  from: string | null;
  to: string | null;
}

interface Problem {
  field: string;
  channel: string;
  code: string;
  message: string;
  messageZh: string;
}

/**
 * Replaces the whole configuration. Every rule is checked (known field, one rule per field and
 * channel, a spec the library accepts) and stored in canonical form; all problems are reported at once.
 */
export async function saveMasking(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  input: readonly MaskingRuleInput[],
): Promise<{ masking: Masking; changes: MaskingChange[] }> {
  const v = await ownEntry(ctx, actor, entryId);
  const names = new Map(
    managedColumns(v).map((c) => [c.column, v.items.find((i) => i.id === c.itemId)?.name ?? c.column]),
  );
  const problems: Problem[] = [];
  const specs = new Map<string, string>();
  for (const r of input) {
    const field = r.field.trim().toLowerCase();
    const where = `${field} (${r.channel})`;
    const whereZh = `${names.get(field) ?? field}（${field}，${CHANNEL_ZH[r.channel]}）`;
    if (!names.has(field)) {
      problems.push({
        field,
        channel: r.channel,
        code: 'MASKING_FIELD_UNKNOWN',
        message: `${where}: no data item has this field`,
        messageZh: `${whereZh}：没有此字段的信息项`,
      });
      continue;
    }
    const key = `${field}\n${r.channel}`;
    if (specs.has(key)) {
      problems.push({
        field,
        channel: r.channel,
        code: 'MASKING_DUPLICATE',
        message: `${where}: more than one rule`,
        messageZh: `${whereZh}：规则重复`,
      });
      continue;
    }
    try {
      specs.set(key, formatRuleSpec(parseRuleSpec(r.rule)));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      problems.push({
        field,
        channel: r.channel,
        code: e.code,
        message: `${where}: ${e.message}`,
        messageZh: `${whereZh}：${e.messageZh ?? e.message}`,
      });
    }
  }
  if (problems.length) {
    const more = problems.length > 1 ? ` (+${problems.length - 1})` : '';
    const moreZh = problems.length > 1 ? `（另有${problems.length - 1}处）` : '';
    throw badRequest('EXCHANGE_MASKING_INVALID', problems[0]!.message + more, problems[0]!.messageZh + moreZh, {
      problems,
    });
  }
  const changes = await inTransaction(ctx, async (db) => {
    const before = await repo.rulesOfEntry(db, entryId);
    const old = new Map(before.map((r) => [`${r.field_name}\n${r.channel}`, r]));
    const now = ctx.clock.now();
    // An unchanged rule keeps who set it and when.
    const rows = [...specs].map(([key, rule]) => {
      const [field, channel] = key.split('\n') as [string, MaskingChannel];
      const was = old.get(key);
      return was?.rule === rule
        ? {
            entry_id: entryId,
            field_name: field,
            channel,
            rule,
            updated_by: was.updated_by,
            updated_at: was.updated_at,
          }
        : { entry_id: entryId, field_name: field, channel, rule, updated_by: actor.userId, updated_at: now };
    });
    await repo.replaceRules(db, entryId, rows);
    const keys = new Set([...old.keys(), ...specs.keys()]);
    return [...keys].flatMap((key): MaskingChange[] => {
      const [field, channel] = key.split('\n') as [string, MaskingChannel];
      const from = old.get(key)?.rule ?? null;
      const to = specs.get(key) ?? null;
      return from === to ? [] : [{ field, channel, from, to }];
    });
  });
  return { masking: await getMasking(ctx, actor, entryId), changes };
}

/** Masks one typed value with a rule, so a provider can try a spec (a regex above all) before saving it. */
export async function previewMasking(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  input: { rule: string; value: string },
): Promise<Preview> {
  await ownEntry(ctx, actor, entryId);
  const rule = parseRuleSpec(input.rule);
  return { ...view(rule), masked: mask(rule, input.value) };
}

/**
 * R-33 (Art 20): an entry is opened only once every open item holding personal or sensitive data has
 * a masking rule chosen for the public (the open channel's, or the one for every channel) — a
 * suggestion nobody confirmed does not count. The names of the items still lacking one.
 */
export async function openMaskingGaps(ctx: AppContext, entryId: string): Promise<string[]> {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) return [];
  const configured = await configuredRules(ctx, entryId);
  const items = new Map(v.items.map((i) => [i.id, i]));
  return managedColumns(v).flatMap((c) => {
    const item = items.get(c.itemId)!;
    const sensitive = item.openType !== 'none' && item.sensitivity !== 'none';
    return sensitive && !configured(c.column, 'open') && !configured(c.column, '*') ? [item.name] : [];
  });
}
