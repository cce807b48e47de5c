import { hash32, type Rng } from './demo-random';
import { DEMO_DEPARTMENTS } from './departments';
import { COUNTIES, ROADS } from './demo-vocab';
import { dateOf, dayNumber, type County, type DemoOrg, type DemoPerson, type DemoWorld } from './demo-world';

/**
 * Synthetic rows for a demo 库表 entry, column by column from each data item's name and type: a
 * 公民身份号码 is a check-digit-valid number of a synthetic person, a 统一社会信用代码 that of a
 * synthetic enterprise, 姓名 the same person's name, 住所 the enterprise's address, 日期 columns a
 * date in the last years … Items no rule knows get a plausible value of their type. Any entry's
 * items work, so a new demo entry gets rows without code here.
 */

export interface DemoItem {
  name: string;
  dataType: string;
  length?: number | null;
}

interface Place {
  county: County;
  town: string;
  road: string;
  no: number;
  full: string;
  lon: number;
  lat: number;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const logUniform = (r: Rng, min: number, max: number) => min * (max / min) ** r.next();
/** The first entries of a list come up more often (statuses: most are 存续 / 正常). */
const skewed = <T>(r: Rng, list: readonly T[]) => list[Math.floor(r.next() ** 2 * list.length)]!;
const monthOf = (day: number) => {
  const d = dateOf(day);
  return Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
};
const yyyymm = (month: number) => `${Math.floor(month / 12)}${pad((month % 12) + 1, 2)}`;

const legalDays = (row: RowMaker) => row.once('legal-days', () => row.r.pick([20, 15, 30, 60, 10]));

const GOVERNMENT = DEMO_DEPARTMENTS.filter((d) => d.kind === 'government').map((d) => d.name);

/** One row being made: its random stream and the subjects its columns share. */
class RowMaker {
  readonly r: Rng;
  private readonly memo = new Map<string, unknown>();

  constructor(
    readonly world: DemoWorld,
    readonly table: TableSpec,
    readonly i: number,
  ) {
    this.r = world.rng(table.entryName, i);
  }

  /** A value the row's columns share, made by the first column that needs it. */
  once<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  /** The row's person in a role ('' the subject, '男方', '经营者' …): one person per role and row. */
  person(role: string): DemoPerson {
    const k = this.table.roleIndex(`p:${role}`);
    return this.world.person(this.table.base + this.i + k * 7919);
  }

  /** The row's enterprise (or individual business, for a 个体 entry) in a role. */
  org(role: string): DemoOrg {
    if (this.table.individual && role === '') return this.once('individual', () => this.world.individual(this.i));
    const k = this.table.roleIndex(`o:${role}`);
    return this.world.enterprise(this.table.base + this.i + k * 3571);
  }

  place(): Place {
    return this.once('place', () => {
      const r = this.r;
      const county = this.table.county ?? r.pick(COUNTIES);
      const town = r.pick(county.towns);
      const road = r.pick(ROADS);
      const no = r.int(1, 399);
      return {
        county,
        town,
        road,
        no,
        full: `江西省上饶市${county.name}${town}${road}${no}号`,
        lon: round(county.lon + (r.next() - 0.5) * 0.3, 6),
        lat: round(county.lat + (r.next() - 0.5) * 0.24, 6),
      };
    });
  }

  /** The day the row's event happened (decision, registration, announcement …) in the last five years. */
  start(): number {
    return this.once('start', () => this.r.int(this.world.todayDay - 5 * 365, this.world.todayDay - 1));
  }

