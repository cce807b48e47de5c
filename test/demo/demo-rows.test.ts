import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import { DemoTableRows, type DemoItem } from '../../src/server/demo/demo-rows';
import { permutation } from '../../src/server/demo/demo-random';
import { COUNTIES, SURNAMES } from '../../src/server/demo/demo-vocab';
import { DemoWorld } from '../../src/server/demo/demo-world';
import { idNumberCheckChar, isValidIdNumber } from '../../src/shared/org/id-number';
import { PEOPLE_ENTRY, demoRowCount, demoTableEntries } from '../../src/server/demo/seed-exchange';
import { formatCheckFor } from '../../src/server/modules/exchange-ingest/quality-checks';
import { isValidCreditCode } from '../../src/shared/org/credit-code';

/** Synthetic demo rows (issue #5 point 10): deterministic, check-digit valid, unique, plausible. */

const TODAY = '2026-11-24';
const world = (seed = 7) => new DemoWorld({ seed, today: TODAY, people: 50_000, enterprises: 10_000 });
const itemsOf = (name: string): DemoItem[] => demoTableEntries().find((e) => e.input.name === name)!.input.items;
/** Every table entry's rows, at most `max` each, as { column name → value } records. */
function tables(w: DemoWorld, max: number) {
  return demoTableEntries().map((e) => {
    const items = e.input.items;
    const rows = new DemoTableRows(w, e.input.name, items).batch(0, Math.min(max, demoRowCount(e.input.name, 1)));
    return {
      name: e.input.name,
      items,
      rows,
      records: rows.map((r) => Object.fromEntries(items.map((it, i) => [it.name, r[i + 1]]))),
    };
  });
}

const CJK_NAME = /^[\u4e00-\u9fa5]{2,3}$/;

