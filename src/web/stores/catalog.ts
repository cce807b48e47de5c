import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as E from '../../shared/catalog/enums';
import { catalogApi, type CatalogClass, type CatalogEnums, type EnumKind, type EnumOption } from '../api/catalog';
import { currentLocale } from '../i18n';

type Named = Record<string, { zh: string; en: string }>;
const list = (o: Named): EnumOption[] => Object.entries(o).map(([code, n]) => ({ code, zh: n.zh, en: n.en }));

/**
 * The server's own enum module: the names are there before /api/catalog/enums answers, and stay if it
 * fails. Open domains can grow (admins add them), so the API's list wins once it is loaded.
 */
const BUILTIN: CatalogEnums = {
  shareTypes: list(E.SHARE_TYPES),
  openTypes: list(E.OPEN_TYPES),
  shareMethods: list(E.SHARE_METHODS),
  formatKinds: list(E.FORMAT_KINDS),
  updateCycles: list(E.UPDATE_CYCLES),
  dataTypes: list(E.DATA_TYPES),
  sensitivities: list(E.SENSITIVITIES),
  openDomains: list(E.OPEN_DOMAINS),
  versionStatuses: list(E.VERSION_STATUSES),
  changeKinds: list(E.CHANGE_KINDS),
  entryStatuses: list(E.ENTRY_STATUSES),
  objectionKinds: list(E.OBJECTION_KINDS),
  classLevels: list(E.CLASS_LEVELS),
};

/** Accepts a list of {code, zh|nameZh, en|nameEn} or a record keyed by code. */
function toOptions(v: unknown): EnumOption[] | null {
  const one = (code: string, x: Record<string, unknown>): EnumOption | null => {
    const zh = x['zh'] ?? x['nameZh'] ?? x['name'];
    const en = x['en'] ?? x['nameEn'] ?? zh;
    return typeof zh === 'string' ? { code, zh, en: typeof en === 'string' ? en : zh } : null;
  };
  if (Array.isArray(v)) {
    const out = v.map((x: Record<string, unknown>) => (typeof x?.['code'] === 'string' ? one(x['code'], x) : null));
    return out.every(Boolean) ? (out as EnumOption[]) : null;
  }
  if (v && typeof v === 'object') {
    const out = Object.entries(v as Record<string, Record<string, unknown>>).map(([k, x]) =>
      x && typeof x === 'object' ? one(k, x) : null,
    );
    return out.length && out.every(Boolean) ? (out as EnumOption[]) : null;
  }
  return null;
}

const camel = (s: string) => s.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function normaliseEnums(raw: unknown): CatalogEnums {
  const result: CatalogEnums = { ...BUILTIN };
  if (!raw || typeof raw !== 'object') return result;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    let k = camel(key);
    if (!k.endsWith('s')) k += 's';
    if (!(k in result)) continue;
    const opts = toOptions(value);
    if (opts) result[k as EnumKind] = opts;
  }
  return result;
}

export interface ClassNode extends CatalogClass {
  label: string;
  children?: ClassNode[];
}

/** Catalog reference data (enums, classification tree), fetched once per session. */
export const useCatalogStore = defineStore('catalog', () => {
  const enums = ref<CatalogEnums>(BUILTIN);
  const classes = ref<CatalogClass[]>([]);
  let enumsP: Promise<CatalogEnums> | null = null;
  let classesP: Promise<CatalogClass[]> | null = null;

  function loadEnums(): Promise<CatalogEnums> {
    enumsP ??= catalogApi.enums().then(
      (r) => (enums.value = normaliseEnums(r)),
      (e: unknown) => {
        enumsP = null;
        throw e;
      },
    );
    return enumsP;
  }

  function loadClasses(force = false): Promise<CatalogClass[]> {
    if (force) classesP = null;
    classesP ??= catalogApi.classes().then(
      (r) => (classes.value = Array.isArray(r) ? r : ((r as { items?: CatalogClass[] }).items ?? [])),
      (e: unknown) => {
        classesP = null;
        throw e;
      },
    );
    return classesP;
  }

  /** A code's name in the UI language; unknown codes (free-text open domains) are shown as they are. */
  function label(kind: EnumKind, code: string | null | undefined): string {
    if (!code) return '—';
    const o = enums.value[kind].find((x) => x.code === code);
    return o ? (currentLocale() === 'en' ? o.en : o.zh) : code;
  }
  /** label(), or the name the server sent (`fallback`) for a code not in the list. */
  const labelOr = (kind: EnumKind, code: string, fallback: string) =>
    enums.value[kind].some((x) => x.code === code) ? label(kind, code) : fallback;
  const options = (kind: EnumKind) =>
    enums.value[kind].map((o) => ({ value: o.code, label: currentLocale() === 'en' ? o.en : o.zh }));

  const byCode = computed(() => new Map(classes.value.map((c) => [c.code, c])));
  const classTree = computed<ClassNode[]>(() => {
    const nodes = new Map<string, ClassNode>(
      classes.value.map((c) => [c.code, { ...c, label: `${c.code} ${c.name}` }]),
    );
    const roots: ClassNode[] = [];
    for (const n of nodes.values()) {
      const p = n.parentCode ? nodes.get(n.parentCode) : undefined;
      if (p) (p.children ??= []).push(n);
      else roots.push(n);
    }
    const sort = (xs: ClassNode[]) => {
      xs.sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code));
      for (const x of xs) if (x.children) sort(x.children);
    };
    sort(roots);
    return roots;
  });

  /** 基础信息资源 / 人口 / … for a class code. */
  function classPath(code: string | null | undefined): string {
    if (!code) return '—';
    const names: string[] = [];
    for (let c = byCode.value.get(code); c; c = c.parentCode ? byCode.value.get(c.parentCode) : undefined)
      names.unshift(c.name);
    return names.length ? names.join(' / ') : code;
  }
  /** The codes from the root down to this class, as ElCascader wants its value. */
  function classChain(code: string | null | undefined): string[] {
    const out: string[] = [];
    for (
      let c = code ? byCode.value.get(code) : undefined;
      c;
      c = c.parentCode ? byCode.value.get(c.parentCode) : undefined
    )
      out.unshift(c.code);
    return out;
  }

  return { enums, classes, classTree, loadEnums, loadClasses, label, labelOr, options, classPath, classChain };
});