  /** 社会保险: first and last paid month, months paid and status, consistent with the person's age. */
  insurance(): { first: string; last: string; months: number; status: string } {
    return this.once('insurance', () => {
      const r = this.r;
      const now = monthOf(this.world.todayDay) - 1;
      const adult = monthOf(dayNumber(this.person('').birthDate)) + 18 * 12;
      // Past 60 the person has retired: contributions ended at the retirement month.
      const retired = adult + 42 * 12;
      const from = Math.max(adult, 1995 * 12);
      const first = r.int(from, Math.max(from, Math.min(now - 6, retired - 12)));
      const status = retired <= now ? '终止' : skewed(r, ['参保', '参保', '参保', '暂停', '终止']);
      const last = retired <= now ? Math.max(first, retired) : status === '参保' ? now : r.int(first, now);
      return {
        first: yyyymm(first),
        last: yyyymm(last),
        months: Math.max(1, Math.round((last - first + 1) * (0.8 + 0.2 * r.next()))),
        status,
      };
    });
  }
}

type Make = (row: RowMaker) => unknown;
interface Rule {
  /** Matches the item's name; `types` limits the data types (default: any). */
  name: RegExp;
  types?: string;
  make: (role: string) => Make;
  /** Whose value it is: a person or an enterprise in a role taken from the item's name. */
  about?: 'person' | 'org';
  /** The value differs on every row of an entry (for the row's own subject), so it can be the row key. */
  unique?: boolean;
}

/** Who a person column is about: the name without 姓名 / 身份证号码 …; '' for the row's subject. */
const personRole = (name: string) =>
  name.replace(
    /(公民身份号码|身份证件号码|身份证明号码|身份证号码|身份证号|证件号码|姓名|名称|户名|性别代码|性别|出生日期)$/,
    '',
  );
/** Who an enterprise column is about: the row's subject unless it names another party. */
const orgRole = (name: string) => /^(参保单位|用人单位|施工单位|监理单位|中标|受让单位|使用单位)/.exec(name)?.[1] ?? '';

const pool =
  (...values: string[]): Rule['make'] =>
  () =>
  (row) =>
    skewed(row.r, values);

/**
 * One administrative penalty, consistent across its columns: the violation, the article that
 * punishes it, and the sanctions that article provides (synthetic cases, plausible pairings).
 */
const PENALTY_CASES = [
  {
    act: '销售不符合食品安全标准的食品',
    basis: '《中华人民共和国食品安全法》第一百二十四条',
    kinds: ['没收违法所得、罚款', '罚款'],
  },
  {
    act: '未按规定办理变更登记',
    basis: '《中华人民共和国市场主体登记管理条例》第四十六条',
    kinds: ['罚款'],
  },
  { act: '虚假宣传', basis: '《中华人民共和国反不正当竞争法》第二十条', kinds: ['罚款', '警告、罚款'] },
  { act: '无照经营', basis: '《无证无照经营查处办法》第十三条', kinds: ['没收违法所得、罚款', '罚款'] },
  { act: '销售侵犯注册商标专用权的商品', basis: '《中华人民共和国商标法》第六十条', kinds: ['没收违法所得、罚款'] },
  { act: '未按规定使用计量器具', basis: '《中华人民共和国计量法》第二十七条', kinds: ['警告', '罚款'] },
  { act: '价格违法行为', basis: '《中华人民共和国价格法》第四十条', kinds: ['警告、罚款', '没收违法所得、罚款'] },
  { act: '未经许可从事特种设备作业', basis: '《中华人民共和国特种设备安全法》第八十六条', kinds: ['罚款'] },
] as const;

const penaltyCase = (row: RowMaker) => row.once('penalty', () => row.r.pick(PENALTY_CASES));
const penaltyKind = (row: RowMaker): string =>
  row.once('penalty-kind', () => row.r.pick(penaltyCase(row).kinds) as string);

const RULES: Rule[] = [
  // People.
  {
    name: /身份证|身份号码|证件号码/,
    types: 'C',
    about: 'person',
    unique: true,
    make: (role) => (row) => row.person(role).idNumber,
  },
  { name: /^(经营者姓名|法定代表人|经营者)$/, types: 'C', make: () => (row) => row.org('').legalRep },
  {
    name: /姓名$|^户名$|负责人$|责任人$|联系人$|^权利人(名称)?$|^机动车所有人$/,
    types: 'C',
    about: 'person',
    make: (role) => (row) => row.person(role).name,
  },
  { name: /性别/, types: 'C', about: 'person', make: (role) => (row) => row.person(role).gender },
  { name: /出生日期/, types: 'D', about: 'person', make: (role) => (row) => row.person(role).birthDate },
  { name: /咨询电话|办公电话|服务电话/, types: 'C', make: () => (row) => `0793-8${pad(row.r.int(0, 999_999), 6)}` },
  { name: /手机|电话/, types: 'C', make: () => (row) => row.world.mobile(row.r) },

  // Enterprises and authorities.
  { name: /信用代码/, types: 'C', about: 'org', unique: true, make: (role) => (row) => row.org(role).creditCode },
  {
    name: /^(建设单位|招标人|实施主体|处理单位|业务主管单位)$/,
    types: 'C',
    make: () => (row) => row.r.pick(GOVERNMENT),
  },
  {
    name: /(企业|字号|当事人|纳税人|单位|组织|机构|主体|经营者)名称$|^名称$|^(用人|使用|施工|监理|参保)单位$|^中标|^受让单位$|^用人单位$/,
    types: 'C',
    about: 'org',
    make: (role) => (row) => row.org(role).name,
  },
  { name: /登记机关|处罚机关|决定机关|发证机关|签发机关/, types: 'C', make: () => (row) => row.org('').authority },
  { name: /^(企业)?类型$/, types: 'C', make: () => (row) => row.org('').kind },
  { name: /登记状态/, types: 'C', make: () => (row) => row.org('').status },
  { name: /成立日期/, types: 'D', make: () => (row) => row.org('').established },
  {
    name: /核准日期/,
    types: 'D',
    make: () => (row) => dateOf(row.r.int(dayNumber(row.org('').established), row.world.todayDay - 1)),
  },
  { name: /注册资本/, make: () => (row) => row.org('').capital },
  { name: /经营范围/, make: () => (row) => row.org('').scope },
  { name: /^(行业|产业类别)$/, types: 'C', make: () => (row) => row.org('').industry },
  { name: /^(住所|经营场所)$/, types: 'C', make: () => (row) => row.org('').address },
  { name: /^组成形式$/, make: pool('个人经营', '家庭经营') },

  // Places.
  { name: /区划代码/, types: 'C', make: () => (row) => row.place().county.code },
  {
    name: /地址编码/,
    types: 'C',
    unique: true,
    make: () => (row) =>
      `${row.place().county.code}${pad(row.place().county.towns.indexOf(row.place().town) + 1, 3)}${pad(row.i + 1, 8)}`,
  },
  { name: /街路巷/, types: 'C', make: () => (row) => row.place().road },
  { name: /门牌号/, types: 'C', make: () => (row) => `${row.place().no}号` },
  {
    name: /办理地点/,
    types: 'C',
    make: () => (row) => `上饶市政务服务中心${row.r.int(1, 3)}楼${row.r.int(1, 40)}号窗口`,
  },
  {
    name: /^位置$/,
    types: 'C',
    make: () => (row) =>
      `${row.place().county.name}${row.place().town}${row.r.pick(['上', '下', '东', '西', '新', '老'])}${row.r.pick(['坑', '源', '坞', '岭', '溪', '塘'])}村${row.r.int(1, 12)}组`,
  },
  { name: /地址|坐落|地点|位置/, types: 'C', make: () => (row) => row.place().full },
  { name: /经度/, make: () => (row) => row.place().lon },
  { name: /纬度/, make: () => (row) => row.place().lat },

  // 社会保险 and other monthly records.
  { name: /首次参保年月/, make: () => (row) => row.insurance().first },
  { name: /最近缴费年月/, make: () => (row) => row.insurance().last },
  { name: /累计缴费月数/, make: () => (row) => row.insurance().months },
  { name: /参保状态/, make: () => (row) => row.insurance().status },
  { name: /年月$|^所属期$/, types: 'C', make: () => (row) => yyyymm(monthOf(row.world.todayDay) - 1) },
  { name: /^险种/, make: pool('企业职工基本养老保险', '失业保险', '工伤保险') },
  { name: /就业困难/, types: 'L', make: () => (row) => row.r.chance(0.08) },
  { name: /^登记类别$/, make: pool('就业登记', '就业登记', '失业登记') },

  // 行政处罚.
  {
    name: /决定书文号/,
    types: 'C',
    unique: true,
    make: () => (row) => `饶市监处罚〔${dateOf(row.start()).slice(0, 4)}〕${row.i + 1}号`,
  },
  { name: /违法行为/, types: 'C', make: () => (row) => penaltyCase(row).act },
  {
    name: /违法事实|违法行为/,
    make: () => (row) =>
      `经查，${row.org('').name}于${dateOf(row.start() - row.r.int(10, 90))}在经营活动中存在违法行为，事实清楚，证据确凿（合成演示数据）。`,
  },
  { name: /处罚依据/, make: () => (row) => penaltyCase(row).basis },
  { name: /处罚类别/, make: () => (row) => penaltyKind(row) },
  // A warning alone carries no fine: the amount is 0 (the column stays filled, as the quality check wants).
  {
    name: /罚款/,
    make: () => (row) => (penaltyKind(row).includes('罚款') ? round(logUniform(row.r, 0.05, 50), 2) : 0),
  },

  // 政务服务事项.
  {
    name: /^事项编码$/,
    types: 'C',
    unique: true,
    make: () => (row) => `36110000${pad(row.r.int(1, 9), 2)}${pad(row.i + 1, 6)}`,
  },
  {
    name: /^事项名称$/,
    make: () => (row) =>
      `${row.r.pick(['企业设立', '食品经营许可', '建设工程施工许可', '居民身份证换领', '失业保险金申领', '社会保障卡申领', '不动产首次登记', '个体工商户登记', '医师执业注册', '道路运输经营许可', '公共场所卫生许可', '城乡居民养老保险参保', '最低生活保障审核', '排污许可', '药品零售企业许可', '出生医学证明办理'])}${row.r.pick(['', '（变更）', '（注销）', '（延续）', '（补办）'])}`,
  },
  { name: /^事项类型$/, make: pool('行政许可', '公共服务', '行政确认', '行政给付', '行政备案', '其他行政权力') },
  { name: /法定办结时限/, make: () => (row) => legalDays(row) },
  {
    name: /承诺办结时限/,
    make: () => (row) => Math.max(1, Math.round(legalDays(row) * row.r.pick([0.2, 0.3, 0.5, 1]))),
  },
  { name: /网办深度/, make: pool('全程网办', '网上预审', '最多跑一次', '一次不用跑') },

  // 危险化学品.
  {
    name: /危险化学品品种/,
    make: () => (row) =>
      [
        ...new Set(
          Array.from({ length: row.r.int(1, 4) }, () =>
            row.r.pick([
              '液氯',
              '甲醇',
              '硫酸',
              '盐酸',
              '液化石油气',
              '氢氧化钠',
              '乙炔',
              '液氨',
              '二甲苯',
              '天然气',
              '柴油',
              '过氧化氢',
            ]),
          ),
        ),
      ].join('、'),
  },
  { name: /储量/, make: () => (row) => round(logUniform(row.r, 1, 2000), 1) },
  { name: /危险源等级/, make: pool('无', '四级', '三级', '二级', '一级') },

  // 公共资源交易 and 建设工程.
  {
    name: /^项目编号$/,
    types: 'C',
    unique: true,
    make: () => (row) => `SRGGZY-${dateOf(row.start()).slice(0, 4)}-${pad(row.i + 1, 6)}`,
  },
  {
    name: /^项目代码$/,
    types: 'C',
    unique: true,
    make: () => (row) =>
      `${dateOf(row.start()).slice(0, 4)}-${row.place().county.code}-${row.r.pick(['47', '48', '50', '70'])}-0${row.r.int(1, 3)}-${pad(row.i + 1, 6)}`,
  },
  {
    name: /^项目名称$/,
    make: () => (row) =>
      `${row.place().county.name}${row.r.pick(['城区道路改造工程', '农村饮水安全巩固提升工程', '中小学校舍维修改造项目', '政务云服务采购项目', '办公设备采购项目', '污水管网建设工程', '高标准农田建设项目', '保障性住房建设项目', '河道综合治理工程', '老旧小区改造工程', '公共卫生服务能力提升项目', '乡村振兴示范点建设项目'])}`,
  },
  { name: /交易类别/, make: pool('工程建设', '政府采购', '土地使用权出让', '国有产权交易', '药品和医用耗材采购') },
  {
    name: /施工许可证编号/,
    types: 'C',
    unique: true,
    make: () => (row) => `${row.place().county.code}${dateOf(row.start()).replace(/-/g, '')}${pad(row.i + 1, 6)}`,
  },
  { name: /面积/, make: () => (row) => round(logUniform(row.r, 300, 200_000), 2) },
  { name: /金额|合同价|成交价|价格/, make: () => (row) => round(logUniform(row.r, 5, 20_000), 2) },

  // 地质灾害 and 供水.
  {
    name: /隐患点编号/,
    types: 'C',
    unique: true,
    make: () => (row) => `${row.place().county.code}${pad(row.i + 1, 6)}`,
  },
  { name: /隐患类型/, make: pool('滑坡', '崩塌', '不稳定斜坡', '泥石流', '地面塌陷') },
  { name: /人数/, make: () => (row) => row.r.int(3, 300) },
  { name: /^用户号$/, types: 'C', unique: true, make: () => (row) => `36${pad(row.i + 1, 10)}` },
  { name: /用水类别/, make: pool('居民生活用水', '居民生活用水', '非居民用水', '特种用水') },
  { name: /用水量/, make: () => (row) => round(logUniform(row.r, 2, 80), 1) },

  // Dates: the row's event day, and end dates some time after it.
  { name: /公示截止|有效期至|有效期截止/, types: 'D', make: () => (row) => dateOf(row.start() + 3 * 365) },
  { name: /结果公示/, types: 'D', make: () => (row) => dateOf(row.start() + row.r.int(20, 45)) },
  { name: /竣工/, types: 'D', make: () => (row) => dateOf(row.start() + row.r.int(300, 900)) },
];

/** Values for items no rule names: plausible for the type, identifiers unique per row. */
function fallback(item: DemoItem): { make: Make; unique: boolean } {
  const stem = item.name.replace(/（.*?）/g, '');
  switch (item.dataType) {
    case 'C':
      if (/编号|编码|代码|号码|证号|号$/.test(stem)) {
        const prefix = `SR${pad(hash32(item.name) % 1000, 3)}`;
        return { make: (row) => `${prefix}${pad(row.i + 1, 8)}`, unique: true };
      }
      if (/状态$/.test(stem)) return { make: (row) => skewed(row.r, ['正常', '正常', '有效', '注销']), unique: false };
      if (/类别|类型|种类|等级|级别$/.test(stem))
        return { make: (row) => skewed(row.r, ['一类', '二类', '三类']), unique: false };
      return { make: (row) => `${stem.replace(/名称$/, '')}${(row.i % 97) + 1}`, unique: false };
    case 'M':
      return { make: (row) => `${stem}：合成演示数据，第${row.i + 1}条。`, unique: false };
    case 'D':
      return { make: (row) => dateOf(row.start()), unique: false };
    case 'T':
      return {
        make: (row) =>
          `${dateOf(row.world.todayDay - row.r.int(1, 30))} ${pad(row.r.int(0, 23), 2)}:${pad(row.r.int(0, 59), 2)}:${pad(row.r.int(0, 59), 2)}`,
        unique: false,
      };
    case 'L':
      return { make: (row) => row.r.chance(0.5), unique: false };
    case 'I':
      return { make: (row) => row.r.int(0, 1000), unique: false };
    case 'N':
      return { make: (row) => row.r.int(0, 100_000), unique: false };
    case 'Y':
      return { make: (row) => round(logUniform(row.r, 0.01, 10_000), 2), unique: false };
    case 'B':
    case 'F':
      return { make: (row) => round(row.r.next() * 1000, 2), unique: false };
    case 'G':
      return { make: (row) => Buffer.from(`govshare demo ${item.name} ${row.i + 1}`), unique: false };
    default:
      return { make: () => null, unique: false };
  }
}

function compileItem(item: DemoItem): { make: Make; unique: boolean } {
  const rule = RULES.find((x) => x.name.test(item.name) && (!x.types || x.types.includes(item.dataType)));
  if (!rule) return fallback(item);
  const role = rule.about === 'person' ? personRole(item.name) : rule.about === 'org' ? orgRole(item.name) : '';
  return { make: rule.make(role), unique: !!rule.unique && role === '' };
}

/** An entry's compiled columns plus what its rows share (where its subjects start, roles seen). */
class TableSpec {
  readonly base: number;
  readonly individual: boolean;
  readonly county: County | null;
  private readonly roles = new Map<string, number>();

