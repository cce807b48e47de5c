import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, platformAdmin, type CatalogDepartment } from './factory';
import { XLSX, runImport } from './excel-helpers';
import { ENTRY_COLUMNS, ITEM_COLUMNS } from '../../src/server/modules/catalog/excel-columns';

let t: TestApp;
let dept: CatalogDepartment;
let own: string;
let other: string;
beforeAll(async () => {
  t = await testApp();
  dept = await catalogDepartment(t);
  const admin = await platformAdmin(t);
  const item = async (departmentId: string) =>
    (
      await t.inject({
        method: 'POST',
        url: `/api/catalog/classes/department-items`,
        headers: admin.headers,
        payload: { departmentId },
      })
    ).json<{ code: string }>().code;
  own = await item(dept.id);
  other = await item((await t.department()).id);
});
afterAll(() => t.close());

async function download(headers: { cookie: string }) {
  const res = await t.inject({ method: 'GET', url: '/api/catalog/excel/template', headers });
  expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
  expect(res.headers['content-type']).toBe(XLSX);
  expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('信息资源目录导入模板'));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return { wb, raw: res.rawPayload };
}

/** The 分类 column of the 代码表 sheet. */
const classLabels = (wb: ExcelJS.Workbook) =>
  (wb.getWorksheet('代码表')!.getColumn(1).values as unknown[]).filter((v) => v != null).map(String);

const validation = (ws: ExcelJS.Worksheet, header: string, columns: Array<{ header: string }>) =>
  ws.getRow(2).getCell(columns.findIndex((c) => c.header === header) + 1).dataValidation;

describe('Excel template (R-04)', () => {
  it('has the two data sheets with Chinese headers, dropdowns of Chinese names, instructions and a code list', async () => {
    const { wb } = await download(dept.specialist.headers);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['信息资源', '信息项', '填写说明', '代码表']);
    const entries = wb.getWorksheet('信息资源')!;
    const items = wb.getWorksheet('信息项')!;
    expect((entries.getRow(1).values as unknown[]).slice(1)).toEqual(ENTRY_COLUMNS.map((c) => c.header));
    expect((items.getRow(1).values as unknown[]).slice(1)).toEqual(ITEM_COLUMNS.map((c) => c.header));
    expect(validation(entries, '共享类型', ENTRY_COLUMNS)).toMatchObject({
      type: 'list',
      formulae: ['"无条件共享,有条件共享,不予共享"'],
    });
    expect(validation(entries, '更新周期', ENTRY_COLUMNS)?.formulae[0]).toContain('每季度');
    expect(validation(entries, '分类代码', ENTRY_COLUMNS)?.formulae[0]).toMatch(/^'代码表'!\$A\$2:\$A\$\d+$/);
    expect(validation(items, '数据类型', ITEM_COLUMNS)?.formulae[0]).toContain('日期时间型');
    const guide = wb.getWorksheet('填写说明')!;
    const guideText = guide.getSheetValues().flat().join(' ');
    expect(guideText).toContain('资源序号');
    expect(guideText).toContain('任何一行有误则整个文件不导入');
    // The department's own 部门 item is offered, another department's is not.
    const classes = classLabels(wb);
    expect(classes).toContain('101 人口');
    expect(classes.some((c) => c.startsWith(`${own} `))).toBe(true);
    expect(classes.some((c) => c.startsWith(`${other} `))).toBe(false);
    // Example rows, marked so the importer skips them.
    expect(String(entries.getRow(2).getCell(2).value)).toMatch(/^【示例】/);
    expect(items.getRow(2).getCell(1).value).toBe(2);
  });

  it('is for data specialists, and its download is audited', async () => {
    expect(
      (await t.inject({ method: 'GET', url: '/api/catalog/excel/template', headers: dept.user.headers })).statusCode,
    ).toBe(403);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['category', 'outcome'])
      .where('action', '=', 'catalog.excel.template')
      .where('user_id', '=', dept.specialist.id)
      .execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((a) => a.category === 'download' && a.outcome === 'success')).toBe(true);
  });

  it('imports nothing from the untouched template: examples are skipped', async () => {
    const { raw } = await download(dept.specialist.headers);
    const last = await runImport(t, dept.specialist.headers, raw);
    expect(last.status).toBe('failed');
    expect(last.errors).toEqual([
      expect.objectContaining({ sheet: '信息资源', messageZh: expect.stringContaining('没有可导入的信息资源') }),
    ]);
  });

  it('imports a template filled in with the dropdown values, the department’s own class included', async () => {
    const { wb } = await download(dept.specialist.headers);
    const entries = wb.getWorksheet('信息资源')!;
    const items = wb.getWorksheet('信息项')!;
    const ownLabel = classLabels(wb).find((c) => c.startsWith(`${own} `))!;
    const entry = (cells: Record<string, string>) => entries.addRow(ENTRY_COLUMNS.map((c) => cells[c.header] ?? null));
    const r1 = entry({
      分类代码: ownLabel,
      信息资源名称: '道路运输许可（模板导入）',
      摘要: '许可证信息',
      资源格式: '电子表格',
      格式类型: 'xlsx',
      共享类型: '有条件共享',
      '共享条件/不予共享依据': '依据《中华人民共和国道路运输条例》',
      共享方式: '文件',
      开放属性: '不予开放',
      更新周期: '每季度',
    });
    const r2 = entry({
      分类代码: '211 生态环保',
      信息资源名称: '水质监测（模板导入）',
      摘要: '断面水质',
      资源格式: '服务接口',
      共享类型: '无条件共享',
      共享方式: '服务接口',
      开放属性: '无条件开放',
      更新周期: '实时',
      开放领域: '环境、统计',
    });
    for (const [row, name, type] of [
      [r1.number, '许可证号', '字符型'],
      [r2.number, '监测时间', '日期时间型'],
      [r2.number, '高锰酸盐指数', '浮点型'],
    ] as const) {
      items.addRow([row, name, null, type, type === '字符型' ? 20 : null]);
    }
    const last = await runImport(t, dept.specialist.headers, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(last.errors).toBeUndefined();
    expect(last.status).toBe('done');
    expect(last.created!.map((c) => c.name)).toEqual(['道路运输许可（模板导入）', '水质监测（模板导入）']);
    expect(last.created![0]!.code).toMatch(new RegExp(`^${own}/\\d{6}$`));
    const detail = (
      await t.inject({
        method: 'GET',
        url: `/api/catalog/entries/${last.created![1]!.entryId}`,
        headers: dept.specialist.headers,
      })
    ).json();
    expect(detail.pending).toMatchObject({
      openType: 'unconditional',
      openDomains: ['environment', 'statistics'],
      updateCycle: 'realtime',
      formatKind: 'service',
      shareMethods: ['api'],
    });
    expect(detail.pending.items.map((i: { dataType: string }) => i.dataType)).toEqual(['T', 'F']);
  });
});
