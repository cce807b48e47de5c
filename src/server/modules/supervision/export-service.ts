import type { AppContext } from '../../app-context';
import { loadExcel } from '../../platform/excel';
import { notFound } from '../../platform/errors';
import type { Scope } from '../../platform/rbac/scope';
import { ranking } from './assessment-read';
import { periodOrThrow } from './assessment-service';
import { renderTablePdf } from './export-pdf';
import type { Sources } from './sources-registry';
import { weightsFor } from './weights-service';

/**
 * A period's assessment as a workbook (ranking with every indicator's score, and the indicators with
 * their formulas and weights) and as a PDF for the leading group's meeting; both from the current
 * snapshot, within the reader's scope.
 */

const CARD_ZH = { red: '红牌', yellow: '黄牌', green: '绿牌' } as const;
const fmt = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toFixed(2));

async function loaded(ctx: AppContext, sources: Sources, scope: Scope, periodKey: string) {
  const r = await ranking(ctx, sources, scope, periodKey);
  if (!r.snapshot) throw notFound('Assessment snapshot', '该周期的考核结果');
  return { r, snapshot: r.snapshot };
}

export async function assessmentXlsx(ctx: AppContext, sources: Sources, scope: Scope, periodKey: string) {
  const { r, snapshot } = await loaded(ctx, sources, scope, periodKey);
  const ExcelJS = await loadExcel();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'govshare';
  const ws = wb.addWorksheet('考核排名');
  ws.addRow([`${r.periodLabel} 部门考核结果`]).font = { bold: true, size: 14 };
  ws.addRow([`${snapshot.final ? '定稿' : '暂定'} · 计算于 ${snapshot.computedAt}`]);
  const head = ws.addRow(['排名', '部门', '得分', '考核等级', ...r.indicators.map((i) => i.name)]);
  head.font = { bold: true };
  for (const it of r.items) {
    ws.addRow([
      it.rank,
      it.departmentName,
      it.score,
      it.card ? CARD_ZH[it.card] : '未评分',
      ...r.indicators.map((i) => it.scores[i.code] ?? null),
    ]);
  }
  ws.getColumn(2).width = 30;
  const { weights } = await weightsFor(ctx, sources, periodOrThrow(periodKey).kind);
  const wi = wb.addWorksheet('考核指标');
  wi.addRow(['指标', '代码', '计算方法', '数据来源', '权重']).font = { bold: true };
  for (const i of sources.indicators) wi.addRow([i.name, i.code, i.formula, i.source, weights.get(i.code) ?? 0]);
  wi.getColumn(3).width = 50;
  wi.getColumn(4).width = 50;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function assessmentPdf(ctx: AppContext, sources: Sources, scope: Scope, periodKey: string) {
  const { r, snapshot } = await loaded(ctx, sources, scope, periodKey);
  return renderTablePdf({
    title: `${r.periodLabel}政务信息资源共享开放工作考核结果`,
    subtitle: `${snapshot.final ? '定稿' : '暂定'} · 计算于 ${snapshot.computedAt.slice(0, 16).replace('T', ' ')} UTC · 绿牌 ≥ ${r.thresholds.green}，黄牌 ≥ ${r.thresholds.yellow}`,
    columns: [
      { label: '排名', width: 50 },
      { label: '部门', width: 245 },
      { label: '得分', width: 80, align: 'right' },
      { label: '等级', width: 60 },
      { label: '计分指标数', width: 80, align: 'right' },
    ],
    rows: r.items.map((it) => [
      it.rank === null ? '—' : String(it.rank),
      it.departmentName,
      fmt(it.score),
      it.card ? CARD_ZH[it.card] : '未评分',
      String(Object.values(it.scores).filter((s) => s !== null).length),
    ]),
    footer: [
      '部门得分 = Σ(指标权重 × 指标得分) ÷ 该部门有计量值的指标权重之和；无可计量事项的指标不计入，不按零分计。',
      ...r.indicators.map((i) => `· ${i.name}（${i.code}）`),
    ],
  });
}
