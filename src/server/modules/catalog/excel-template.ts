import type ExcelJS from 'exceljs';
import { loadExcel } from '../../platform/excel';
import {
  CODES_SHEET,
  ENTRY_COLUMNS,
  ENTRY_SHEET,
  EXAMPLE_MARK,
  GUIDE_SHEET,
  ITEM_COLUMNS,
  ITEM_SHEET,
  classLabel,
  type ColumnSpec,
} from './excel-columns';
import { DATA_TYPES } from '../../../shared/catalog/enums';

export interface TemplateLists {
  /** Classes the department may file entries under. */
  classes: Array<{ code: string; name: string }>;
  openDomains: Array<{ code: string; nameZh: string }>;
}

/** Rows that carry dropdowns; far more than one import may hold (the importer caps entries). */
const VALIDATED_ROWS = 5000;
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const EXAMPLE_FONT: Partial<ExcelJS.Font> = { italic: true, color: { argb: 'FF808080' } };

type Validations = { add(range: string, v: ExcelJS.DataValidation): void };
// exceljs implements worksheet.dataValidations but leaves it out of its type declarations.
const validationsOf = (ws: ExcelJS.Worksheet) => (ws as unknown as { dataValidations: Validations }).dataValidations;

function colLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

function addHeader(ws: ExcelJS.Worksheet, columns: ColumnSpec<string>[]) {
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.fill = HEADER_FILL;
    if (c.required) cell.font = { bold: true, color: { argb: 'FFC00000' } };
    cell.note = `${c.required ? '必填。' : ''}${c.help}`;
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

/** Dropdowns of Chinese names; multi-value columns offer the single values but accept any text. */
function addDropdowns(
  ws: ExcelJS.Worksheet,
  columns: ColumnSpec<string>[],
  classRange: string | null,
  domainRange: string | null,
) {
  const dv = validationsOf(ws);
  columns.forEach((c, i) => {
    const range = `${colLetter(i + 1)}2:${colLetter(i + 1)}${VALIDATED_ROWS + 1}`;
    let formula: string | null = null;
    if (c.enumOf)
      formula = `"${Object.values(c.enumOf.names)
        .map((n) => n.zh)
        .join(',')}"`;
    else if (c.key === 'classCode' && classRange) formula = classRange;
    else if (c.key === 'openDomains' && domainRange) formula = domainRange;
    if (!formula) return;
    const strict = !(c.enumOf?.multiple || c.key === 'openDomains');
    dv.add(range, {
      type: 'list',
      allowBlank: true,
      formulae: [formula],
      showErrorMessage: strict,
      errorStyle: 'stop',
      errorTitle: '取值无效',
      error: '请从下拉列表中选择',
    });
  });
}

function addCodesSheet(wb: ExcelJS.Workbook, lists: TemplateLists) {
  const ws = wb.addWorksheet(CODES_SHEET);
  ws.columns = [
    { header: '分类', key: 'cls', width: 30 },
    { header: '开放领域', key: 'domain', width: 18 },
    { header: '开放领域代码', key: 'domainCode', width: 22 },
  ];
  ws.getRow(1).font = { bold: true };
  const n = Math.max(lists.classes.length, lists.openDomains.length);
  for (let i = 0; i < n; i++) {
    const c = lists.classes[i];
    const d = lists.openDomains[i];
    ws.addRow({ cls: c ? classLabel(c.code, c.name) : null, domain: d?.nameZh ?? null, domainCode: d?.code ?? null });
  }
  return {
    classRange: lists.classes.length ? `'${CODES_SHEET}'!$A$2:$A$${lists.classes.length + 1}` : null,
    domainRange: lists.openDomains.length ? `'${CODES_SHEET}'!$B$2:$B$${lists.openDomains.length + 1}` : null,
  };
}

function addGuide(wb: ExcelJS.Workbook) {
  const ws = wb.addWorksheet(GUIDE_SHEET);
  ws.columns = [
    { header: '工作表', key: 'sheet', width: 10 },
    { header: '列名', key: 'header', width: 24 },
    { header: '必填', key: 'required', width: 6 },
    { header: '填写要求', key: 'help', width: 90 },
  ];
  ws.getRow(1).font = { bold: true };
  const general = [
    '1. 每个信息资源在“信息资源”工作表占一行，其信息项在“信息项”工作表中各占一行，用“资源序号”填写信息资源所在的行号。',
    `2. 名称以“${EXAMPLE_MARK}”开头的行是示例，导入时自动跳过；可直接删除。`,
    '3. 下拉列表中的中文名称和对应代码（如“无条件共享”或 unconditional、“字符型”或 C）均可识别。',
    '4. 有条件共享、不予共享须填写依据；无条件开放、有条件开放的信息资源须为无条件共享；涉密信息资源不得导入。',
    '5. 导入时逐行校验，任何一行有误则整个文件不导入，并列出全部错误所在的工作表、行号和列名。',
    '6. 导入成功的信息资源为本部门的草稿，需提交部门审核和平台审核后发布。',
  ];
  for (const line of general) ws.addRow({ sheet: null, header: null, required: null, help: line });
  ws.addRow({});
  for (const [sheet, cols] of [
    [ENTRY_SHEET, ENTRY_COLUMNS],
    [ITEM_SHEET, ITEM_COLUMNS],
  ] as const) {
    for (const c of cols as ColumnSpec<string>[]) {
      const values = c.enumOf
        ? `可选值：${Object.values(c.enumOf.names)
            .map((n) => n.zh)
            .join('、')}`
        : '';
      ws.addRow({
        sheet,
        header: c.header,
        required: c.required ? '是' : '',
        help: [c.help, values].filter(Boolean).join('；'),
      });
    }
  }
  ws.getColumn('help').alignment = { wrapText: true, vertical: 'top' };
}

function addExamples(entries: ExcelJS.Worksheet, items: ExcelJS.Worksheet, lists: TemplateLists) {
  const cls = lists.classes.find((c) => c.code === '102') ?? lists.classes[0];
  const row = entries.addRow({
    classCode: cls ? classLabel(cls.code, cls.name) : '',
    name: `${EXAMPLE_MARK}企业登记基本信息`,
    summary: '本市登记注册的各类企业的名称、统一社会信用代码、法定代表人、住所、登记状态等基本信息。',
    providerOffice: '登记注册科',
    formatKind: '数据库',
    formatType: 'mysql',
    shareType: '无条件共享',
    shareCondition: '',
    shareMethods: '库表、服务接口',
    openType: '无条件开放',
    openCondition: '',
    updateCycle: '每日',
    openDomains: '企业登记监管、信用',
    relatedCodes: '',
  });
  row.font = EXAMPLE_FONT;
  const examples: Array<[string, string, keyof typeof DATA_TYPES, number | null, string, string, string]> = [
    ['统一社会信用代码', 'uscc', 'C', 18, '18位统一社会信用代码', '一般', ''],
    ['企业名称', 'ent_name', 'C', 200, '', '一般', ''],
    ['法定代表人证件号码', 'legal_rep_id_no', 'C', 18, '居民身份证号码', '个人信息', '保留前6位和后4位'],
    ['成立日期', 'established_on', 'D', null, '', '一般', ''],
  ];
  for (const [name, fieldName, type, length, description, sensitivity, maskRule] of examples) {
    const personal = sensitivity !== '一般';
    items.addRow({
      entryRow: row.number,
      name,
      fieldName,
      dataType: DATA_TYPES[type].zh,
      length,
      description,
      sensitivity,
      maskRule,
      shareType: personal ? '有条件共享' : '',
      openType: personal ? '不予开放' : '',
    }).font = EXAMPLE_FONT;
  }
}

/** The blank import template: small, so it is built in memory. */
export async function buildTemplate(lists: TemplateLists): Promise<Buffer> {
  const { Workbook } = await loadExcel();
  const wb = new Workbook();
  wb.creator = 'govshare';
  const entries = wb.addWorksheet(ENTRY_SHEET);
  const items = wb.addWorksheet(ITEM_SHEET);
  addGuide(wb);
  const { classRange, domainRange } = addCodesSheet(wb, lists);
  addHeader(entries, ENTRY_COLUMNS);
  addHeader(items, ITEM_COLUMNS);
  addDropdowns(entries, ENTRY_COLUMNS, classRange, domainRange);
  addDropdowns(items, ITEM_COLUMNS, null, null);
  addExamples(entries, items, lists);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
