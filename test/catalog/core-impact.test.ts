import { describe, expect, it } from 'vitest';
import { assessImpact } from '../../src/server/modules/catalog/impact';
import { diffVersions, type ItemContent, type VersionContent } from '../../src/server/modules/catalog/diff';
import { oneMonthAfter } from '../../src/server/platform/calendar/dates';

const it_ = (name: string, over: Partial<ItemContent> = {}): ItemContent => ({
  name,
  fieldName: null,
  dataType: 'C',
  length: 50,
  description: null,
  sensitivity: 'none',
  maskRule: null,
  shareType: 'unconditional',
  openType: 'unconditional',
  ...over,
});

const base: VersionContent = {
  name: '企业登记信息',
  summary: '企业登记基本信息',
  providerOffice: null,
  formatKind: 'database',
  formatType: 'mysql',
  shareType: 'unconditional',
  shareCondition: null,
  shareMethods: ['table', 'api'],
  openType: 'unconditional',
  openCondition: null,
  updateCycle: 'daily',
  openDomains: ['economy'],
  relatedCodes: [],
  items: [
    it_('企业名称', { fieldName: 'name', length: 200 }),
    it_('统一社会信用代码', { fieldName: 'credit_code', length: 18 }),
    it_('注册资本', { dataType: 'N', length: 18 }),
  ],
};
const next = (over: Partial<VersionContent>): VersionContent => ({ ...base, ...over });
const kinds = (v: VersionContent) => assessImpact(base, v, 'update').changes.map((c) => [c.kind, c.item ?? null]);

describe('impact of a change (R-07)', () => {
  it('finds nothing impacting in additions, wording, longer fields and looser access', () => {
    const v = next({
      summary: '更详细的摘要',
      shareMethods: ['table', 'api', 'file'],
      openDomains: ['economy', 'credit'],
      items: [
        ...base.items.map((i) => (i.name === '企业名称' ? { ...i, length: 300, description: '全称' } : i)),
        it_('成立日期', { dataType: 'D', length: null }),
      ],
    });
    expect(assessImpact(base, v, 'update')).toEqual({ impacting: false, changes: [] });
  });

  it('flags removed, renamed and retyped items, and a shorter length', () => {
    const v = next({
      items: [
        it_('企业全称', { fieldName: 'name', length: 200 }),
        it_('统一社会信用代码', { fieldName: 'credit_code', length: 9 }),
      ],
    });
    expect(kinds(v)).toEqual([
      ['item_removed', '注册资本'],
      ['item_renamed', '企业名称'],
      ['item_retyped', '统一社会信用代码'],
    ]);
    const retyped = assessImpact(
      base,
      next({ items: base.items.map((i) => (i.name === '注册资本' ? { ...i, dataType: 'Y' } : i)) }),
      'update',
    );
    expect(retyped.changes[0]).toMatchObject({
      kind: 'item_retyped',
      from: { dataType: 'N' },
      to: { dataType: 'Y' },
      messageZh: '信息项“注册资本”数据类型或长度由N(18)改为Y(18)',
    });
  });

  it('flags tighter sharing or opening, of the entry or of an item, and a share method dropped', () => {
    expect(
      assessImpact(
        base,
        next({ shareType: 'conditional', shareCondition: '依据', openType: 'none' }),
        'update',
      ).changes.map((c) => c.messageZh),
    ).toEqual(['共享类型由无条件共享收紧为有条件共享', '开放属性由无条件开放收紧为不予开放']);
    expect(
      kinds(next({ items: base.items.map((i, n) => (n === 0 ? { ...i, shareType: 'none', openType: 'none' } : i)) })),
    ).toEqual([
      ['item_share_tightened', '企业名称'],
      ['item_open_tightened', '企业名称'],
    ]);
    expect(assessImpact(base, next({ shareMethods: ['table'] }), 'update').changes).toMatchObject([
      { kind: 'share_method_removed', from: 'api', messageZh: '不再提供“服务接口”共享方式' },
    ]);
  });

  it('always treats a deletion as impacting', () => {
    expect(assessImpact(base, base, 'delete')).toEqual({
      impacting: true,
      changes: [expect.objectContaining({ kind: 'deletion', messageZh: '该信息资源将从目录中删除' })],
    });
  });
});

describe('version diff', () => {
  it('reports changed fields and added, removed and changed items with the attributes that changed', () => {
    const v = next({
      name: '企业登记基本信息',
      shareMethods: ['table'],
      items: [
        it_('企业全称', { fieldName: 'name', length: 200 }),
        it_('统一社会信用代码', {
          fieldName: 'credit_code',
          length: 18,
          sensitivity: 'personal',
          maskRule: '中间遮盖',
        }),
        it_('成立日期', { dataType: 'D', length: null }),
      ],
    });
    const d = diffVersions({ ...base, id: 'a', versionNo: 1 }, { ...v, id: 'b', versionNo: 2 });
    expect(d.from).toEqual({ id: 'a', versionNo: 1 });
    expect(d.fields).toEqual([
      { field: 'name', before: '企业登记信息', after: '企业登记基本信息' },
      { field: 'shareMethods', before: ['table', 'api'], after: ['table'] },
    ]);
    expect(d.items.added).toEqual([{ name: '成立日期', fieldName: null }]);
    expect(d.items.removed).toEqual([{ name: '注册资本', fieldName: null }]);
    expect(d.items.changed).toEqual([
      {
        name: '企业全称',
        previousName: '企业名称',
        changes: [{ field: 'name', before: '企业名称', after: '企业全称' }],
      },
      {
        name: '统一社会信用代码',
        previousName: null,
        changes: [
          { field: 'sensitivity', before: 'none', after: 'personal' },
          { field: 'maskRule', before: null, after: '中间遮盖' },
        ],
      },
    ]);
  });
});

describe('one calendar month of notice', () => {
  it('adds a month on the Shanghai calendar and never lands early', () => {
    expect(oneMonthAfter(new Date('2026-11-24T02:00:00Z')).toISOString()).toBe('2026-12-24T02:00:00.000Z');
    // 00:30 on 1 Feb in Shanghai is still 31 Jan in UTC: the month is counted from the Shanghai date.
    expect(oneMonthAfter(new Date('2026-01-31T16:30:00Z')).toISOString()).toBe('2026-02-28T16:30:00.000Z');
    // 31 Jan + 1 month has no 31 Feb: it rolls into March rather than cutting the notice short.
    expect(oneMonthAfter(new Date('2026-01-31T02:00:00Z')).toISOString()).toBe('2026-03-03T02:00:00.000Z');
  });
});
