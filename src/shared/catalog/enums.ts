/**
 * Catalog enumerations of R-01 (national guide 发改高技〔2017〕1272号), with their Chinese and English
 * names. docs/glossary.md lists the same identifiers.
 */
type Named<K extends string> = Record<K, { zh: string; en: string }>;
const keys = <K extends string>(o: Named<K>) => Object.keys(o) as K[];

export const SHARE_TYPES = {
  unconditional: { zh: '无条件共享', en: 'Unconditional sharing' },
  conditional: { zh: '有条件共享', en: 'Conditional sharing' },
  none: { zh: '不予共享', en: 'Not shared' },
} as const satisfies Named<string>;
export type ShareType = keyof typeof SHARE_TYPES;

export const OPEN_TYPES = {
  unconditional: { zh: '无条件开放', en: 'Open' },
  conditional: { zh: '有条件开放', en: 'Open on application' },
  none: { zh: '不予开放', en: 'Not open' },
} as const satisfies Named<string>;
export type OpenType = keyof typeof OPEN_TYPES;

export const SHARE_METHODS = {
  table: { zh: '库表', en: 'Database table' },
  file: { zh: '文件', en: 'File' },
  api: { zh: '服务接口', en: 'Service API' },
  email: { zh: '邮件', en: 'E-mail (offline)' },
  media: { zh: '介质', en: 'Storage medium (offline)' },
} as const satisfies Named<string>;
export type ShareMethod = keyof typeof SHARE_METHODS;

export const FORMAT_KINDS = {
  electronic_file: { zh: '电子文件', en: 'Electronic file' },
  spreadsheet: { zh: '电子表格', en: 'Spreadsheet' },
  database: { zh: '数据库', en: 'Database' },
  image: { zh: '图形图像', en: 'Graphics and images' },
  streaming: { zh: '流媒体', en: 'Streaming media' },
  self_describing: { zh: '自描述格式', en: 'Self-describing format' },
  service: { zh: '服务接口', en: 'Service interface' },
  other: { zh: '其他', en: 'Other' },
} as const satisfies Named<string>;
export type FormatKind = keyof typeof FORMAT_KINDS;

export const UPDATE_CYCLES = {
  realtime: { zh: '实时', en: 'Real time' },
  daily: { zh: '每日', en: 'Daily' },
  weekly: { zh: '每周', en: 'Weekly' },
  monthly: { zh: '每月', en: 'Monthly' },
  quarterly: { zh: '每季度', en: 'Quarterly' },
  semiannual: { zh: '每半年', en: 'Half-yearly' },
  yearly: { zh: '每年', en: 'Yearly' },
  irregular: { zh: '不定期', en: 'Irregular' },
} as const satisfies Named<string>;
export type UpdateCycle = keyof typeof UPDATE_CYCLES;

/** 数据类型 codes of the national guide. */
export const DATA_TYPES = {
  C: { zh: '字符型', en: 'Character' },
  N: { zh: '数值型', en: 'Numeric' },
  Y: { zh: '货币型', en: 'Currency' },
  D: { zh: '日期型', en: 'Date' },
  T: { zh: '日期时间型', en: 'Date-time' },
  L: { zh: '逻辑型', en: 'Logical' },
  M: { zh: '备注型', en: 'Memo' },
  G: { zh: '通用型', en: 'General (binary)' },
  B: { zh: '双精度型', en: 'Double' },
  I: { zh: '整型', en: 'Integer' },
  F: { zh: '浮点型', en: 'Float' },
} as const satisfies Named<string>;
export type DataType = keyof typeof DATA_TYPES;

export const SENSITIVITIES = {
  none: { zh: '一般', en: 'Ordinary' },
  personal: { zh: '个人信息', en: 'Personal information' },
  sensitive: { zh: '敏感信息', en: 'Sensitive information' },
} as const satisfies Named<string>;
export type Sensitivity = keyof typeof SENSITIVITIES;

