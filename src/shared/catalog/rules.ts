import type { ClassLevel, DataType, OpenType, Sensitivity, ShareType } from './enums';
import type { EntryInput, FieldProblem } from './schemas';

/**
 * The compile rules of R-01 (Art 6, 8, 11) as one pure function, so the form, the API and the Excel
 * import report the same problems with the same field paths and messages.
 */

/** What the rules need to know about the world; the caller looks it up (see ruleKnowledge in entries-service). */
export interface RuleKnowledge {
  classExists: boolean;
  classLevel: ClassLevel | null;
  openDomainCodes: ReadonlySet<string> | readonly string[];
  /** Entry codes among input.relatedCodes that exist; undefined skips the check. */
  existingCodes?: ReadonlySet<string> | readonly string[];
  /** The department a 部门 (3xx) class belongs to, and the compiling department: a department files only under its own. */
  classDepartmentId?: string | null;
  providerDepartmentId?: string | null;
}

/** An entry with defaults applied and blanks turned into null: what is stored. */
export interface NormalisedItem {
  name: string;
  fieldName: string | null;
  dataType: DataType;
  length: number | null;
  description: string | null;
  sensitivity: Sensitivity;
  maskRule: string | null;
  shareType: ShareType;
  openType: OpenType;
}
type Overridden =
  | 'items'
  | 'isSecret'
  | 'providerOffice'
  | 'formatType'
  | 'shareType'
  | 'shareCondition'
  | 'openType'
  | 'openCondition'
  | 'openDomains'
  | 'relatedCodes';
export type NormalisedEntry = Omit<EntryInput, Overridden> & {
  providerOffice: string | null;
  formatType: string | null;
  shareType: ShareType;
  shareCondition: string | null;
  openType: OpenType;
  openCondition: string | null;
  openDomains: string[];
  relatedCodes: string[];
  isSecret: boolean;
  items: NormalisedItem[];
};

const text = (s: string | null | undefined) => s?.trim() || null;

/** sharing is the default; an item inherits the entry's share and open types unless it says otherwise. */
export function normaliseEntry(input: EntryInput): NormalisedEntry {
  const shareType = input.shareType ?? 'unconditional';
  const openType = input.openType ?? 'none';
  return {
    ...input,
    classCode: input.classCode.trim(),
    name: input.name.trim(),
    summary: input.summary.trim(),
    providerOffice: text(input.providerOffice),
    formatType: text(input.formatType),
    shareType,
    shareCondition: text(input.shareCondition),
    openType,
    openCondition: text(input.openCondition),
    openDomains: input.openDomains ?? [],
    relatedCodes: (input.relatedCodes ?? []).map((c) => c.trim()),
    isSecret: input.isSecret ?? false,
    items: input.items.map((i) => ({
      name: i.name.trim(),
      fieldName: text(i.fieldName),
      dataType: i.dataType,
      length: i.length ?? null,
      description: text(i.description),
      sensitivity: i.sensitivity ?? 'none',
      maskRule: text(i.maskRule),
      shareType: i.shareType ?? shareType,
      openType: i.openType ?? openType,
    })),
  };
}

/** Openness rank: a higher number is stricter (unconditional → conditional → none). */
export const strictness = (t: ShareType | OpenType): number => ({ unconditional: 0, conditional: 1, none: 2 })[t];

const LENGTH_TYPES: readonly DataType[] = ['C', 'N', 'Y'];
export const ENTRY_CODE_RE = /^[1-3]\d{2,11}\/\d{6}$/;

const has = (set: ReadonlySet<string> | readonly string[], v: string) => ('has' in set ? set.has(v) : set.includes(v));

