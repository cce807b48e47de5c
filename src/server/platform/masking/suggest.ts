/**
 * The catalog's 脱敏规则 column is free Chinese text written by department staff ("保留前6位和后4位").
 * suggestRule turns it, with the item's name and field name, into a concrete rule that an
 * administrator confirms; it is a guess, so it errs towards masking more.
 */
import { AppError } from '../errors';
import type { MaskRule } from './rules';
import { parseRuleSpec } from './spec';

export interface MaskableItem {
  name: string;
  fieldName: string | null;
  maskRule: string | null;
  sensitivity: 'none' | 'personal' | 'sensitive';
}

type Kind = 'name' | 'id_number' | 'mobile' | 'landline' | 'bank_card' | 'address' | 'email' | 'plate' | 'credit_code';

/** Checked in order: 身份证号 before 号, 手机 before 电话, 银行卡号 before 号. */
const BY_NAME: Array<[RegExp, Kind]> = [
  [/统一社会信用代码|信用代码/, 'credit_code'],
  [/身份证|身份号码|证件号/, 'id_number'],
  [/银行卡|银行账号|银行帐号|卡号|账号|帐号/, 'bank_card'],
  [/手机|移动电话/, 'mobile'],
  [/电话|座机|传真/, 'landline'],
  [/邮箱|电子邮件|e-?mail/i, 'email'],
  [/车牌|号牌/, 'plate'],
  [/地址|住址|住所|居住地|户籍地|所在地/, 'address'],
  [/姓名|名字|联系人|法定代表人|负责人|申请人/, 'name'],
];

/** Field names in English or pinyin initials (sfzh = 身份证号, sjhm = 手机号码, cph = 车牌号 …). */
const BY_FIELD: Array<[RegExp, Kind]> = [
  [/uscc|credit_?code|tyshxydm|xydm/, 'credit_code'],
  [/id_?(no|num|number|card)|idcard|sfz|zjhm|cert_?no/, 'id_number'],
  [/bank|card_?no|yhk|acct|account_?no/, 'bank_card'],
  [/mobile|cell|sjh/, 'mobile'],
  [/phone|tel|lxdh|dh$/, 'landline'],
  [/e_?mail|yx$|dzyx/, 'email'],
  [/plate|cph|hphm/, 'plate'],
  [/addr|dz$|zz$|address/, 'address'],
  [/(^|_)(name|xm)$|real_?name|full_?name|person_?name/, 'name'],
];

function kindOf(item: MaskableItem): Kind | null {
  for (const [re, kind] of BY_NAME) if (re.test(item.name)) return kind;
  const field = (item.fieldName ?? '').toLowerCase();
  // An organisation's name is public record, unlike a person's: ent_name, org_name stay unmasked by name.
  if (/(ent|org|corp|company|dept|unit)_?name/.test(field) || /名称/.test(item.name)) return null;
  for (const [re, kind] of BY_FIELD) if (re.test(field)) return kind;
  return null;
}

const KEEPS: Partial<Record<Kind, [number, number]>> = {
  id_number: [6, 4],
  mobile: [3, 4],
  bank_card: [6, 4],
  credit_code: [2, 4],
};

function ruleOfKind(kind: Kind): MaskRule {
  return kind === 'address' ? { code: 'address', level: 'district' } : { code: kind };
}

/** Read the free-text hint; null when it says nothing recognisable. */
function fromHint(hint: string, kind: Kind | null): MaskRule | null {
  if (/不脱敏|无需脱敏|不需脱敏|不需要脱敏|无需处理/.test(hint)) return { code: 'none' };
  if (/乡镇|街道/.test(hint)) return { code: 'address', level: 'town' };
  if (/小区|社区|村/.test(hint)) return { code: 'address', level: 'community' };
  if (/区县|县区|到区|到县/.test(hint)) return { code: 'address', level: 'district' };
  if (/保留姓|姓氏|名以/.test(hint)) return { code: 'name' };
  if (/区号/.test(hint)) return { code: 'landline' };
  if (/@|域名|邮箱/.test(hint)) return { code: 'email' };
  const keep = /前\s*(\d+)\s*位?.*?后\s*(\d+)\s*位?/.exec(hint);
  if (keep) {
    const head = Number(keep[1]);
    const tail = Number(keep[2]);
    if (kind && KEEPS[kind]?.[0] === head && KEEPS[kind][1] === tail) return ruleOfKind(kind);
    if (!kind && head === 6 && tail === 4) return { code: 'id_number' };
    // 前3后4 is how staff describe a mobile number; a 联系电话 column mostly holds mobiles.
    if ((!kind || kind === 'landline') && head === 3 && tail === 4) return { code: 'mobile' };
    if (head <= 64 && tail <= 64) return { code: 'keep', head, tail };
  }
  if (/全部|隐藏|不显示|不予显示|\*{3,}/.test(hint)) return { code: 'redact' };
  return null;
}

export function suggestRule(item: MaskableItem): MaskRule {
  const hint = item.maskRule?.trim() ?? '';
  if (/^[a-z_]+(:|$)/.test(hint)) {
    try {
      return parseRuleSpec(hint);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
    }
  }
  const kind = kindOf(item);
  const hinted = hint ? fromHint(hint, kind) : null;
  if (hinted) return hinted;
  // The catalog's classification decides whether to mask, the name only how: an item declared not
  // personal (a company's 联系电话, a 法定代表人 on the public register) passes unless the text asks otherwise.
  if (item.sensitivity === 'none') return { code: 'none' };
  return kind ? ruleOfKind(kind) : { code: 'redact' };
}
