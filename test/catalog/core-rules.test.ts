import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { entryProblems, normaliseEntry, type RuleKnowledge } from '../../src/shared/catalog/rules';
import { assertEntryValid } from '../../src/server/modules/catalog/assert-entry';
import { AppError } from '../../src/server/platform/errors';
import { catalogDepartment, entryInput, expectStatus, item, publishedEntry } from './factory';

const known = (over: Partial<RuleKnowledge> = {}): RuleKnowledge => ({
  classExists: true,
  classLevel: 'item',
  openDomainCodes: ['economy', 'transport'],
  existingCodes: ['101/000007'],
  ...over,
});

/** The problems of an input as [field, code, Chinese message] triples. */
const problems = (over: Parameters<typeof entryInput>[0], k = known()) =>
  entryProblems(entryInput(over), k).map((p) => [p.field, p.code, p.messageZh]);

describe('compile rules (R-01, Art 6, 8, 11)', () => {
  it('accepts a plain entry and defaults it to unconditional sharing, not open (R-02)', () => {
    const input = entryInput();
    delete input.shareType;
    delete input.openType;
    expect(entryProblems(input, known())).toEqual([]);
    const e = normaliseEntry(input);
    expect(e.shareType).toBe('unconditional');
    expect(e.openType).toBe('none');
    expect(e.items.every((i) => i.shareType === 'unconditional' && i.openType === 'none')).toBe(true);
  });

  it('requires the legal or policy basis for conditional and for no sharing', () => {
    for (const shareType of ['conditional', 'none'] as const) {
      expect(problems({ shareType, shareCondition: '  ' })).toEqual([
        ['shareCondition', 'SHARE_BASIS_REQUIRED', '有条件共享和不予共享须填写法律、行政法规或政策依据'],
      ]);
    }
    expect(problems({ shareType: 'conditional', shareCondition: '依据《中华人民共和国统计法》' })).toEqual([]);
  });

  it('makes every open entry unconditionally shared (Art 8)', () => {
    expect(problems({ openType: 'unconditional', shareType: 'conditional' })).toEqual([
      ['shareType', 'OPEN_REQUIRES_UNCONDITIONAL_SHARE', '开放的信息资源默认为无条件共享，共享类型须为无条件共享'],
    ]);
    expect(problems({ openType: 'conditional', shareType: 'none' })[0]).toEqual([
      'shareType',
      'OPEN_REQUIRES_UNCONDITIONAL_SHARE',
      '开放的信息资源默认为无条件共享，共享类型须为无条件共享',
    ]);
  });

  it('requires opening conditions for conditional opening and a known open domain for open entries', () => {
    expect(problems({ openType: 'conditional', openCondition: null })).toEqual([
      ['openCondition', 'OPEN_CONDITION_REQUIRED', '有条件开放须填写开放条件'],
    ]);
    expect(problems({ openType: 'unconditional', openDomains: [] })).toEqual([
      ['openDomains', 'OPEN_DOMAIN_REQUIRED', '开放的信息资源须选择至少一个开放领域'],
    ]);
    expect(problems({ openType: 'unconditional', openDomains: ['economy', 'astrology'] })).toEqual([
      ['openDomains[1]', 'OPEN_DOMAIN_UNKNOWN', '开放领域“astrology”不存在'],
    ]);
  });

  it('refuses resources involving state secrets (Art 6)', () => {
    expect(problems({ isSecret: true })).toEqual([
      ['isSecret', 'SECRET_REFUSED', '涉及国家秘密的信息资源不得纳入平台'],
    ]);
  });

  it('checks the classification: it exists, and is at least an item (项)', () => {
    expect(problems({ classCode: '199' }, known({ classExists: false, classLevel: null }))).toEqual([
      ['classCode', 'CLASS_UNKNOWN', '信息资源分类“199”不存在或已停用'],
    ]);
    expect(problems({ classCode: '1' }, known({ classLevel: 'class' }))).toEqual([
      ['classCode', 'CLASS_TOO_BROAD', '信息资源须至少分类到“项”一级'],
    ]);
    expect(problems({ classCode: '301' }, known({ classDepartmentId: 'a', providerDepartmentId: 'b' }))).toEqual([
      ['classCode', 'CLASS_OTHER_DEPARTMENT', '部门信息资源须归入本部门的分类项'],
    ]);
  });

  it('checks related codes for form and existence', () => {
    expect(problems({ relatedCodes: ['101/000007', 'abc', '101/000008'] })).toEqual([
      ['relatedCodes[1]', 'RELATED_CODE_MALFORMED', '“abc”不是有效的信息资源代码（前段码/后段码）'],
      ['relatedCodes[2]', 'RELATED_CODE_UNKNOWN', '关联资源代码“101/000008”不存在'],
    ]);
  });

  it('needs at least one item for a table (库表) resource, and a format name for “other”', () => {
    expect(problems({ items: [] })).toEqual([
      ['items', 'ITEMS_REQUIRED', '共享方式为库表的信息资源须至少有一个信息项'],
    ]);
    expect(problems({ items: [], shareMethods: ['file'] })).toEqual([]);
    expect(problems({ formatKind: 'other', formatType: ' ' })).toEqual([
      ['formatType', 'FORMAT_TYPE_REQUIRED', '信息资源格式为“其他”时须注明具体格式'],
    ]);
  });

  it('checks items: unique names and field names, lengths for C/N/Y', () => {
    expect(
      problems({
        items: [
          item({ name: '姓名', fieldName: 'name' }),
          item({ name: '姓名', fieldName: 'name' }),
          item({ name: '金额', dataType: 'Y', length: null }),
          item({ name: '数量', dataType: 'N', length: null }),
          item({ name: '备注', dataType: 'M', length: null }),
        ],
      }),
    ).toEqual([
      ['items[1].name', 'ITEM_NAME_DUPLICATE', '信息项名称“姓名”重复'],
      ['items[1].fieldName', 'ITEM_FIELD_DUPLICATE', '字段名“name”重复'],
      ['items[2].length', 'ITEM_LENGTH_REQUIRED', '字符型、数值型和货币型信息项须填写长度'],
      ['items[3].length', 'ITEM_LENGTH_REQUIRED', '字符型、数值型和货币型信息项须填写长度'],
    ]);
  });

  it('lets an item be stricter than its entry, never more open', () => {
    expect(problems({ items: [item({ shareType: 'none' })] })).toEqual([]);
    expect(problems({ shareType: 'conditional', items: [item({ shareType: 'unconditional' })] })).toEqual([
      ['items[0].shareType', 'ITEM_SHARE_LOOSER', '信息项的共享类型不能比信息资源更宽松'],
    ]);
    expect(problems({ items: [item({ openType: 'unconditional' })] })).toEqual([
      ['items[0].openType', 'ITEM_OPEN_LOOSER', '信息项的开放属性不能比信息资源更宽松'],
    ]);
    // In an open entry an item held back from sharing must also be held back from the public.
    expect(problems({ openType: 'unconditional', items: [item({ shareType: 'conditional' })] })).toEqual([
      ['items[0].openType', 'ITEM_OPEN_REQUIRES_UNCONDITIONAL_SHARE', '开放的信息项须为无条件共享，否则请设为不予开放'],
    ]);
    expect(
      problems({ openType: 'unconditional', items: [item({ shareType: 'conditional', openType: 'none' })] }),
    ).toEqual([]);
  });

  it('requires a masking rule for personal or sensitive items an open entry publishes', () => {
    expect(
      problems({ openType: 'unconditional', items: [item({ name: '身份证号', sensitivity: 'personal' })] }),
    ).toEqual([['items[0].maskRule', 'ITEM_MASK_REQUIRED', '开放的信息资源中的个人信息或敏感信息项须填写脱敏规则']]);
    expect(
      problems({ openType: 'unconditional', items: [item({ sensitivity: 'sensitive', maskRule: '保留前3后4位' })] }),
    ).toEqual([]);
    expect(
      problems({ openType: 'unconditional', items: [item({ sensitivity: 'personal', openType: 'none' })] }),
    ).toEqual([]);
    expect(problems({ items: [item({ sensitivity: 'personal' })] })).toEqual([]);
  });

  it('assertEntryValid throws CATALOG_ENTRY_INVALID with every problem', () => {
    try {
      assertEntryValid(entryInput({ isSecret: true, shareType: 'none', shareCondition: null }), known());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const err = e as AppError;
      expect(err.code).toBe('CATALOG_ENTRY_INVALID');
      expect(err.messageZh).toContain('2处问题');
      expect((err.details as { problems: Array<{ field: string }> }).problems.map((p) => p.field)).toEqual([
        'isSecret',
        'shareCondition',
      ]);
    }
  });
});