  constructor(readonly entryName: string) {
    // Each entry starts at its own place in the population, so entries overlap only in part.
    this.base = hash32(entryName) % 100_003;
    this.individual = entryName.includes('个体');
    // A county body's resource is about its county.
    this.county = COUNTIES.find((c) => entryName.startsWith(c.name)) ?? null;
  }

  roleIndex(role: string): number {
    let k = this.roles.get(role);
    if (k === undefined) {
      k = this.roles.size;
      this.roles.set(role, k);
    }
    return k;
  }
}

/**
 * Rows of one entry: [key, ...values in item order], row numbers from..to-1. The key is the first
 * column when it identifies the row (an ID number, a credit code, a 编号), else the row number.
 */
export class DemoTableRows {
  private readonly spec: TableSpec;
  private readonly columns: Array<{ make: Make; unique: boolean; length: number | null }>;
  private readonly seen = new Set<string>();

  constructor(
    private readonly world: DemoWorld,
    entryName: string,
    items: readonly DemoItem[],
  ) {
    this.spec = new TableSpec(entryName);
    this.columns = items.map((item) => ({
      ...compileItem(item),
      length: item.dataType === 'C' && item.length ? item.length : null,
    }));
  }

  row(i: number): unknown[] {
    const maker = new RowMaker(this.world, this.spec, i);
    const values = this.columns.map((c) => {
      const v = c.make(maker);
      return c.length !== null && typeof v === 'string' && v.length > c.length ? v.slice(0, c.length) : v;
    });
    let key = this.columns[0]?.unique ? String(values[0]) : pad(i + 1, 8);
    if (this.seen.has(key)) key = `${key}#${i + 1}`;
    this.seen.add(key);
    return [key, ...values];
  }

  batch(from: number, to: number): unknown[][] {
    const rows: unknown[][] = [];
    for (let i = from; i < to; i++) rows.push(this.row(i));
    return rows;
  }
}
