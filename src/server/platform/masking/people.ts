/** Maskers for names, addresses, e-mail addresses and vehicle plates. */
import { chars, STAR, starAll } from './text';

/** Two-character surnames common enough to appear in 人口 data (simplified and traditional forms). */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳',
  '司马',
  '诸葛',
  '上官',
  '东方',
  '皇甫',
  '令狐',
  '慕容',
  '尉迟',
  '长孙',
  '夏侯',
  '司徒',
  '司空',
  '公孙',
  '宇文',
  '轩辕',
  '端木',
  '独孤',
  '南宫',
  '西门',
  '万俟',
  '闻人',
  '澹台',
  '公冶',
  '宗政',
  '濮阳',
  '太叔',
  '申屠',
  '钟离',
  '呼延',
  '赫连',
  '百里',
  '东郭',
  '拓跋',
  '左丘',
  '第五',
  '歐陽',
  '司馬',
  '諸葛',
  '東方',
  '長孫',
  '公孫',
  '軒轅',
  '獨孤',
  '鍾離',
]);

const HAN = /\p{Script=Han}/u;
/** Separators inside names: the interpunct of minority and foreign names (买买提·艾力), spaces, hyphens. */
const NAME_SEPARATOR = /[\s·•・.\-‧]/;

/**
 * 姓名: keep the surname, star the given name. A compound surname is kept only when a given name
 * follows it (欧阳娜娜 → 欧阳**, but 欧阳 alone is surname 欧 + name 阳 → 欧*). One-character names
 * stay. Latin names keep their first letter. Separators stay so 买买提·艾力 → 买**·**.
 */
export function maskName(s: string): string {
  const cs = chars(s);
  const at: number[] = [];
  for (let i = 0; i < cs.length; i++) if (!NAME_SEPARATOR.test(cs[i]!)) at.push(i);
  if (at.length <= 1) return s;
  const first = cs[at[0]!]!;
  const second = cs[at[1]!]!;
  const keep =
    HAN.test(first) && at.length > 2 && at[1] === at[0]! + 1 && COMPOUND_SURNAMES.has(first + second) ? 2 : 1;
  const out = cs.slice();
  for (let k = keep; k < at.length; k++) out[at[k]!] = STAR;
  return out.join('');
}

export type AddressLevel = 'district' | 'town' | 'community';

/**
 * Where the street-level part of an address surely begins. Single characters such as 镇 or 路 are
 * not used here because they start place names (镇江市, 路桥区).
 */
const STREET = ['街道', '大道', '小区', '社区', '号', '栋', '幢'];
const TOWN = ['街道', '苏木', '乡', '镇'];
const COMMUNITY = ['小区', '社区', '居委会', '村委会', '村', '花园', '家园', '公寓', '大厦', '苑'];

function indexOfWord(cs: string[], word: string, from: number): number {
  const w = chars(word);
  outer: for (let i = from; i + w.length <= cs.length; i++) {
    for (let j = 0; j < w.length; j++) if (cs[i + j] !== w[j]) continue outer;
    return i;
  }
  return -1;
}

/** End (exclusive) of the first of `words` found at or after `from`, or -1. */
function endOfFirst(cs: string[], words: readonly string[], from: number): number {
  let best = -1;
  let bestEnd = -1;
  for (const w of words) {
    const i = indexOfWord(cs, w, from);
    if (i >= 0 && (best < 0 || i < best)) {
      best = i;
      bestEnd = i + chars(w).length;
    }
  }
  return bestEnd;
}

/** End (exclusive) of the county-level part: 信州区, 婺源县, 德兴市 (county-level city), 旗; -1 when absent. */
function districtEnd(cs: string[]): number {
  let limit = cs.length;
  for (const w of STREET) {
    const i = indexOfWord(cs, w, 0);
    if (i >= 0 && i < limit) limit = i;
  }
  const digit = cs.findIndex((c) => /[0-9０-９]/.test(c));
  if (digit >= 0 && digit < limit) limit = digit;
  let city = -1;
  for (let i = 0; i < limit; i++) {
    const c = cs[i];
    // 自治区 and 特别行政区 are provinces, not districts; keep looking past them.
    if (c === '区' && !(cs[i - 2] === '自' && cs[i - 1] === '治') && cs[i - 1] !== '政') return i + 1;
    if (c === '县' || c === '旗') return i + 1;
    // 市场 and 城市 are words, not a county-level city.
    if (c === '市' && cs[i + 1] !== '场' && cs[i - 1] !== '城') city = i + 1;
  }
  return city;
}

/**
 * 地址: keep the address down to a level and star the rest. `district` (default) keeps up to the
 * county level (区/县/旗, or the last 市 before the street part); `town` keeps up to 乡/镇/街道;
 * `community` up to 小区/社区/村. A finer level not found falls back to the coarser one; an address
 * with no recognisable level keeps its first 6 characters (at most half of it).
 */
export function maskAddress(s: string, level: AddressLevel = 'district'): string {
  const cs = chars(s);
  let end = districtEnd(cs);
  if (level !== 'district') {
    const town = endOfFirst(cs, TOWN, Math.max(end, 0));
    if (town > 0) end = town;
    if (level === 'community') {
      const community = endOfFirst(cs, COMMUNITY, Math.max(end, 0));
      if (community > 0) end = community;
    }
  }
  if (end < 0) end = Math.min(6, Math.floor(cs.length / 2));
  return cs.slice(0, end).join('') + STAR.repeat(cs.length - end);
}

/** 邮箱: first character of the mailbox, then ***, then @domain (the length of the mailbox is hidden). */
export function maskEmail(s: string): string {
  const at = Math.max(s.lastIndexOf('@'), s.lastIndexOf('＠'));
  const local = at < 0 ? s : s.slice(0, at);
  const first = chars(local)[0] ?? '';
  return `${first}***${at < 0 ? '' : s.slice(at)}`;
}

const PLATE_SEPARATOR = /[\s·•・.-]/;

/**
 * 车牌: keep the province character, the city letter and the last character; 赣E·12345 → 赣E·****5,
 * new-energy 赣ED12345 → 赣E*****5. Separators stay.
 */
export function maskPlate(s: string): string {
  const cs = chars(s);
  const at: number[] = [];
  for (let i = 0; i < cs.length; i++) if (!PLATE_SEPARATOR.test(cs[i]!)) at.push(i);
  if (at.length === 0) return s;
  if (at.length <= 3) return cs.map((c, i) => (i === at[0] || PLATE_SEPARATOR.test(c) ? c : STAR)).join('');
  const out = cs.slice();
  for (let k = 2; k < at.length - 1; k++) out[at[k]!] = STAR;
  return out.join('');
}

export { starAll as maskRedact };
