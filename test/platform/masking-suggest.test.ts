import { describe, expect, it } from 'vitest';
import {
  compilePlan,
  compileRule,
  formatRuleSpec,
  RULES,
  suggestRule,
  type MaskableItem,
  type MaskRule,
} from '../../src/server/platform/masking';

const item = (
  name: string,
  maskRule: string | null,
  fieldName: string | null = null,
  sensitivity: MaskableItem['sensitivity'] = 'personal',
) => ({ name, fieldName, maskRule, sensitivity });
const spec = (i: MaskableItem) => formatRuleSpec(suggestRule(i));

describe('suggestRule (R-43)', () => {
  it('reads the demo catalog phrases', () => {
    expect(spec(item('姓名', '保留姓，名以*代替'))).toBe('name');
    expect(spec(item('法定代表人', '保留姓氏'))).toBe('name');
    expect(spec(item('公民身份号码', '保留前6位和后4位，其余以*代替'))).toBe('id_number');
    expect(spec(item('法定代表人证件号码', '保留前6位和后4位', 'legal_rep_id_no'))).toBe('id_number');
    expect(spec(item('联系电话', '保留前3位和后4位', 'phone'))).toBe('mobile');
    expect(spec(item('责任人电话', '保留前3位和后4位', 'monitor_phone'))).toBe('mobile');
    expect(spec(item('户名', '保留姓，名以*代替', 'account_name'))).toBe('name');
    expect(spec(item('户籍地址', '只显示到乡镇（街道）', 'hjdz'))).toBe('address:town');
    expect(spec(item('备注', '保留前2位和后2位'))).toBe('keep:2,2');
    expect(spec(item('手机号码', '保留前3后4位'))).toBe('mobile');
    expect(spec(item('住址', '只显示到乡镇（街道）'))).toBe('address:town');
    expect(spec(item('居住地址', '只显示到小区'))).toBe('address:community');
    expect(spec(item('开户银行卡号', '保留前6位和后4位'))).toBe('bank_card');
  });

  it('guesses from the item name and field name when the text says nothing usable', () => {
    expect(spec(item('申请人姓名', null))).toBe('name');
    expect(spec(item('身份证号', '按规定脱敏'))).toBe('id_number');
    expect(spec(item('手机', null))).toBe('mobile');
    expect(spec(item('办公电话', null))).toBe('landline');
    expect(spec(item('银行卡号', null))).toBe('bank_card');
    expect(spec(item('户籍地址', null))).toBe('address');
    expect(spec(item('电子邮箱', null))).toBe('email');
    expect(spec(item('车牌号码', null))).toBe('plate');
    expect(spec(item('个体工商户统一社会信用代码', null))).toBe('credit_code');
    expect(spec(item('证件', null, 'sfzh'))).toBe('id_number');
    expect(spec(item('号码', null, 'sjhm'))).toBe('mobile');
    expect(spec(item('Contact', null, 'email'))).toBe('email');
    expect(spec(item('经营者', null, 'real_name'))).toBe('name');
  });

  it('redacts unrecognised personal items and passes unrecognised public ones', () => {
    expect(spec(item('病史', null, 'medical_history', 'sensitive'))).toBe('redact');
    expect(spec(item('备注', '需要处理', null, 'personal'))).toBe('redact');
    expect(spec(item('企业名称', null, 'ent_name', 'none'))).toBe('none');
    expect(spec(item('企业名称', null, 'ent_name', 'personal'))).toBe('redact');
    // Credit codes identify organisations and are public: kept whole unless the catalog says otherwise.
    expect(spec(item('统一社会信用代码', null, 'uscc', 'none'))).toBe('none');
    expect(spec(item('企业联系电话', null, 'tel', 'none'))).toBe('none');
    expect(spec(item('统一社会信用代码', '保留前2位和后4位', 'uscc', 'none'))).toBe('credit_code');
  });

  it('takes a spec written in the text column as it is', () => {
    expect(suggestRule(item('备注', 'keep:1,1'))).toEqual({ code: 'keep', head: 1, tail: 1 });
    expect(spec(item('身份证号', 'redact'))).toBe('redact');
    expect(spec(item('身份证号', '全部隐藏'))).toBe('redact');
    expect(spec(item('身份证号', '不脱敏', null, 'none'))).toBe('none');
  });
});

