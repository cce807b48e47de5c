import { completeCreditCode } from '../../shared/org/credit-code';
import { idNumberCheckChar } from '../../shared/org/id-number';
import { hash32, permutation, rng, type Rng } from './demo-random';
import {
  COUNTIES,
  ENTERPRISE_KINDS,
  ESTATES,
  GIVEN_FEMALE,
  GIVEN_MALE,
  INDUSTRIES,
  MARKER,
  ROADS,
  SHOPS,
  SURNAMES,
  TRADE_WORDS,
} from './demo-vocab';

/**
 * The synthetic population behind the demo rows: people and enterprises numbered 0, 1, 2 …, each
 * derived from its number and the seed alone. Several resources can therefore name the same person
 * or enterprise (社保 and 就业 rows share ID numbers, 行政处罚 parties are registered enterprises),
 * the way real shared data joins up, and nothing has to be kept in memory to stay consistent.
 */

export type County = (typeof COUNTIES)[number];

export interface DemoPerson {
  idNumber: string;
  name: string;
  /** GB/T 2261.1: 1 male, 2 female (also the parity of the ID number's 17th digit). */
  gender: '1' | '2';
  birthDate: string;
  county: County;
  address: string;
  mobile: string;
}

export interface DemoOrg {
  creditCode: string;
  name: string;
  kind: string;
  /** 法定代表人 or 经营者. */
  legalRep: string;
  capital: number;
  established: string;
  address: string;
  scope: string;
  industry: string;
  county: County | null;
  /** The registering 市场监督管理局. */
  authority: string;
  status: string;
}

export interface WorldOptions {
  seed: number;
  /** Shanghai calendar date (YYYY-MM-DD) the data is "as of": dates stay before it. */
  today: string;
  /** How many distinct people and enterprises there are to draw from. */
  people: number;
  enterprises: number;
}

