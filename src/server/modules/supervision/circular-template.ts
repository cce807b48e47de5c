import { shanghaiDate } from '../../platform/calendar/dates';
import { parsePeriod, periodLabel, VIOLATION_KINDS, type ViolationKind } from '../../../shared/supervision/periods';
import type { Evidence } from '../../platform/supervision/sources';

/**
 * The text of a 通报, in the style of an official document (GB/T 9704 layout is the printer's concern;
 * the words are ours): who was notified of what, by when, what happened, and what now follows.
 */

/** Who issues notices and circulars: the office of the leading group (Art 4, Art 29). */
export const ISSUER = '市政务数据共享开放工作领导小组办公室';

export interface CircularFacts {
  circularNo: string;
  departmentName: string;
  notice: {
    no: string;
    title: string;
    requirement: string;
    workingDays: number;
    issuedAt: Date;
    dueAt: Date;
    status: 'issued' | 'rejected';
    verifyNote: string | null;
    answeredAt: Date | null;
  };
  violations: Array<{ kind: number; periodKey: string; summary: string; evidence: unknown }>;
  publishedAt: Date;
}

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const ordinal = (i: number) => (i < ORDINALS.length ? ORDINALS[i] : String(i + 1));

/** '2026年12月7日' */
export const chineseDate = (at: Date) => {
  const [y, m, d] = shanghaiDate(at).split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
};

/** The first few facts that count against the department, as one sentence. */
function evidenceSummary(evidence: unknown): string {
  const rows = (Array.isArray(evidence) ? (evidence as Evidence[]) : []).filter((e) => e && !e.ok);
  if (!rows.length) return '';
  const shown = rows.slice(0, 3).map((e) => (e.note ? `${e.label}（${e.note}）` : e.label));
  return `主要情况：${shown.join('；')}${rows.length > 3 ? `等 ${rows.length} 项` : ''}。`;
}

export function circularTitle(departmentName: string): string {
  return `关于${departmentName}逾期未完成整改情况的通报`;
}

export function circularBody(f: CircularFacts): string {
  const n = f.notice;
  const problems = f.violations.map((v, i) => {
    const kind = VIOLATION_KINDS[v.kind as ViolationKind]?.zh ?? `第${v.kind}类违规`;
    const period = parsePeriod(v.periodKey);
    return `    ${ordinal(i)}、${kind}（${period ? periodLabel(period) : v.periodKey}）：${v.summary}。${evidenceSummary(v.evidence)}`;
  });
  const happened =
    n.status === 'rejected'
      ? `${f.departmentName}于${n.answeredAt ? chineseDate(n.answeredAt) : '期限内'}反馈的整改情况经核查未通过验收${
          n.verifyNote ? `（退回意见：${n.verifyNote}）` : ''
        }，截至整改期限仍未重新完成整改。`
      : `截至整改期限，${f.departmentName}未反馈整改情况。`;
  return [
    f.circularNo,
    '',
    '各部门：',
    `    根据政务数据共享开放监督考核工作要求，${ISSUER}于${chineseDate(n.issuedAt)}向${f.departmentName}下发《${n.title}》（${n.no}），要求其在 ${n.workingDays} 个工作日内、即${chineseDate(n.dueAt)}前完成整改并反馈整改情况。整改要求如下：${n.requirement}`,
    '    通知所涉问题如下：',
    ...problems,
    `    ${happened}`,
    `    现将有关情况予以通报。请${f.departmentName}高度重视，立即落实整改，于收到本通报之日起 5 个工作日内将整改情况书面报送${ISSUER}。各部门要引以为戒，切实履行政务数据共享开放职责，按时完成目录编制更新、数据提供、申请办理等工作。`,
    '',
    `${' '.repeat(24)}${ISSUER}`,
    `${' '.repeat(24)}${chineseDate(f.publishedAt)}`,
  ].join('\n');
}