/** Art 21 open domains (开放领域); the open_domain table holds them and admins may add more. */
export const OPEN_DOMAINS = {
  credit: { zh: '信用', en: 'Credit' },
  transport: { zh: '交通', en: 'Transport' },
  medical: { zh: '医疗', en: 'Medical care' },
  health: { zh: '卫生', en: 'Health' },
  employment: { zh: '就业', en: 'Employment' },
  social_security: { zh: '社保', en: 'Social security' },
  geography: { zh: '地理', en: 'Geography' },
  culture: { zh: '文化', en: 'Culture' },
  education: { zh: '教育', en: 'Education' },
  science: { zh: '科技', en: 'Science and technology' },
  energy: { zh: '能源', en: 'Energy' },
  agriculture: { zh: '农业', en: 'Agriculture' },
  environment: { zh: '环境', en: 'Environment' },
  economy: { zh: '经济', en: 'Economy' },
  finance: { zh: '金融', en: 'Finance' },
  safety: { zh: '安全', en: 'Public safety' },
  statistics: { zh: '统计', en: 'Statistics' },
  meteorology: { zh: '气象', en: 'Meteorology' },
  enterprise_supervision: { zh: '企业登记监管', en: 'Enterprise registration and supervision' },
} as const satisfies Named<string>;

/** Version lifecycle: a published version is immutable; a change is a new version. */
export const VERSION_STATUSES = {
  draft: { zh: '草稿', en: 'Draft' },
  dept_review: { zh: '部门审核中', en: 'In department review' },
  platform_review: { zh: '平台审核中', en: 'In platform review' },
  rejected: { zh: '已退回', en: 'Returned' },
  scheduled: { zh: '待生效', en: 'Approved, awaiting effective date' },
  published: { zh: '已发布', en: 'Published' },
  superseded: { zh: '历史版本', en: 'Superseded' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
} as const satisfies Named<string>;
export type VersionStatus = keyof typeof VERSION_STATUSES;

export const CHANGE_KINDS = {
  create: { zh: '新增', en: 'New entry' },
  update: { zh: '变更', en: 'Change' },
  delete: { zh: '删除', en: 'Deletion' },
} as const satisfies Named<string>;
export type ChangeKind = keyof typeof CHANGE_KINDS;

export const ENTRY_STATUSES = {
  draft: { zh: '未发布', en: 'Not yet published' },
  published: { zh: '已发布', en: 'Published' },
  deleted: { zh: '已删除', en: 'Deleted' },
} as const satisfies Named<string>;
export type EntryStatus = keyof typeof ENTRY_STATUSES;

export const OBJECTION_KINDS = {
  catalog: { zh: '目录信息有误', en: 'Catalog entry error' },
  data: { zh: '数据内容有误', en: 'Data error' },
  request: { zh: '申请处理问题', en: 'Request handling' },
  service: { zh: '服务使用问题', en: 'Service problem (slow, wrong, unavailable)' },
} as const satisfies Named<string>;
export type ObjectionKind = keyof typeof OBJECTION_KINDS;

export const CLASS_LEVELS = {
  class: { zh: '类', en: 'Class' },
  item: { zh: '项', en: 'Item' },
  category: { zh: '目', en: 'Category' },
  subcategory: { zh: '细目', en: 'Subcategory' },
} as const satisfies Named<string>;
export type ClassLevel = keyof typeof CLASS_LEVELS;

export const SHARE_TYPE_CODES = keys(SHARE_TYPES);
export const OPEN_TYPE_CODES = keys(OPEN_TYPES);
export const SHARE_METHOD_CODES = keys(SHARE_METHODS);
export const FORMAT_KIND_CODES = keys(FORMAT_KINDS);
export const UPDATE_CYCLE_CODES = keys(UPDATE_CYCLES);
export const DATA_TYPE_CODES = keys(DATA_TYPES);
export const SENSITIVITY_CODES = keys(SENSITIVITIES);
export const OPEN_DOMAIN_CODES = keys(OPEN_DOMAINS);
export const OBJECTION_KIND_CODES = keys(OBJECTION_KINDS);