const DAY = 86_400_000;
export const dayNumber = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
export const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** Birth dates of the synthetic population: adults of working age and retirees. */
const BORN_FROM = dayNumber('1950-01-01');
const BORN_DAYS = dayNumber('2004-12-31') - BORN_FROM + 1;
/** ID numbers are county × birth day × 3-digit sequence; the permutation numbers that space. */
const ID_SPACE = COUNTIES.length * BORN_DAYS * 1000;
/** 主体标识码 bodies: marker + 6 digits. */
const BODY_SPACE = 1_000_000;
/** Enterprise names: place (city or a county) × trade word × line of business. */
const NAME_SPACE = (COUNTIES.length + 1) * TRADE_WORDS.length * INDUSTRIES.length;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export class DemoWorld {
  readonly today: string;
  readonly todayDay: number;
  private readonly idOf: (i: number) => number;
  private readonly bodyOf: (i: number) => number;
  private readonly shopBodyOf: (i: number) => number;
  private readonly nameOf: (i: number) => number;
  private readonly peopleCache = new Map<number, DemoPerson>();
  private readonly orgCache = new Map<number, DemoOrg>();

  constructor(readonly opts: WorldOptions) {
    this.today = opts.today;
    this.todayDay = dayNumber(opts.today);
    this.idOf = permutation(ID_SPACE, hash32('id', opts.seed));
    this.bodyOf = permutation(BODY_SPACE, hash32('enterprise', opts.seed));
    this.shopBodyOf = permutation(BODY_SPACE, hash32('individual', opts.seed));
    this.nameOf = permutation(NAME_SPACE, hash32('name', opts.seed));
  }

  /** A row-level random stream: independent per (purpose, number), so rows do not depend on order. */
  rng(purpose: string, i: number): Rng {
    return rng(hash32(`${purpose}#${i}`, this.opts.seed));
  }

  /** Person number i (taken modulo the population). */
  person(i: number): DemoPerson {
    const n = ((i % this.opts.people) + this.opts.people) % this.opts.people;
    let p = this.peopleCache.get(n);
    if (!p) {
      p = this.makePerson(n);
      this.peopleCache.set(n, p);
    }
    return p;
  }

  /** Enterprise number i (taken modulo the register's size). */
  enterprise(i: number): DemoOrg {
    const n = ((i % this.opts.enterprises) + this.opts.enterprises) % this.opts.enterprises;
    let o = this.orgCache.get(n);
    if (!o) {
      o = this.makeEnterprise(n);
      this.orgCache.set(n, o);
    }
    return o;
  }

  /** Individual business (个体工商户) number i: not cached, each is asked for once. */
  individual(i: number): DemoOrg {
    const r = this.rng('individual', i);
    const county = r.pick(COUNTIES);
    const [shop, scope] = r.pick(SHOPS);
    const owner = this.person(i * 7 + 3);
    const established = dateOf(r.int(dayNumber('2000-01-01'), this.todayDay - 30));
    return {
      creditCode: completeCreditCode(`92${county.code}`, `${MARKER.individual}${pad(this.shopBodyOf(i), 6)}`),
      name: `${county.name}${r.pick(TRADE_WORDS)}${shop}`,
      kind: '个体工商户',
      legalRep: owner.name,
      capital: r.int(1, 50),
      established,
      address: this.address(r, county),
      scope,
      industry: shop,
      county,
      authority: `${county.name}市场监督管理局`,
      status: r.chance(0.88) ? '存续' : r.pick(['注销', '吊销']),
    };
  }

  /** An address in one of Shangrao's counties: a street number or a flat in a housing estate. */
  address(r: Rng, county: County): string {
    const town = r.pick(county.towns);
    if (r.chance(0.5)) return `江西省上饶市${county.name}${town}${r.pick(ROADS)}${r.int(1, 399)}号`;
    return `江西省上饶市${county.name}${town}${r.pick(ESTATES)}${r.int(1, 32)}栋${r.int(1, 4)}单元${r.int(1, 33)}0${r.int(1, 4)}室`;
  }

  /** A mobile number of the synthetic range 1380793xxxx / 1390793xxxx (0793: Shangrao's area code). */
  mobile(r: Rng): string {
    return `1${r.pick(['38', '39'])}0793${pad(r.int(0, 9999), 4)}`;
  }

  private makePerson(n: number): DemoPerson {
    let x = this.idOf(n);
    const county = COUNTIES[x % COUNTIES.length]!;
    x = Math.floor(x / COUNTIES.length);
    const birthDate = dateOf(BORN_FROM + (x % BORN_DAYS));
    const seq = Math.floor(x / BORN_DAYS);
    const first17 = `${county.code}${birthDate.replace(/-/g, '')}${pad(seq, 3)}`;
    const male = seq % 2 === 1;
    const r = this.rng('person', n);
    const given = male ? GIVEN_MALE : GIVEN_FEMALE;
    const name = r.pick(SURNAMES) + r.pick(given) + (r.chance(0.7) ? r.pick(given) : '');
    return {
      idNumber: first17 + idNumberCheckChar(first17),
      name,
      gender: male ? '1' : '2',
      birthDate,
      county,
      address: this.address(r, county),
      mobile: this.mobile(r),
    };
  }

  private makeEnterprise(n: number): DemoOrg {
    const r = this.rng('enterprise', n);
    let x = this.nameOf(n);
    const place = x % (COUNTIES.length + 1);
    x = Math.floor(x / (COUNTIES.length + 1));
    const word = TRADE_WORDS[x % TRADE_WORDS.length]!;
    const [suffix, scope] = INDUSTRIES[Math.floor(x / TRADE_WORDS.length)]!;
    const county = place === 0 ? null : COUNTIES[place - 1]!;
    const region = county?.code ?? '361100';
    const kind = suffix.endsWith('有限公司') ? r.pick(ENTERPRISE_KINDS.slice(0, 4)) : r.pick(ENTERPRISE_KINDS);
    const established = dateOf(r.int(dayNumber('1995-01-01'), this.todayDay - 30));
    const roll = r.next();
    return {
      creditCode: completeCreditCode(`91${region}`, `${MARKER.enterprise}${pad(this.bodyOf(n), 6)}`),
      name: `${county ? county.name : '上饶市'}${word}${suffix}`,
      kind,
      legalRep: this.person(n * 3 + 1).name,
      // 注册资本 in 万元: most small, a few large (log-uniform from 10 to 50 000).
      capital: Math.round(10 ** (1 + r.next() * 3.7)),
      established,
      address: this.address(r, county ?? r.pick(COUNTIES)),
      scope: `${scope}。（依法须经批准的项目，经相关部门批准后方可开展经营活动）`,
      industry: suffix.replace(/有限公司$/, ''),
      county,
      authority: county ? `${county.name}市场监督管理局` : '上饶市市场监督管理局',
      status: roll < 0.82 ? '存续' : roll < 0.9 ? '在业' : roll < 0.95 ? '注销' : roll < 0.98 ? '吊销' : '迁出',
    };
  }
}