describe('compile rules through the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('answers 400 with field-level problems in Chinese and English and creates nothing', async () => {
    const dept = await catalogDepartment(t);
    const res = await t.inject({
      method: 'POST',
      url: '/api/catalog/entries',
      headers: dept.specialist.headers,
      payload: entryInput({
        shareType: 'conditional',
        shareCondition: null,
        openType: 'unconditional',
        classCode: '1',
      }),
    });
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('CATALOG_ENTRY_INVALID');
    expect(err.details.problems).toEqual(
      expect.arrayContaining([
        {
          field: 'classCode',
          code: 'CLASS_TOO_BROAD',
          message: expect.stringContaining('item'),
          messageZh: '信息资源须至少分类到“项”一级',
        },
        {
          field: 'shareCondition',
          code: 'SHARE_BASIS_REQUIRED',
          message: expect.stringContaining('basis'),
          messageZh: '有条件共享和不予共享须填写法律、行政法规或政策依据',
        },
        {
          field: 'shareType',
          code: 'OPEN_REQUIRES_UNCONDITIONAL_SHARE',
          message: expect.any(String),
          messageZh: expect.stringContaining('开放的信息资源默认为无条件共享'),
        },
      ]),
    );
    const mine = expectStatus(
      await t.inject({ method: 'GET', url: '/api/catalog/mine', headers: dept.specialist.headers }),
      200,
    ).json();
    expect(mine.total).toBe(0);
  });

  it('looks up classes, open domains and related codes in the database', async () => {
    const dept = await catalogDepartment(t);
    const { entry: other } = await publishedEntry(t);
    const ok = await t.inject({
      method: 'POST',
      url: '/api/catalog/entries',
      headers: dept.specialist.headers,
      payload: entryInput({ relatedCodes: [other.code], openType: 'unconditional', openDomains: ['meteorology'] }),
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().pending.relatedCodes).toEqual([other.code]);

    const bad = await t.inject({
      method: 'POST',
      url: '/api/catalog/entries',
      headers: dept.specialist.headers,
      payload: entryInput({
        classCode: '109',
        relatedCodes: ['101/999999'],
        openType: 'unconditional',
        openDomains: ['nowhere'],
      }),
    });
    expect(bad.json().error.details.problems.map((p: { field: string }) => p.field)).toEqual([
      'classCode',
      'openDomains[0]',
      'relatedCodes[0]',
    ]);
  });

  it('rejects unknown fields such as a provider department in the body', async () => {
    const dept = await catalogDepartment(t);
    const res = await t.inject({
      method: 'POST',
      url: '/api/catalog/entries',
      headers: dept.specialist.headers,
      payload: { ...entryInput(), providerDepartmentId: dept.id },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});