describe('demo row generators', () => {
  it('give the same rows for the same seed and different ones for another', () => {
    const items = itemsOf(PEOPLE_ENTRY);
    const a = new DemoTableRows(world(), PEOPLE_ENTRY, items).batch(0, 300);
    const b = new DemoTableRows(world(), PEOPLE_ENTRY, items).batch(0, 300);
    const c = new DemoTableRows(world(8), PEOPLE_ENTRY, items).batch(0, 300);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // A row does not depend on which rows were made before it (batches can start anywhere).
    expect(new DemoTableRows(world(), PEOPLE_ENTRY, items).batch(250, 300)).toEqual(a.slice(250));
  });

  it('numbers 0..n-1 one-to-one with the permutation', () => {
    for (const size of [1, 2, 3, 10, 997, 4096, 15_600]) {
      const p = permutation(size, size * 31);
      const seen = new Set(Array.from({ length: size }, (_, i) => p(i)));
      expect(seen.size, String(size)).toBe(size);
      expect(Math.max(...seen)).toBe(size - 1);
    }
  });

  it('makes 50 000 distinct people with valid ID numbers from Shangrao, matching gender and birth date', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X'); // the example number of GB 11643 itself
    const w = world();
    const ids = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const p = w.person(i);
      if (!isValidIdNumber(p.idNumber) || !p.idNumber.startsWith('3611') || ids.has(p.idNumber))
        throw new Error(`bad ID number ${p.idNumber}`);
      ids.add(p.idNumber);
      if (
        p.idNumber.slice(6, 14) !== p.birthDate.replace(/-/g, '') ||
        Number(p.idNumber[16]) % 2 !== (p.gender === '1' ? 1 : 0)
      )
        throw new Error(`ID number ${p.idNumber} does not match ${p.birthDate} ${p.gender}`);
      if (!CJK_NAME.test(p.name) || !SURNAMES.includes(p.name[0] as (typeof SURNAMES)[number]))
        throw new Error(`bad name ${p.name}`);
      if (!/^13[89]0793\d{4}$/.test(p.mobile) || !p.address.startsWith(`江西省上饶市${p.county.name}`))
        throw new Error(`bad contact ${p.mobile} ${p.address}`);
    }
    expect(ids.size).toBe(50_000);
  });

  it('makes 10 000 distinct enterprises with valid credit codes in Shangrao', () => {
    const w = world();
    const codes = new Set<string>();
    const names = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const o = w.enterprise(i);
      if (!isValidCreditCode(o.creditCode) || !o.creditCode.startsWith('913611') || o.creditCode.slice(8, 10) !== 'MD')
        throw new Error(`bad credit code ${o.creditCode}`);
      codes.add(o.creditCode);
      names.add(o.name);
      if (o.established >= TODAY || !/有限公司|企业|合作社/.test(o.name + o.kind))
        throw new Error(`bad enterprise ${JSON.stringify(o)}`);
    }
    expect(codes.size).toBe(10_000);
    expect(names.size).toBe(10_000);
    for (let i = 0; i < 500; i++) expect(isValidCreditCode(w.individual(i).creditCode)).toBe(true);
  });

  it('fills every item of every demo table entry: unique keys, values that pass the quality checks and fit their columns', () => {
    for (const t of tables(world(), 2_000)) {
      expect(new Set(t.rows.map((r) => r[0])).size, t.name).toBe(t.rows.length);
      for (const [i, item] of t.items.entries()) {
        const check = formatCheckFor(item);
        for (const r of t.rows) {
          const v = r[i + 1];
          const where = `${t.name}/${item.name}: ${String(v)}`;
          if (v === null || v === undefined || v === '') throw new Error(`empty ${where}`);
          if (check && !check.valid(String(v))) throw new Error(`fails ${check.rule}: ${where}`);
          if (item.dataType === 'C' && (typeof v !== 'string' || (item.length && v.length > item.length)))
            throw new Error(`too long ${where}`);
          if (item.dataType === 'D' && !/^\d{4}-\d{2}-\d{2}$/.test(String(v))) throw new Error(`not a date ${where}`);
          if ('IYBFN'.includes(item.dataType) && typeof v !== 'number') throw new Error(`not a number ${where}`);
          if (item.dataType === 'L' && typeof v !== 'boolean') throw new Error(`not a flag ${where}`);
        }
      }
    }
  });

  it('gives values their items call for, consistent within a row and across resources', () => {
    const all = tables(world(), 1_000);
    const rec = (name: string) => all.find((t) => t.name === name)!.records;
    const COUNTY_NAMES = COUNTIES.map((c) => c.name);
    for (const r of rec('企业登记信息')) {
      expect(r['企业名称']).toMatch(
        /^(上饶市|信州区|广丰区|广信区|玉山县|铅山县|横峰县|弋阳县|余干县|鄱阳县|万年县|婺源县|德兴市).+(公司|企业|合作社)$/,
      );
      expect(r['法定代表人']).toMatch(CJK_NAME);
      expect(r['住所']).toMatch(/^江西省上饶市/);
      expect(r['登记机关']).toMatch(/市场监督管理局$/);
      expect(['存续', '在业', '吊销', '注销', '迁出']).toContain(r['登记状态']);
      expect(String(r['核准日期']) >= String(r['成立日期'])).toBe(true);
      expect(String(r['成立日期']) < TODAY).toBe(true);
    }
    for (const r of rec(PEOPLE_ENTRY)) {
      expect(r['姓名']).toMatch(CJK_NAME);
      expect(String(r['首次参保年月']) <= String(r['最近缴费年月'])).toBe(true);
      expect(String(r['最近缴费年月']) <= '202610').toBe(true);
      expect(r['累计缴费月数']).toBeGreaterThan(0);
      expect(['参保', '暂停', '终止']).toContain(r['参保状态']);
    }
    const penalties = rec('行政处罚信息');
    for (const r of penalties) {
      expect(String(r['公示截止期']) > String(r['处罚决定日期'])).toBe(true);
      // A warning has no fine; a fine has an amount; each violation cites the one law that punishes it.
      expect((r['罚款金额（万元）'] as number) > 0).toBe(String(r['处罚类别']).includes('罚款'));
    }
    const basisOf = new Map<unknown, Set<unknown>>();
    for (const r of penalties)
      basisOf.set(r['违法行为类型'], (basisOf.get(r['违法行为类型']) ?? new Set()).add(r['处罚依据']));
    expect([...basisOf.values()].every((b) => b.size === 1)).toBe(true);
    expect(basisOf.size).toBeGreaterThan(3);
    expect(new Set(penalties.map((r) => r['处罚类别']))).toContain('警告');
    for (const r of rec('政务服务事项目录'))
      expect(r['承诺办结时限（工作日）']).toBeLessThanOrEqual(r['法定办结时限（工作日）'] as number);
    for (const r of rec('标准地名地址信息')) {
      expect(COUNTIES.map((c) => c.code)).toContain(r['行政区划代码']);
      expect(r['标准地址']).toContain(`${r['街路巷名称']}${r['门牌号']}`);
      expect(r['经度']).toBeGreaterThan(116);
      expect(r['纬度']).toBeLessThan(30);
    }
    for (const r of rec('广丰区就业登记信息'))
      expect(
        COUNTY_NAMES.some((c) => String(r['用人单位']).startsWith(c) || String(r['用人单位']).startsWith('上饶市')),
      ).toBe(true);

    // The same person under the same ID number everywhere: 社保 and 就业 rows join up.
    const people = new Map(rec(PEOPLE_ENTRY).map((r) => [r['公民身份号码'], r['姓名']]));
    const w = world();
    for (const r of rec('广丰区就业登记信息')) {
      const name = people.get(r['公民身份号码']);
      if (name !== undefined) expect(name).toBe(r['姓名']);
    }
    // 行政处罚 parties are registered enterprises: name and code belong together.
    const register = new Map(
      Array.from({ length: 10_000 }, (_, i) => w.enterprise(i)).map((o) => [o.creditCode, o.name]),
    );
    for (const r of rec('行政处罚信息')) expect(register.get(r['统一社会信用代码'] as string)).toBe(r['当事人名称']);
  });

  it('fills items no rule knows by their type, identifiers unique', () => {
    const items: DemoItem[] = [
      { name: '测试编号', dataType: 'C', length: 20 },
      { name: '备注说明', dataType: 'M' },
      { name: '数量', dataType: 'N' },
      { name: '单价', dataType: 'Y' },
      { name: '某日期', dataType: 'D' },
      { name: '某时间', dataType: 'T' },
      { name: '是否有效', dataType: 'L' },
      { name: '附件', dataType: 'G' },
      { name: '比率', dataType: 'B' },
      { name: '次数', dataType: 'I' },
      { name: '系数', dataType: 'F' },
      { name: '随便一列', dataType: 'C', length: 4 },
    ];
    const rows = new DemoTableRows(world(), '某个新目录', items).batch(0, 500);
    expect(new Set(rows.map((r) => r[1])).size).toBe(500);
    expect(rows.map((r) => r[0])).toEqual(rows.map((r) => r[1]));
    for (const r of rows) {
      expect(r.slice(1).every((v) => v !== null && v !== undefined)).toBe(true);
      expect(r[5]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r[6]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(Buffer.isBuffer(r[8])).toBe(true);
      expect(String(r[12]).length).toBeLessThanOrEqual(4);
    }
  });
});

describe('GOVSHARE_DEMO_ROWS', () => {
  it('is a scale: on by default, off by word or 0, or a number', () => {
    expect(loadConfig({}).demoRows).toBe(1);
    expect(loadConfig({ GOVSHARE_DEMO_ROWS: 'off' }).demoRows).toBe(0);
    expect(loadConfig({ GOVSHARE_DEMO_ROWS: '0' }).demoRows).toBe(0);
    expect(loadConfig({ GOVSHARE_DEMO_ROWS: 'true' }).demoRows).toBe(1);
    expect(loadConfig({ GOVSHARE_DEMO_ROWS: '0.1' }).demoRows).toBe(0.1);
    expect(() => loadConfig({ GOVSHARE_DEMO_ROWS: 'many' })).toThrow(/GOVSHARE_DEMO_ROWS/);
    expect(demoRowCount(PEOPLE_ENTRY, 0.1)).toBe(5_000);
    expect(demoRowCount(PEOPLE_ENTRY, 0.000_001)).toBe(1);
  });
});
