import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, draftEntry, item, publishedEntry, type CatalogDepartment } from './factory';
import { XLSX, runImport } from './excel-helpers';

let t: TestApp;
let a: CatalogDepartment;
let b: CatalogDepartment;
let reader: CatalogDepartment;
beforeAll(async () => {
  t = await testApp();
  [a, b, reader] = await Promise.all([catalogDepartment(t), catalogDepartment(t), catalogDepartment(t)]);
  await publishedEntry(t, {
    provider: a,
    classCode: '102',
    name: '企业登记信息（导出测试）',
    openType: 'unconditional',
    openDomains: ['enterprise_supervision', 'credit'],
    shareMethods: ['table', 'api'],
    providerOffice: '登记注册科',
    items: [
      item({ name: '统一社会信用代码', fieldName: 'uscc', length: 18 }),
      item({ name: '企业名称', fieldName: 'ent_name', length: 200 }),
      item({ name: '成立日期', fieldName: 'established_on', dataType: 'D', length: null }),
    ],
  });
  await publishedEntry(t, {
    provider: b,
    classCode: '101',
    name: '户籍人口基本信息（导出测试）',
    shareType: 'conditional',
    shareCondition: '依据《中华人民共和国户口登记条例》',
  });
  // Not published: never exported.
  await draftEntry(t, { provider: a, name: '尚未发布的草稿（导出测试）' });
});
afterAll(() => t.close());

async function exportXlsx(query: string, headers = reader.user.headers) {
  const res = await t.inject({ method: 'GET', url: `/api/catalog/excel/export${query}`, headers });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toBe(XLSX);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return { wb, raw: res.rawPayload };
}

/** Data rows of a sheet as objects keyed by the header. */
function rows(wb: ExcelJS.Workbook, sheet: string): Array<Record<string, unknown>> {
  const ws = wb.getWorksheet(sheet)!;
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const out: Array<Record<string, unknown>> = [];
  ws.eachRow((row, n) => {
    if (n > 1) out.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
  });
  return out;
}

describe('Excel export of a search (R-04)', () => {
  it('exports every published match, across pages, with code, provider and date beside the template columns', async () => {
    const { wb } = await exportXlsx('?pageSize=1&page=1&sort=name');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['信息资源', '信息项']);
    const entries = rows(wb, '信息资源');
    expect(entries.map((e) => e['信息资源名称']).sort()).toEqual(
      ['企业登记信息（导出测试）', '户籍人口基本信息（导出测试）'].sort(),
    );
    const company = entries.find((e) => e['信息资源名称'] === '企业登记信息（导出测试）')!;
    expect(company).toMatchObject({
      分类代码: '102 法人单位',
      提供方: a.name,
      提供方内设机构: '登记注册科',
      资源格式: '数据库',
      共享类型: '无条件共享',
      共享方式: '库表、服务接口',
      开放属性: '无条件开放',
      开放领域: '企业登记监管、信用',
      更新周期: '每日',
    });
    expect(company['信息资源代码']).toMatch(/^102\/\d{6}$/);
    expect(company['发布日期']).toBe('2026-11-24');
    const person = entries.find((e) => e['信息资源名称'] === '户籍人口基本信息（导出测试）')!;
    expect(person).toMatchObject({
      共享类型: '有条件共享',
      '共享条件/不予共享依据': '依据《中华人民共和国户口登记条例》',
      开放属性: '不予开放',
    });

    // Items point at their entry's row, in their stored order.
    const items = rows(wb, '信息项');
    const companyRow = entries.indexOf(company) + 2;
    expect(
      items.filter((i) => i['资源序号'] === companyRow).map((i) => [i['信息项名称'], i['数据类型'], i['信息资源代码']]),
    ).toEqual([
      ['统一社会信用代码', '字符型', company['信息资源代码']],
      ['企业名称', '字符型', company['信息资源代码']],
      ['成立日期', '日期型', company['信息资源代码']],
    ]);
    expect(items).toHaveLength(5);
  });

  it('applies the search’s text and filters, and records the number exported in the audit log', async () => {
    const { wb } = await exportXlsx(`?q=${encodeURIComponent('企业登记')}`);
    expect(rows(wb, '信息资源').map((e) => e['信息资源名称'])).toEqual(['企业登记信息（导出测试）']);
    const byShare = await exportXlsx('?shareType=conditional');
    expect(rows(byShare.wb, '信息资源').map((e) => e['信息资源名称'])).toEqual(['户籍人口基本信息（导出测试）']);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['category', 'row_count', 'detail'])
      .where('action', '=', 'catalog.excel.export')
      .where('user_id', '=', reader.user.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((r) => [r.category, r.row_count])).toEqual([
      ['download', 2],
      ['download', 1],
      ['download', 1],
    ]);
    expect(audit[1]!.detail).toMatchObject({ q: '企业登记' });
  });

  it('produces a workbook another department can import again as its own drafts', async () => {
    const { raw } = await exportXlsx('');
    const last = await runImport(t, reader.specialist.headers, raw);
    expect(last.errors).toBeUndefined();
    expect(last.status).toBe('done');
    expect(last.created!.map((c) => c.name).sort()).toEqual(
      ['企业登记信息（导出测试）', '户籍人口基本信息（导出测试）'].sort(),
    );
    const copy = (
      await t.inject({
        method: 'GET',
        url: `/api/catalog/entries/${last.created!.find((c) => c.name.startsWith('企业'))!.entryId}`,
        headers: reader.specialist.headers,
      })
    ).json();
    expect(copy.providerDepartmentId).toBe(reader.id);
    expect(copy.pending).toMatchObject({
      status: 'draft',
      openDomains: ['enterprise_supervision', 'credit'],
      shareMethods: ['table', 'api'],
    });
    expect(copy.pending.items.map((i: { name: string }) => i.name)).toEqual([
      '统一社会信用代码',
      '企业名称',
      '成立日期',
    ]);
  });
});
