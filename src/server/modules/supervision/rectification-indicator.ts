import { shanghaiDate } from '../../platform/calendar/dates';
import type { Evidence, IndicatorDefinition, IndicatorValue } from '../../platform/supervision/sources';
import { noticesDueIn } from './rectification-repo';

/**
 * Rectification closure (Art 30): of the notices that fell due in the period (up to now, for a period
 * still running), how many were closed with measures the department gave by the deadline. The office's
 * own verification time is not counted against the department: the accepted answer's date is.
 */
export const rectificationClosure: IndicatorDefinition = {
  code: 'supervision.rectification_closure',
  name: '整改按期销号率',
  nameEn: 'Rectification closed on time',
  formula: '按期反馈并验收销号的整改通知数 ÷ 本期到期的整改通知数',
  formulaEn: 'notices closed with measures given by their deadline ÷ notices due in the period',
  source: '整改通知（下发、反馈、验收销号、逾期通报）',
  sourceEn: 'Rectification notices (issued, answered, verified, circulated)',
  kind: 'ratio',
  async compute(ctx, period) {
    const now = ctx.clock.now();
    const to = period.to < now ? period.to : now;
    const byDepartment = new Map<string, IndicatorValue>();
    for (const n of await noticesDueIn(ctx.db, period.from, to)) {
      const dueAt = new Date(n.due_at);
      const ok = n.status === 'closed' && n.answered_at !== null && n.answered_at <= dueAt;
      const v = byDepartment.get(n.department_id) ?? {
        departmentId: n.department_id,
        numerator: 0,
        denominator: 0,
        evidence: [] as Evidence[],
      };
      v.denominator++;
      if (ok) v.numerator++;
      v.evidence.push({
        ref: `rectification_notice:${n.id}`,
        label: `整改通知 ${n.no} · ${n.title}`,
        at: dueAt,
        ok,
        note: ok
          ? `按期整改，${shanghaiDate(n.closed_at!)} 验收销号`
          : n.status === 'closed'
            ? `逾期反馈（${shanghaiDate(n.answered_at!)}），已销号`
            : n.status === 'answered'
              ? '已反馈，尚未验收'
              : n.status === 'circulated'
                ? '逾期未整改，已通报'
                : '逾期未完成整改',
        link: `/supervision/rectifications/${n.id}`,
      });
      byDepartment.set(n.department_id, v);
    }
    return [...byDepartment.values()];
  },
};

/** Supervision's own indicators, for the assessment engine alongside every module's. */
export const rectificationIndicators: IndicatorDefinition[] = [rectificationClosure];
