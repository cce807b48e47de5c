import { shanghaiDate } from '../../platform/calendar/dates';
import type { SupervisionSource, ViolationDetector } from '../../platform/supervision/sources';
import { departmentsWithoutSpecialist } from './training-repo';

/**
 * Org's part of supervision (Chapter 6): Art 28 asks every department to name a 数据专员; a department
 * with none in office at the end of the period (or now, for a period still running) is a violation of
 * kind 5. A department founded after that day is not yet expected to have one.
 */
export const noSpecialist: ViolationDetector = {
  code: 'org.no_specialist',
  kind: 5,
  name: '未明确在岗数据专员',
  nameEn: 'No data specialist in office',
  async detect(ctx, period) {
    const now = ctx.clock.now();
    // The period's last instant, or now: to is the first instant after the period.
    const at = period.to <= now ? new Date(period.to.getTime() - 1) : now;
    const day = shanghaiDate(at);
    const rows = await departmentsWithoutSpecialist(ctx.db, day, at);
    return rows.map((d) => ({
      departmentId: d.id,
      summary: `截至 ${day} 未明确在岗数据专员`,
      evidence: [
        {
          ref: `department:${d.id}`,
          label: `${d.name} · 数据专员`,
          at,
          ok: false,
          note: d.last_active_to ? `上一任数据专员 ${d.last_active_to} 离任后未补充` : '从未登记数据专员',
          link: `/org/specialists?departmentId=${d.id}`,
        },
      ],
    }));
  },
};

export const orgSupervision: SupervisionSource = { violations: [noSpecialist] };
