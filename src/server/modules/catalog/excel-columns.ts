import {
  DATA_TYPES,
  FORMAT_KINDS,
  OPEN_TYPES,
  SENSITIVITIES,
  SHARE_METHODS,
  SHARE_TYPES,
  UPDATE_CYCLES,
} from '../../../shared/catalog/enums';

/**
 * The workbook layout shared by the template, the importer and the exporter. The importer finds
 * columns by header text, not position, so an exported workbook (which has extra columns) can be
 * filled in and imported again, and users may reorder columns.
 */
export const ENTRY_SHEET = '信息资源';
export const ITEM_SHEET = '信息项';
export const GUIDE_SHEET = '填写说明';
export const CODES_SHEET = '代码表';

/** Rows whose 信息资源名称 starts with this are template examples; the importer skips them. */
export const EXAMPLE_MARK = '【示例】';

type Named = Record<string, { zh: string; en: string }>;

export interface EnumColumn {
  names: Named;
  /** Several values in one cell, separated by 、 , ， ; ； or a line break. */
  multiple?: boolean;
}

export interface ColumnSpec<K extends string> {
  key: K;
  header: string;
  width: number;
  required?: boolean;
  enumOf?: EnumColumn;
  /** What the 填写说明 sheet says about the column. */
  help: string;
}

export type EntryKey =
  | 'classCode'
  | 'name'
  | 'summary'
  | 'providerOffice'
  | 'formatKind'
  | 'formatType'
  | 'shareType'
  | 'shareCondition'
  | 'shareMethods'
  | 'openType'
  | 'openCondition'
  | 'updateCycle'
  | 'openDomains'
  | 'relatedCodes';

export type ItemKey =
  | 'entryRow'
  | 'name'
  | 'fieldName'
  | 'dataType'
  | 'length'
  | 'description'
  | 'sensitivity'
  | 'maskRule'
  | 'shareType'
  | 'openType';

export const ENTRY_COLUMNS: ColumnSpec<EntryKey>[] = [
  {
    key: 'classCode',
    header: '分类代码',
    width: 22,
    required: true,
    help: '从下拉列表选择，或填写“代码表”中的分类代码（如 101）；部门类信息资源选本部门的分类',
  },
  { key: 'name', header: '信息资源名称', width: 28, required: true, help: '200字以内；同一文件内不得重复' },
  { key: 'summary', header: '摘要', width: 40, required: true, help: '简要说明信息资源的内容，2000字以内' },
  { key: 'providerOffice', header: '提供方内设机构', width: 18, help: '可选，如“登记注册科”' },
  {
    key: 'formatKind',
    header: '资源格式',
    width: 14,
    required: true,
    enumOf: { names: FORMAT_KINDS },
    help: '下拉选择',
  },
  { key: 'formatType', header: '格式类型', width: 12, help: '可选，如 pdf、ofd、xlsx、mysql' },
  {
    key: 'shareType',
    header: '共享类型',
    width: 14,
    enumOf: { names: SHARE_TYPES },
    help: '下拉选择；不填视为无条件共享',
  },
  {
    key: 'shareCondition',
    header: '共享条件/不予共享依据',
    width: 36,
    help: '有条件共享、不予共享时必填，须写明法律、法规或政策依据',
  },
  {
    key: 'shareMethods',
    header: '共享方式',
    width: 18,
    required: true,
    enumOf: { names: SHARE_METHODS, multiple: true },
    help: '可填多个，用“、”或“,”分隔',
  },
  {
    key: 'openType',
    header: '开放属性',
    width: 14,
    enumOf: { names: OPEN_TYPES },
    help: '下拉选择；不填视为不予开放；开放的信息资源须为无条件共享',
  },
  { key: 'openCondition', header: '开放条件', width: 28, help: '有条件开放时填写' },
  {
    key: 'updateCycle',
    header: '更新周期',
    width: 12,
    required: true,
    enumOf: { names: UPDATE_CYCLES },
    help: '下拉选择',
  },
  {
    key: 'openDomains',
    header: '开放领域',
    width: 18,
    help: '开放的信息资源填写，可填多个，用“、”或“,”分隔，取值见“代码表”',
  },
  {
    key: 'relatedCodes',
    header: '关联资源代码',
    width: 22,
    help: '可选，已发布信息资源的代码（如 101001/000001），多个用“、”分隔',
  },
];

export const ITEM_COLUMNS: ColumnSpec<ItemKey>[] = [
  {
    key: 'entryRow',
    header: '资源序号',
    width: 10,
    required: true,
    help: '该信息项所属信息资源在“信息资源”工作表中的行号（Excel 左侧显示的行号）',
  },
  { key: 'name', header: '信息项名称', width: 20, required: true, help: '100字以内' },
  { key: 'fieldName', header: '字段名', width: 18, help: '可选，小写字母开头，只含小写字母、数字和下划线' },
  {
    key: 'dataType',
    header: '数据类型',
    width: 12,
    required: true,
    enumOf: { names: DATA_TYPES },
    help: '下拉选择，也可填代码 C/N/Y/D/T/L/M/G/B/I/F',
  },
  { key: 'length', header: '长度', width: 8, help: '可选，正整数' },
  { key: 'description', header: '描述', width: 30, help: '可选，500字以内' },
  {
    key: 'sensitivity',
    header: '敏感级别',
    width: 12,
    enumOf: { names: SENSITIVITIES },
    help: '下拉选择；不填视为一般',
  },
  { key: 'maskRule', header: '脱敏规则', width: 18, help: '个人信息、敏感信息须填写，如“保留前6位和后4位”' },
  {
    key: 'shareType',
    header: '共享类型',
    width: 14,
    enumOf: { names: SHARE_TYPES },
    help: '下拉选择；不填则与所属信息资源相同',
  },
  {
    key: 'openType',
    header: '开放类型',
    width: 14,
    enumOf: { names: OPEN_TYPES },
    help: '下拉选择；不填则与所属信息资源相同',
  },
];

/** Columns the exporter adds around the template's; the importer ignores them. */
export const EXPORT_ONLY = { code: '信息资源代码', provider: '提供方', publishedAt: '发布日期' } as const;

export const headerOf = (columns: ColumnSpec<string>[], key: string): string | null =>
  columns.find((c) => c.key === key)?.header ?? null;

/** 'xx 名称' display form used in the class dropdown; the importer reads the leading code back. */
export const classLabel = (code: string, name: string) => `${code} ${name}`;
