import type { DataType, OpenType, Sensitivity, ShareType } from '../../shared/catalog/enums';
import type { DataItemInput, EntryInput } from '../../shared/catalog/schemas';

/**
 * The Shangrao demo catalog (issue #3 point 11). Every description is synthetic; no row holds data
 * about a real person. Entries run through the real lifecycle when seeded, so each one must pass the
 * compile rules (an open entry is shared unconditionally, a restricted one cites its legal basis …).
 */

/** Where the seed leaves an entry: most are published, a few wait in the review queues. */
export type DemoState = 'published' | 'platform_review' | 'dept_review' | 'draft' | 'rejected';

/** Stands for the providing department's own 部门 (3xx) item, which only exists once seeded. */
export const OWN_CLASS = 'own';

export interface DemoEntry {
  department: string;
  state: DemoState;
  input: EntryInput;
  /** For state 'rejected': what the platform reviewer wrote. */
  rejection?: string;
}

type ItemOpts = { d?: string; s?: Sensitivity; mask?: string; share?: ShareType; open?: OpenType };
export type ItemSpec = [name: string, fieldName: string, type: DataType, length?: number | null, opts?: ItemOpts];

export const items = (...specs: ItemSpec[]): DataItemInput[] =>
  specs.map(([name, fieldName, dataType, length, o = {}]) => ({
    name,
    fieldName,
    dataType,
    length: length ?? null,
    ...(o.d ? { description: o.d } : {}),
    ...(o.s ? { sensitivity: o.s } : {}),
    ...(o.mask ? { maskRule: o.mask } : {}),
    ...(o.share ? { shareType: o.share } : {}),
    ...(o.open ? { openType: o.open } : {}),
  }));

type EntryOpts = Partial<Omit<EntryInput, 'classCode' | 'name' | 'summary' | 'items'>> & {
  state?: DemoState;
  rejection?: string;
};

/** A database resource shared through the API, updated monthly, unless the options say otherwise. */
export function entry(
  department: string,
  classCode: string,
  name: string,
  summary: string,
  list: DataItemInput[],
  o: EntryOpts = {},
): DemoEntry {
  const { state = 'published', rejection, ...rest } = o;
  return {
    department,
    state,
    ...(rejection ? { rejection } : {}),
    input: {
      classCode,
      name,
      summary,
      formatKind: 'database',
      shareMethods: ['api'],
      updateCycle: 'monthly',
      ...rest,
      items: list,
    },
  };
}

/** Commonly repeated columns. */
export const USCC: ItemSpec = ['统一社会信用代码', 'uscc', 'C', 18, { d: 'GB 32100 统一社会信用代码' }];
export const ID_NO = (name = '公民身份号码', field = 'id_card_no'): ItemSpec => [
  name,
  field,
  'C',
  18,
  { s: 'personal', mask: '保留前6位和后4位，其余以*代替' },
];
export const PERSON_NAME = (name = '姓名', field = 'person_name'): ItemSpec => [
  name,
  field,
  'C',
  50,
  { s: 'personal', mask: '保留姓，名以*代替' },
];
export const PHONE = (name = '联系电话', field = 'phone'): ItemSpec => [
  name,
  field,
  'C',
  20,
  { s: 'personal', mask: '保留前3位和后4位' },
];
export const REGION: ItemSpec = ['行政区划代码', 'region_code', 'C', 6, { d: 'GB/T 2260' }];
export const UPDATED_AT: ItemSpec = ['数据更新时间', 'updated_at', 'T', null];

export const OPEN_ALL = { openType: 'unconditional', shareType: 'unconditional' } as const;

/** Providing departments, as named in departments.ts (the seed refuses a name it does not know). */
export const D = {
  dsj: '上饶市大数据发展管理局',
  scj: '上饶市市场监督管理局',
  gaj: '上饶市公安局',
  rsj: '上饶市人力资源和社会保障局',
  zrzy: '上饶市自然资源局',
  sthj: '上饶市生态环境局',
  wjw: '上饶市卫生健康委员会',
  jyj: '上饶市教育局',
  mzj: '上饶市民政局',
  jtj: '上饶市交通运输局',
  zjj: '上饶市住房和城乡建设局',
  ybj: '上饶市医疗保障局',
  swj: '上饶市税务局',
  qxj: '上饶市气象局',
  bdc: '上饶市不动产登记中心',
  ggzy: '上饶市公共资源交易中心',
  csh: '上饶市慈善总会',
  xzScj: '信州区市场监督管理局',
  gfRsj: '广丰区人力资源和社会保障局',
  pyNyj: '鄱阳县农业农村局',
  wyWly: '婺源县文化广电新闻出版旅游局',
  jkq: '上饶经济技术开发区管理委员会',
  water: '上饶市供水集团有限公司',
  power: '国网上饶供电公司',
  bus: '上饶市公共交通集团有限公司',
} as const;
