import { describe, expect, it } from 'vitest';
import { compileRule, mask, RULE_CODES, RULES, type MaskRule } from '../../src/server/platform/masking';

/** [input, expected] vectors per rule; every rule in the library must have some. */
const VECTORS: Array<[string, MaskRule, Array<[string, string]>]> = [
  [
    'name',
    { code: 'name' },
    [
      ['张三', '张*'],
      ['李小龙', '李**'],
      ['王', '王'],
      ['欧阳娜娜', '欧阳**'],
      ['诸葛孔明', '诸葛**'],
      ['司马相如', '司马**'],
      ['上官婉儿', '上官**'],
      ['尉迟恭敬', '尉迟**'],
      ['欧阳', '欧*'], // surname 欧 + given name 阳: a compound surname needs a given name after it
      ['欧阳修', '欧阳*'],
      ['买买提·艾力', '买**·**'],
      ['John Smith', 'J*** *****'],
      ['𠀀三丰', '𠀀**'], // a character outside the BMP is one character, not two
    ],
  ],
  [
    'id_number',
    { code: 'id_number' },
    [
      ['362301199001011234', '362301********1234'],
      ['36230119900101123X', '362301********123X'],
      ['362301900101123', '362301******123'], // 15-digit: last 3, so no digit of the birthday shows
      ['３６２３０１１９９００１０１１２３４', '３６２３０１********１２３４'],
      ['1234', '1**4'], // shorter than what the rule keeps: still masked
      ['1', '*'],
    ],
  ],
  [
    'mobile',
    { code: 'mobile' },
    [
      ['13812345678', '138****5678'],
      ['+86 138-1234-5678', '+86 138-****-5678'],
      ['+8613812345678', '+86138****5678'],
      ['008613812345678', '0086138****5678'],
      ['138 1234 5678', '138 **** 5678'],
      ['１３８１２３４５６７８', '１３８****５６７８'],
      ['12', '**'],
    ],
  ],
  [
    'landline',
    { code: 'landline' },
    [
      ['0793-8201234', '0793-*****34'],
      ['07938201234', '0793*****34'],
      ['010-12345678', '010-******78'],
      ['02012345678', '020******78'],
      ['(0793)8201234', '(0793)*****34'],
      ['+86 793 8201234', '+86 793 *****34'],
      ['8201234', '*****34'],
      ['13812345678', '138****5678'], // a mobile in a phone column is masked as a mobile
    ],
  ],
  [
    'bank_card',
    { code: 'bank_card' },
    [
      ['6222021234567890123', '622202*********0123'],
      ['6222 0212 3456 7890', '6222 02** **** 7890'],
      ['62220212', '62****12'],
    ],
  ],
  [
    'address',
    { code: 'address', level: 'district' },
    [
      ['江西省上饶市信州区水南街道中山路1号', '江西省上饶市信州区*********'],
      ['上饶市德兴市银城街道', '上饶市德兴市****'],
      ['江西省上饶市婺源县江湾镇', '江西省上饶市婺源县***'],
      ['江苏省镇江市京口区某镇某村', '江苏省镇江市京口区****'],
      ['内蒙古自治区呼和浩特市新城区某路', '内蒙古自治区呼和浩特市新城区**'],
      ['上饶市信州区城市花园3栋', '上饶市信州区******'],
      ['Some street 12 in town', 'Some s****************'], // no level found: first 6 characters
      ['abcd', 'ab**'],
    ],
  ],
  [
    'address:town',
    { code: 'address', level: 'town' },
    [
      ['江西省上饶市信州区水南街道中山路1号', '江西省上饶市信州区水南街道*****'],
      ['江苏省镇江市京口区象山镇某村5组', '江苏省镇江市京口区象山镇****'],
      ['江西省上饶市信州区中山路1号', '江西省上饶市信州区*****'], // no town: falls back to the county
    ],
  ],
  [
    'address:community',
    { code: 'address', level: 'community' },
    [
      ['江西省上饶市信州区水南街道书院小区3栋2单元', '江西省上饶市信州区水南街道书院小区*****'],
      ['江西省上饶市婺源县江湾镇汪口村5组', '江西省上饶市婺源县江湾镇汪口村**'],
    ],
  ],
  [
    'email',
    { code: 'email' },
    [
      ['zhangsan@example.com', 'z***@example.com'],
      ['a@b.cn', 'a***@b.cn'],
      ['张三＠政务.中国', '张***＠政务.中国'],
      ['no-at-sign', 'n***'],
    ],
  ],
  [
    'plate',
    { code: 'plate' },
    [
      ['赣E·12345', '赣E·****5'],
      ['赣E12345', '赣E****5'],
      ['赣ED12345', '赣E*****5'], // new-energy, 8 characters
      ['赣E·D12345', '赣E·*****5'],
      ['赣E', '赣*'],
    ],
  ],
  [
    'credit_code',
    { code: 'credit_code' },
    [
      ['91361100MA35XXXX1Q', '91************XX1Q'],
      ['9136', '9**6'],
    ],
  ],
  [
    'keep',
    { code: 'keep', head: 3, tail: 4 },
    [
      ['abcdefghij', 'abc***ghij'],
      ['一二三四五六七八', '一二三*五六七八'],
    ],
  ],
  [
    'regex',
    { code: 'regex', pattern: '^(\\d{3})\\d+(\\d{4})$', flags: '', replacement: '$1****$2' },
    [
      ['13812345678', '138****5678'],
      ['abc', 'abc'],
    ],
  ],
  [
    'redact',
    { code: 'redact' },
    [
      ['秘密', '**'],
      ['a b', '***'],
    ],
  ],
  ['none', { code: 'none' }, [['张三', '张三']]],
];

describe('masking rules (R-43)', () => {
  for (const [label, rule, vectors] of VECTORS) {
    it(`${label}: ${RULES[rule.code].keepsZh}`, () => {
      const m = compileRule(rule);
      for (const [input, expected] of vectors) expect([input, m(input)]).toEqual([input, expected]);
    });
  }

  it('has vectors for every rule in the library', () => {
    expect(new Set(VECTORS.map(([, r]) => r.code))).toEqual(new Set(RULE_CODES));
  });

  it('keeps null and empty values as they are', () => {
    for (const code of RULE_CODES) {
      const rule = VECTORS.find(([, r]) => r.code === code)![1];
      expect(mask(rule, null)).toBeNull();
      expect(mask(rule, undefined)).toBeNull();
      expect(mask(rule, '')).toBe('');
    }
  });

  it('names every rule in Chinese and English', () => {
    for (const code of RULE_CODES) {
      const r = RULES[code];
      expect(r.code).toBe(code);
      expect(r.nameZh).toMatch(/\p{Script=Han}/u);
      expect(r.keepsZh).toMatch(/\p{Script=Han}/u);
      expect(r.nameEn).toMatch(/^[A-Z]/);
    }
  });

  it('stars long values whole instead of running a custom regex over them', () => {
    const m = compileRule({ code: 'regex', pattern: '\\d', flags: 'g', replacement: '#' });
    expect(m('a1b2')).toBe('a#b#');
    expect(m('1'.repeat(300))).toBe('*'.repeat(300));
  });
});
