import { describe, expect, it } from 'vitest';
import { highlight, parseSearchText } from '../../src/server/modules/catalog/search-query';
import { AppError } from '../../src/server/platform/errors';

describe('search text → tsquery', () => {
  it('requires every word, exactly (jieba indexes the parts of compound words)', () => {
    expect(parseSearchText('企业登记')?.tsquery).toBe("'企业' & '登记'");
    expect(parseSearchText('户籍人口')?.tsquery).toBe("'户籍' & '人口'");
  });

  it('leaves out the parts jieba emits beside a longer word, which every match has anyway', () => {
    expect(parseSearchText('不动产')?.tsquery).toBe("'不动产'");
    expect(parseSearchText('空气质量')?.tsquery).toBe("'空气质量'");
    expect(parseSearchText('空气质量')?.marks).toEqual(expect.arrayContaining(['空气质量', '空气', '质量']));
  });

  it('matches one-character words exactly and drops function words', () => {
    expect(parseSearchText('市婚姻')?.tsquery).toBe("'市' & '婚姻'");
    expect(parseSearchText('上饶市的企业')?.tsquery).toBe("'上饶市' & '企业'");
  });

  it('accepts the full word for an abbreviation, and a synonym jieba splits as all its words', () => {
    const dictionary = new Map([
      ['社保', ['社会保险']],
      ['营业执照', ['企业登记']],
      ['企业登记', ['营业执照']],
    ]);
    expect(parseSearchText('社保', dictionary)?.tsquery).toBe("('社保' | '社会保险')");
    expect(parseSearchText('社保')?.tsquery).toBe("'社保'");
    expect(parseSearchText('企业登记', dictionary)?.tsquery).toBe("(('企业' & '登记') | '营业执照')");
  });

  it('matches letters-only text against the names’ pinyin too', () => {
    expect(parseSearchText('QYDJ')?.pinyinPattern).toBe('%qydj%');
    expect(parseSearchText('企业')?.pinyinPattern).toBeNull();
    expect(parseSearchText('a')?.pinyinPattern).toBeNull();
  });

  it('builds the ranking tiers on the same words', () => {
    const m = parseSearchText('企业登记')!;
    expect(m.tsqueryName).toBe("'企业':A & '登记':A");
    expect(m.tsqueryNameItems).toBe("'企业':AB & '登记':AB");
  });

  it('falls back to the name for 3+ characters, escaping LIKE wildcards', () => {
    expect(parseSearchText('上饶')?.namePattern).toBeNull();
    expect(parseSearchText('饶市婚')?.namePattern).toBe('%饶市婚%');
    expect(parseSearchText('100%_')?.namePattern).toBe('%100\\%\\_%');
  });

  it('keeps tsquery syntax out of the query and browses on blank text', () => {
    expect(parseSearchText("企业' & !登记:*")?.tsquery).toBe("'企业' & '登记'");
    expect(parseSearchText('（）、')?.tsquery).toBeNull();
    expect(parseSearchText('   ')).toBeUndefined();
    expect(parseSearchText(undefined)).toBeUndefined();
  });

  it('refuses more than 100 characters', () => {
    expect(parseSearchText('字'.repeat(100))).toBeDefined();
    expect(() => parseSearchText('字'.repeat(101))).toThrow(AppError);
  });
});

describe('highlight', () => {
  it('marks the longest word first and escapes the rest', () => {
    expect(highlight('空气质量<监测>', ['空气质量', '空气', '质量'])).toBe('<mark>空气质量</mark>&lt;监测&gt;');
    expect(highlight('天气预报', ['空气'])).toBeUndefined();
  });
});
