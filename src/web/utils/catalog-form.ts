/** The compile form's state, its conversion to EntryInput, and server errors mapped back to fields. */
import { ApiError } from '../api/client';
import { entryProblems, type RuleKnowledge } from '../../shared/catalog/rules';
import type { EntryInput as ServerEntryInput } from '../../shared/catalog/schemas';
import type { CatalogVersion, DataItem, EntryInput, OpenType, ShareType } from '../api/catalog';
import { currentLocale, i18n } from '../i18n';
import { nullIfBlank } from './validators';

/** A data item row in the editor; `key` keeps Vue's row identity stable while rows move. */
export interface EditItem extends Omit<DataItem, 'length' | 'fieldName' | 'description' | 'maskRule'> {
  key: number;
  fieldName: string;
  length: number | null | undefined;
  description: string;
  maskRule: string;
}

export interface EntryForm {
  classCode: string | null;
  name: string;
  summary: string;
  providerOffice: string;
  formatKind: string;
  formatType: string;
  shareType: ShareType;
  shareCondition: string;
  shareMethods: string[];
  openType: OpenType;
  openCondition: string;
  updateCycle: string;
  openDomains: string[];
  relatedCodes: string[];
  isSecret: boolean;
  changeNote: string;
  items: EditItem[];
}

let nextKey = 1;

export function blankItem(shareType: ShareType = 'unconditional', openType: OpenType = 'none'): EditItem {
  return {
    key: nextKey++,
    name: '',
    fieldName: '',
    dataType: '',
    length: null,
    description: '',
    sensitivity: 'none',
    maskRule: '',
    shareType,
    openType,
  };
}

/** a new entry starts 无条件共享, not open, with one empty item to fill. */
export function blankForm(): EntryForm {
  return {
    classCode: null,
    name: '',
    summary: '',
    providerOffice: '',
    formatKind: '',
    formatType: '',
    shareType: 'unconditional',
    shareCondition: '',
    shareMethods: [],
    openType: 'none',
    openCondition: '',
    updateCycle: '',
    openDomains: [],
    relatedCodes: [],
    isSecret: false,
    changeNote: '',
    items: [blankItem()],
  };
}

export function formFromVersion(v: CatalogVersion): EntryForm {
  return {
    classCode: v.classCode,
    name: v.name,
    summary: v.summary,
    providerOffice: v.providerOffice ?? '',
    formatKind: v.formatKind,
    formatType: v.formatType ?? '',
    shareType: v.shareType,
    shareCondition: v.shareCondition ?? '',
    shareMethods: [...(v.shareMethods ?? [])],
    openType: v.openType,
    openCondition: v.openCondition ?? '',
    updateCycle: v.updateCycle,
    openDomains: [...(v.openDomains ?? [])],
    relatedCodes: [...(v.relatedCodes ?? [])],
    isSecret: false,
    changeNote: v.changeNote ?? '',
    items: (v.items ?? []).map((i) => ({
      key: nextKey++,
      name: i.name,
      fieldName: i.fieldName ?? '',
      dataType: i.dataType,
      length: i.length,
      description: i.description ?? '',
      sensitivity: i.sensitivity,
      maskRule: i.maskRule ?? '',
      shareType: i.shareType,
      openType: i.openType,
    })),
  };
}

/** The request body: blanks become null, and only the fields EntryInput knows (the API rejects others). */
export function formToInput(f: EntryForm): EntryInput {
  const conditioned = f.shareType !== 'unconditional';
  return {
    classCode: f.classCode ?? '',
    name: f.name.trim(),
    summary: f.summary.trim(),
    providerOffice: nullIfBlank(f.providerOffice),
    formatKind: f.formatKind,
    formatType: nullIfBlank(f.formatType),
    shareType: f.shareType,
    shareCondition: conditioned ? nullIfBlank(f.shareCondition) : null,
    shareMethods: f.shareMethods,
    openType: f.openType,
    openCondition: f.openType === 'conditional' ? nullIfBlank(f.openCondition) : null,
    updateCycle: f.updateCycle,
    openDomains: f.openDomains,
    relatedCodes: f.relatedCodes,
    isSecret: f.isSecret,
    items: f.items.map((i) => ({
      name: i.name.trim(),
      fieldName: nullIfBlank(i.fieldName),
      dataType: i.dataType,
      length: typeof i.length === 'number' ? i.length : null,
      description: nullIfBlank(i.description),
      sensitivity: i.sensitivity,
      maskRule: i.sensitivity === 'none' ? null : nullIfBlank(i.maskRule),
      shareType: i.shareType,
      openType: i.openType,
    })),
  };
}

const t = (key: string, named?: Record<string, unknown>) => (named ? i18n.global.t(key, named) : i18n.global.t(key));
export const FIELD_NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;

/** What the API schema would refuse in the items before any rule runs (no type, a malformed column name). */
export function itemShapeProblems(items: EditItem[]): Record<string, string> {
  const out: Record<string, string> = {};
  items.forEach((i, n) => {
    if (!i.name.trim()) out[`items[${n}].name`] = t('catalog.item.nameRequired');
    if (!i.dataType) out[`items[${n}].dataType`] = t('catalog.item.dataTypeRequired');
    const fieldName = i.fieldName.trim();
    if (fieldName && !FIELD_NAME_RE.test(fieldName)) out[`items[${n}].fieldName`] = t('catalog.item.fieldNameFormat');
  });
  return out;
}

/**
 * The compile rules of R-01 (basis for 有条件/不予共享, open ⇒ 无条件共享, lengths, secrets …) run in
 * the browser with the server's own function, so the form shows exactly what the API would answer.
 */
export function ruleProblems(input: EntryInput, known: RuleKnowledge): Record<string, string> {
  const zh = currentLocale() !== 'en';
  const out: Record<string, string> = {};
  for (const p of entryProblems(input as ServerEntryInput, known)) out[p.field] ??= zh ? p.messageZh : p.message;
  return out;
}

/** '/items/2/dataType' (JSON pointer from schema validation) → 'items[2].dataType'. */
export function pointerToField(pointer: string): string {
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

interface Problem {
  field?: string;
  path?: string;
  message?: string;
  messageZh?: string;
}

/**
 * Field-level messages from an API error: rule problems (details.problems[].field) and schema
 * validation errors (details[].field, named as the form names them: `items[2].name`; the server
 * says it in both languages). Empty when the error is not about fields.
 */
export function fieldErrors(e: unknown): Record<string, string> {
  if (!(e instanceof ApiError)) return {};
  const d = e.details as { problems?: Problem[] } | Problem[] | undefined;
  const list: Problem[] = Array.isArray(d) ? d : (d?.problems ?? []);
  const zh = currentLocale() !== 'en';
  const out: Record<string, string> = {};
  for (const p of list) {
    const field = p.field ?? (p.path ? pointerToField(p.path) : '');
    if (!field) continue;
    const text = (zh ? p.messageZh : undefined) ?? p.message ?? e.localized(currentLocale());
    out[field] ??= text;
  }
  return out;
}
