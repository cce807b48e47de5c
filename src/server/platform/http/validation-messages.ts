import type { FastifyError, FastifySchemaValidationError } from 'fastify';
import localizeEn from 'ajv-i18n/localize/en/index.js';
import localizeZh from 'ajv-i18n/localize/zh/index.js';

/** One schema problem as the API reports it: a readable field and the message in both languages. */
export interface ValidationDetail {
  /** `name`, `items[2].name` in the body; `querystring.page`, `params.id` elsewhere; `body` for the whole body. */
  field: string;
  /** The JSON pointer AJV reports (the parent object for required / additional properties). */
  path: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
  messageZh: string;
}

export interface ValidationMessages {
  message: string;
  messageZh: string;
  details: ValidationDetail[];
}

type AjvError = FastifySchemaValidationError;
/** Where the invalid value was: 'body' | 'querystring' | 'params' | 'headers'. */
type SchemaErrorDataVar = NonNullable<FastifyError['validationContext']>;

const LOCATION_ZH: Record<SchemaErrorDataVar, string> = {
  body: '请求体',
  querystring: '查询参数',
  params: '路径参数',
  headers: '请求头',
};

/** Keywords whose message already names the property the error is about. */
const NAMES_PROPERTY = new Set(['required', 'dependencies', 'dependentRequired']);

// ajv-i18n puts the raw type and format names into its Chinese sentences; these make them Chinese too.
const TYPE_ZH: Record<string, string> = {
  string: '字符串',
  number: '数字',
  integer: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  null: '空值',
};
const FORMAT_ZH: Record<string, string> = {
  date: '日期（YYYY-MM-DD）',
  time: '时间（HH:mm:ss）',
  'date-time': '日期时间（ISO 8601）',
  uuid: 'UUID',
  email: '电子邮箱地址',
  uri: 'URI',
};

/** Turns Fastify's AJV errors into field-level messages and a summary, in English and Chinese. */
export function validationMessages(
  errors: readonly AjvError[],
  where: SchemaErrorDataVar = 'body',
): ValidationMessages {
  const en: string[] = [];
  const zh: string[] = [];
  const details = simplify(errors).map((e) => {
    const parent = pointerSegments(e.instancePath);
    const named = namedProperty(e);
    const own = named === undefined ? parent : [...parent, named];
    const detail = toDetail(e, label(own, where).en);
    // A required-property message already names the property, so its summary line names the
    // object that lacks it ("请求体 应当有必需属性 name", not "name 应当有必需属性 name").
    const line = label(NAMES_PROPERTY.has(e.keyword) ? parent : own, where);
    en.push(`${line.en} ${detail.message}`);
    zh.push(`${line.zh} ${detail.messageZh}`);
    return detail;
  });
  return {
    message: `Invalid input: ${unique(en).join('; ')}`,
    messageZh: `输入数据不符合要求：${unique(zh).join('；')}`,
    details,
  };
}

/**
 * TypeBox writes nullable fields and literal unions as anyOf, for which AJV reports every failed
 * branch plus the anyOf itself ("must be null", "must be equal to constant" ×n, "must match a schema
 * in anyOf"). A user needs the one reason that matters: the real branch's error, or the allowed values.
 */
function simplify(errors: readonly AjvError[]): AjvError[] {
  const groups = new Map<string, AjvError[]>();
  for (const e of errors) groups.set(e.instancePath, [...(groups.get(e.instancePath) ?? []), e]);
  const out: AjvError[] = [];
  for (const group of groups.values()) {
    const wrapper = group.findLast((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const useful = group.filter(
      (e) =>
        e !== wrapper &&
        e.keyword !== 'anyOf' &&
        e.keyword !== 'oneOf' &&
        !(e.keyword === 'type' && e.params['type'] === 'null'),
    );
    if (!wrapper || useful.length === 0) out.push(...group);
    else if (useful.every((e) => e.keyword === 'const')) {
      out.push({ ...wrapper, keyword: 'enum', params: { allowedValues: useful.map((e) => e.params['allowedValue']) } });
    } else out.push(...useful);
  }
  return out;
}

function toDetail(e: AjvError, field: string): ValidationDetail {
  return {
    field,
    path: e.instancePath,
    keyword: e.keyword,
    params: { ...e.params },
    message: withAllowed(localized(localizeEn, { ...e, params: { ...e.params } }), e, ', '),
    messageZh: withAllowed(localized(localizeZh, { ...e, params: zhParams(e.params) }), e, '、', '：'),
  };
}

/** Copies in, so the error objects Fastify shares with its English message are never rewritten. */
function localized(localize: typeof localizeZh, copy: AjvError): string {
  const list = [{ ...copy, message: undefined }];
  localize(list as never);
  return list[0]!.message ?? copy.keyword;
}

function zhParams(params: Record<string, unknown>): Record<string, unknown> {
  const out = { ...params };
  if (typeof out['type'] === 'string' || Array.isArray(out['type'])) {
    const types = Array.isArray(out['type']) ? (out['type'] as string[]) : String(out['type']).split(',');
    out['type'] = types.map((t) => TYPE_ZH[t] ?? t).join(' 或 ');
  }
  const format = out['format'];
  if (typeof format === 'string') out['format'] = FORMAT_ZH[format] ?? format;
  return out;
}

/** AJV's enum and const messages do not say which values are allowed; a user needs them. */
function withAllowed(text: string, e: AjvError, sep: string, colon = ': '): string {
  const allowed =
    e.keyword === 'enum' ? e.params['allowedValues'] : e.keyword === 'const' ? [e.params['allowedValue']] : undefined;
  if (!Array.isArray(allowed)) return text;
  return `${text}${colon}${allowed.map(String).join(sep)}`;
}

/** The property the error is about when AJV reports it on the parent object. */
function namedProperty(e: AjvError): string | undefined {
  const p = e.params['missingProperty'] ?? e.params['additionalProperty'];
  return typeof p === 'string' ? p : undefined;
}

/** The field in English (`items[2].name`, `querystring.page`, `body`) and as the Chinese summary says it. */
function label(segments: string[], where: SchemaErrorDataVar): { en: string; zh: string } {
  const inner = readable(segments);
  if (!inner) return { en: where, zh: LOCATION_ZH[where] };
  if (where === 'body') return { en: inner, zh: inner };
  return { en: `${where}.${inner}`, zh: `${LOCATION_ZH[where]} ${inner}` };
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** ['items', '2', 'name'] → 'items[2].name'. */
function readable(segments: string[]): string {
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