/** Deterministic generator (no fast-check in this repo): same values on every run. */
function* values(seed: number, count: number): Generator<string> {
  const alphabet = [
    ...'0123456789０１２３４５６７８９ABCXabcx张王李欧阳诸葛司马省市区县镇街道小区村路号赣E·-+@ ',
    '𠀀',
    '😀',
  ];
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < count; i++) {
    const len = next() % 24;
    let v = '';
    for (let j = 0; j < len; j++) v += alphabet[next() % alphabet.length]!;
    yield v;
  }
}

describe('keep-and-star rules', () => {
  const rules: MaskRule[] = [
    { code: 'name' },
    { code: 'id_number' },
    { code: 'mobile' },
    { code: 'landline' },
    { code: 'bank_card' },
    { code: 'address', level: 'district' },
    { code: 'address', level: 'town' },
    { code: 'address', level: 'community' },
    { code: 'plate' },
    { code: 'credit_code' },
    { code: 'keep', head: 3, tail: 4 },
    { code: 'redact' },
  ];

  it('never change the number of characters', () => {
    for (const rule of rules) {
      expect(RULES[rule.code].keepsLength).toBe(true);
      const m = compileRule(rule);
      for (const v of values(rule.code.length * 7919, 2000)) {
        const out = m(v)!;
        expect([formatRuleSpec(rule), v, Array.from(out).length]).toEqual([
          formatRuleSpec(rule),
          v,
          Array.from(v).length,
        ]);
      }
    }
  });

  it('only ever replace characters by *, never invent or move them', () => {
    for (const rule of rules) {
      const m = compileRule(rule);
      for (const v of values(31, 500)) {
        const a = Array.from(v);
        const b = Array.from(m(v)!);
        expect(b.every((c, i) => c === a[i] || c === '*')).toBe(true);
      }
    }
  });

  it('hide something of every value with at least two characters that is not a name', () => {
    for (const rule of rules.filter((r) => r.code !== 'name' && r.code !== 'address')) {
      const m = compileRule(rule);
      for (const v of values(97, 500))
        if (Array.from(v.replace(/[\s·+\-@]/g, '')).length >= 2) expect([v, m(v)!.includes('*')]).toEqual([v, true]);
    }
  });
});

describe('compilePlan', () => {
  it('masks the configured fields of a row in place and leaves the rest', () => {
    const plan = compilePlan([
      { field: 'xm', rule: { code: 'name' } },
      { field: 'sfzh', rule: { code: 'id_number' } },
      { field: 'card', rule: { code: 'bank_card' } },
      { field: 'born', rule: { code: 'keep', head: 4, tail: 0 } },
      { field: 'dept', rule: { code: 'none' } },
      { field: 'absent', rule: { code: 'redact' } },
    ]);
    const row = {
      xm: '欧阳娜娜',
      sfzh: '362301199001011234',
      card: 6222021234567890123n,
      born: new Date('1990-01-01T00:00:00Z'),
      dept: '公安局',
      amount: 12.5,
      note: null,
    };
    const out = plan(row);
    expect(out).toBe(row);
    expect(row).toEqual({
      xm: '欧阳**',
      sfzh: '362301********1234',
      card: '622202*********0123',
      born: '1990********************',
      dept: '公安局',
      amount: 12.5,
      note: null,
    });
    expect('absent' in row).toBe(false);
  });

  it('masks numbers through their text form and keeps nulls', () => {
    const plan = compilePlan([
      { field: 'phone', rule: { code: 'mobile' } },
      { field: 'x', rule: { code: 'redact' } },
    ]);
    expect(plan({ phone: 13812345678, x: null })).toEqual({ phone: '138****5678', x: null });
    expect(plan({ phone: undefined, x: { a: 1 } })).toEqual({ phone: undefined, x: '*******' });
  });

  it('masks a large batch quickly', () => {
    const plan = compilePlan([
      { field: 'xm', rule: { code: 'name' } },
      { field: 'sjh', rule: { code: 'mobile' } },
      { field: 'dz', rule: { code: 'address', level: 'district' } },
    ]);
    const t = performance.now();
    for (let i = 0; i < 100_000; i++)
      plan({ xm: '张三丰', sjh: '13812345678', dz: '江西省上饶市信州区水南街道中山路1号', id: i });
    expect(performance.now() - t).toBeLessThan(5000);
  });
});
