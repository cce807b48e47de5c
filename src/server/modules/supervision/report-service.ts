import type { AppContext } from '../../app-context';
import { shanghaiDate, shanghaiDateTime } from '../../platform/calendar/dates';
import { badRequest } from '../../platform/errors';
import { loadExcel } from '../../platform/excel';
import { parsePeriod, periodLabel, type Period } from '../../../shared/supervision/periods';
import { circularsOfPeriod } from './circular-repo';
import { ISSUER } from './circular-template';
import { noticesOfPeriod } from './rectification-repo';
import type { NoticeStatus } from './rectification-schemas';

/**
 * 领导小组报告: what the office did about violations in a period, for the leading group — every notice
 * issued, falling due, closed or circulated in it with its state, and every circular published. As a
 * workbook to keep and as a printable page (the browser prints it or saves it as PDF).
 */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const STATUS_ZH: Record<NoticeStatus, string> = {
  issued: '整改中',
  answered: '已反馈待验收',
  rejected: '退回重新整改',
  closed: '已验收销号',
  circulated: '逾期已通报',
};

interface ReportData {
  period: Period;
  label: string;
  generatedAt: Date;
  notices: Awaited<ReturnType<typeof noticesOfPeriod>>;
  circulars: Awaited<ReturnType<typeof circularsOfPeriod>>;
  counts: Record<NoticeStatus, number>;
}

async function reportData(ctx: AppContext, key: string): Promise<ReportData> {
  const period = parsePeriod(key);
  if (!period) throw badRequest('SUPERVISION_PERIOD_INVALID', `Unknown period ${key}`, `考核周期无效：${key}`);
  const [notices, circulars] = await Promise.all([
    noticesOfPeriod(ctx.db, period.from, period.to),
    circularsOfPeriod(ctx.db, period.from, period.to),
  ]);
  const counts = { issued: 0, answered: 0, rejected: 0, closed: 0, circulated: 0 };
  for (const n of notices) counts[n.status]++;
  return { period, label: periodLabel(period), generatedAt: ctx.clock.now(), notices, circulars, counts };
}

const day = (at: Date | string | null) => (at ? shanghaiDate(new Date(at)) : '');

const noticeRow = (n: ReportData['notices'][number]) => [
  n.no,
  n.department_name,
  n.title,
  n.violation_ids.length,
  day(n.issued_at),
  day(n.due_at),
  STATUS_ZH[n.status],
  day(n.answered_at),
  day(n.closed_at),
  day(n.circulated_at),
];
const NOTICE_HEADER = [
  '通知编号',
  '部门',
  '标题',
  '问题数',
  '下发日期',
  '整改期限',
  '状态',
  '反馈日期',
  '销号日期',
  '通报日期',
];
const CIRCULAR_HEADER = ['通报编号', '部门', '标题', '整改通知', '发布日期'];
const circularRow = (c: ReportData['circulars'][number]) => [
  c.no,
  c.department_name,
  c.title,
  c.notice_no,
  day(c.published_at),
];

function summaryLines(d: ReportData): string[] {
  return [
    `${d.label}共涉及整改通知 ${d.notices.length} 件：已验收销号 ${d.counts.closed} 件，已反馈待验收 ${d.counts.answered} 件，整改中 ${d.counts.issued} 件，退回重新整改 ${d.counts.rejected} 件，逾期已通报 ${d.counts.circulated} 件。`,
    `本期发布通报 ${d.circulars.length} 件。`,
  ];
}

export async function reportXlsx(ctx: AppContext, key: string): Promise<{ fileName: string; content: Buffer }> {
  const d = await reportData(ctx, key);
  const ExcelJS = await loadExcel();
  const wb = new ExcelJS.Workbook();
  const summary = wb.addWorksheet('概况');
  summary.addRow([`关于${d.label}政务数据共享开放整改及通报情况的报告`]).font = { bold: true, size: 14 };
  summary.addRow([`报送：政务数据共享开放工作领导小组；编制：${ISSUER}；生成时间：${shanghaiDateTime(d.generatedAt)}`]);
  for (const line of summaryLines(d)) summary.addRow([line]);
  summary.getColumn(1).width = 120;
  const sheet = (name: string, header: string[], rows: unknown[][]) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(header).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    ws.columns.forEach((c) => (c.width = 16));
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  };
  sheet('整改通知', NOTICE_HEADER, d.notices.map(noticeRow));
  sheet('通报', CIRCULAR_HEADER, d.circulars.map(circularRow));
  return { fileName: `领导小组报告-${d.period.key}.xlsx`, content: Buffer.from(await wb.xlsx.writeBuffer()) };
}

const esc = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const table = (header: string[], rows: unknown[][]) =>
  `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.length
      ? rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')
      : `<tr><td colspan="${header.length}">无</td></tr>`
  }</tbody></table>`;

/** A self-contained page (no script, inline style) to print; served with the platform's security headers. */
export async function reportHtml(ctx: AppContext, key: string): Promise<string> {
  const d = await reportData(ctx, key);
  const title = `关于${d.label}政务数据共享开放整改及通报情况的报告`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:"FangSong","STFangsong","仿宋",serif;margin:2.5cm;font-size:16pt;line-height:1.8}
h1{font-family:"SimHei","黑体",sans-serif;text-align:center;font-size:22pt}h2{font-size:16pt;font-family:"SimHei","黑体",sans-serif}
table{border-collapse:collapse;width:100%;font-size:11pt;margin-bottom:1em}th,td{border:1px solid #000;padding:2px 4px;text-align:left}
p{text-indent:2em;margin:0}.sign{text-align:right;margin-top:2em}@media print{body{margin:0}}
</style></head><body>
<p style="text-indent:0">政务数据共享开放工作领导小组：</p>
<h1 data-testid="report-title">${esc(title)}</h1>
${summaryLines(d)
  .map((l) => `<p>${esc(l)}</p>`)
  .join('\n')}
<h2>一、整改通知</h2>${table(NOTICE_HEADER, d.notices.map(noticeRow))}
<h2>二、通报</h2>${table(CIRCULAR_HEADER, d.circulars.map(circularRow))}
<div class="sign">${esc(ISSUER)}<br>${esc(shanghaiDate(d.generatedAt))}</div>
</body></html>`;
}