export function entryProblems(input: EntryInput, known: RuleKnowledge): FieldProblem[] {
  const e = normaliseEntry(input);
  const out: FieldProblem[] = [];
  const add = (field: string, code: string, message: string, messageZh: string) =>
    out.push({ field, code, message, messageZh });

  if (e.isSecret)
    add(
      'isSecret',
      'SECRET_REFUSED',
      'Resources involving state secrets may not enter the platform',
      '涉及国家秘密的信息资源不得纳入平台',
    );
  if (!known.classExists) {
    add(
      'classCode',
      'CLASS_UNKNOWN',
      `Classification ${e.classCode} does not exist`,
      `信息资源分类“${e.classCode}”不存在或已停用`,
    );
  } else if (known.classLevel === 'class') {
    add(
      'classCode',
      'CLASS_TOO_BROAD',
      'Classify the resource at least down to an item (项)',
      '信息资源须至少分类到“项”一级',
    );
  } else if (
    known.classDepartmentId &&
    known.providerDepartmentId !== undefined &&
    known.classDepartmentId !== known.providerDepartmentId
  ) {
    add(
      'classCode',
      'CLASS_OTHER_DEPARTMENT',
      "A department resource goes under the department's own item",
      '部门信息资源须归入本部门的分类项',
    );
  }
  if (!e.name) add('name', 'NAME_REQUIRED', 'Name is required', '请填写信息资源名称');
  if (!e.summary) add('summary', 'SUMMARY_REQUIRED', 'Summary is required', '请填写信息资源摘要');
  if (e.formatKind === 'other' && !e.formatType)
    add(
      'formatType',
      'FORMAT_TYPE_REQUIRED',
      'Name the format when the kind is “other”',
      '信息资源格式为“其他”时须注明具体格式',
    );

  // Art 11: only unconditional sharing needs no justification.
  if (e.shareType !== 'unconditional' && !e.shareCondition) {
    add(
      'shareCondition',
      'SHARE_BASIS_REQUIRED',
      'Conditional or no sharing requires the legal, regulatory or policy basis',
      '有条件共享和不予共享须填写法律、行政法规或政策依据',
    );
  }
  // Art 8: whatever is open to the public is shared without conditions.
  if (e.openType !== 'none') {
    if (e.shareType !== 'unconditional') {
      add(
        'shareType',
        'OPEN_REQUIRES_UNCONDITIONAL_SHARE',
        'An open resource must be shared unconditionally',
        '开放的信息资源默认为无条件共享，共享类型须为无条件共享',
      );
    }
    if (e.openDomains.length === 0)
      add(
        'openDomains',
        'OPEN_DOMAIN_REQUIRED',
        'Choose at least one open domain',
        '开放的信息资源须选择至少一个开放领域',
      );
  }
  if (e.openType === 'conditional' && !e.openCondition) {
    add(
      'openCondition',
      'OPEN_CONDITION_REQUIRED',
      'Conditional opening requires the opening conditions',
      '有条件开放须填写开放条件',
    );
  }
  e.openDomains.forEach((d, i) => {
    if (!has(known.openDomainCodes, d))
      add(`openDomains[${i}]`, 'OPEN_DOMAIN_UNKNOWN', `Unknown open domain ${d}`, `开放领域“${d}”不存在`);
  });
  e.relatedCodes.forEach((c, i) => {
    if (!ENTRY_CODE_RE.test(c))
      add(
        `relatedCodes[${i}]`,
        'RELATED_CODE_MALFORMED',
        `${c} is not a resource code (前段码/后段码)`,
        `“${c}”不是有效的信息资源代码（前段码/后段码）`,
      );
    else if (known.existingCodes && !has(known.existingCodes, c))
      add(`relatedCodes[${i}]`, 'RELATED_CODE_UNKNOWN', `No resource has the code ${c}`, `关联资源代码“${c}”不存在`);
  });
  if (e.shareMethods.includes('table') && e.items.length === 0) {
    add(
      'items',
      'ITEMS_REQUIRED',
      'A resource shared as a database table needs at least one data item',
      '共享方式为库表的信息资源须至少有一个信息项',
    );
  }
  itemProblems(e, add);
  return out;
}

function itemProblems(
  e: NormalisedEntry,
  add: (field: string, code: string, message: string, messageZh: string) => void,
) {
  const names = new Set<string>();
  const fields = new Set<string>();
  // Items inherit the entry's types: when the entry itself breaks Art 8, saying so per item adds nothing.
  const entryBreaksArt8 = e.openType !== 'none' && e.shareType !== 'unconditional';
  e.items.forEach((it, i) => {
    const at = `items[${i}]`;
    if (!it.name) add(`${at}.name`, 'ITEM_NAME_REQUIRED', 'Item name is required', '请填写信息项名称');
    else if (names.has(it.name))
      add(`${at}.name`, 'ITEM_NAME_DUPLICATE', `Item name ${it.name} is used twice`, `信息项名称“${it.name}”重复`);
    names.add(it.name);
    if (it.fieldName) {
      if (fields.has(it.fieldName))
        add(
          `${at}.fieldName`,
          'ITEM_FIELD_DUPLICATE',
          `Field name ${it.fieldName} is used twice`,
          `字段名“${it.fieldName}”重复`,
        );
      fields.add(it.fieldName);
    }
    if (LENGTH_TYPES.includes(it.dataType) && it.length === null) {
      add(
        `${at}.length`,
        'ITEM_LENGTH_REQUIRED',
        'Character, numeric and currency items need a length',
        '字符型、数值型和货币型信息项须填写长度',
      );
    }
    // An item may be stricter than its entry, never more open.
    if (strictness(it.shareType) < strictness(e.shareType)) {
      add(
        `${at}.shareType`,
        'ITEM_SHARE_LOOSER',
        'An item cannot be shared more freely than its resource',
        '信息项的共享类型不能比信息资源更宽松',
      );
    }
    if (strictness(it.openType) < strictness(e.openType)) {
      add(
        `${at}.openType`,
        'ITEM_OPEN_LOOSER',
        'An item cannot be more open than its resource',
        '信息项的开放属性不能比信息资源更宽松',
      );
    } else if (it.openType !== 'none' && it.shareType !== 'unconditional' && !entryBreaksArt8) {
      add(
        `${at}.openType`,
        'ITEM_OPEN_REQUIRES_UNCONDITIONAL_SHARE',
        'An open item must be shared unconditionally; mark it not open',
        '开放的信息项须为无条件共享，否则请设为不予开放',
      );
    }
    // Personal or sensitive data that reaches the public is masked first; items kept closed need no rule here.
    if (it.sensitivity !== 'none' && it.openType !== 'none' && !it.maskRule) {
      add(
        `${at}.maskRule`,
        'ITEM_MASK_REQUIRED',
        'Personal or sensitive items in an open resource need a masking rule',
        '开放的信息资源中的个人信息或敏感信息项须填写脱敏规则',
      );
    }
  });
}
