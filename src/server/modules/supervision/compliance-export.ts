import { loadExcel } from '../../platform/excel';
import { CHAPTERS } from '../../../shared/supervision/articles';
import type { ComplianceView } from './compliance-schemas';

const STATUS = { met: '符合', attention: '需关注', informative: '—' } as const;

/** The compliance view as a workbook for an inspection (Art 26): one row per fact, articles in order. */
export async function complianceWorkbook(view: ComplianceView): Promise<Buffer> {
  const ExcelJS = await loadExcel();
  const wb = new ExcelJS.Workbook();
  wb.created = new Date(view.generatedAt);
  const ws = wb.addWorksheet('条款落实情况');
  ws.columns = [
    { header: '条款', key: 'no', width: 8 },
    { header: '章', key: 'chapter', width: 26 },
    { header: '内容', key: 'zh', width: 48 },
    { header: '状态', key: 'status', width: 10 },
    { header: '证据', key: 'label', width: 32 },
    { header: '当前情况', key: 'value', width: 60 },
    { header: '是否符合', key: 'ok', width: 10 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const a of view.articles) {
    const base = { no: `第${a.no}条`, chapter: CHAPTERS[a.chapter]?.zh ?? '', zh: a.zh, status: STATUS[a.status] };
    if (!a.facts.length) ws.addRow({ ...base, label: a.software ? '' : '（规范人员和组织的条款）' });
    for (const f of a.facts)
      ws.addRow({ ...base, label: f.label, value: f.value, ok: f.ok === null ? '—' : f.ok ? '是' : '否' });
  }
  ws.addRow([]);
  ws.addRow([`生成时间 ${view.generatedAt}`]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
