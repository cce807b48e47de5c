import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import { recordSystemAudit } from '../../platform/audit/service';
import { shanghaiDate } from '../../platform/calendar/dates';
import { notFound } from '../../platform/errors';
import { pageBounds } from '../../platform/http/schemas';
import { notify } from '../../platform/notify/service';
import { ALL } from '../../platform/rbac/scope';
import { consoleLink } from '../../../shared/console';
import * as circulars from './circular-repo';
import { circularBody, circularTitle } from './circular-template';
import * as repo from './rectification-repo';
import type { CircularDetail } from './rectification-schemas';

/**
 * 通报 (Art 30): a notice still unanswered, or sent back, when its deadline has passed is circulated
 * to every department by a periodic task. One circular per notice; the notice stays answerable, so
 * the department can still rectify (closing it later does not withdraw the circular).
 */

export const CIRCULATE_JOB = 'supervision.circulate-overdue';
const circularLink = (id: string) => consoleLink(`/supervision/circulars/${id}`);

type CircularRow = Awaited<ReturnType<typeof circulars.listCirculars>>['rows'][number];
const toSummary = (r: CircularRow) => ({
  id: r.id,
  no: r.no,
  noticeId: r.notice_id,
  noticeNo: r.notice_no,
  departmentId: r.department_id,
  departmentName: r.department_name,
  title: r.title,
  publishedAt: new Date(r.published_at).toISOString(),
});

export async function listCirculars(ctx: AppContext, f: { q?: string; page?: number; pageSize?: number }) {
  const p = pageBounds(f);
  const { rows, total } = await circulars.listCirculars(ctx.db, f.q?.trim() || undefined, p.limit, p.offset);
  return { items: rows.map(toSummary), total, page: p.page, pageSize: p.pageSize };
}

export async function getCircular(ctx: AppContext, id: string): Promise<CircularDetail> {
  const r = await circulars.findCircular(ctx.db, id);
  if (!r) throw notFound('Circular', '通报');
  return { ...toSummary(r), body: r.body };
}

/** Circulates one overdue notice, in its own transaction; false when it was answered meanwhile. */
async function circulate(ctx: AppContext, noticeId: string): Promise<boolean> {
  return inTransaction(ctx, async (trx) => {
    const t = { ...ctx, db: trx };
    const now = ctx.clock.now();
    const n = await repo.findNotice(trx, noticeId, ALL, true);
    if (!n || (n.status !== 'issued' && n.status !== 'rejected') || new Date(n.due_at) >= now) return false;
    const violations = await repo.violationsByIds(trx, n.violation_ids);
    const year = shanghaiDate(now).slice(0, 4);
    const no = `TB-${year}-${String(await repo.nextNumber(trx, 'circular', `TB-${year}`)).padStart(4, '0')}`;
    const title = circularTitle(n.department_name);
    const body = circularBody({
      circularNo: no,
      departmentName: n.department_name,
      notice: {
        no: n.no,
        title: n.title,
        requirement: n.requirement,
        workingDays: n.working_days,
        issuedAt: new Date(n.issued_at),
        dueAt: new Date(n.due_at),
        status: n.status,
        verifyNote: n.verify_note,
        answeredAt: n.answered_at,
      },
      violations: violations.map((v) => ({
        kind: v.kind,
        periodKey: v.period_key,
        summary: v.summary,
        evidence: v.evidence,
      })),
      publishedAt: now,
    });
    const id = await circulars.insertCircular(trx, {
      no,
      notice_id: n.id,
      department_id: n.department_id,
      title,
      body,
      published_at: now,
      published_by: null,
    });
    await repo.updateNotice(trx, n.id, { status: 'circulated', circulated_at: now, updated_at: now });
    // Published to every department: each one's leader and 数据专员 reads it in the inbox.
    for (const role of ['dept_leader', 'dept_specialist'] as const)
      await notify(
        t,
        { role },
        {
          kind: 'supervision.circular.published',
          title: `通报 ${no}：${title}`,
          link: circularLink(id),
          payload: { circularId: id },
        },
      );
    await notify(
      t,
      { role: 'platform_admin' },
      {
        kind: 'supervision.circular.published',
        title: `通报 ${no}：${title}`,
        link: circularLink(id),
        payload: { circularId: id },
      },
    );
    await recordSystemAudit(t, 'job-runner', {
      category: 'maintain',
      action: 'supervision.circular.publish',
      targetType: 'circular',
      targetId: id,
      targetName: `${no} ${title}`,
      detail: { noticeId: n.id, noticeNo: n.no, departmentId: n.department_id, previousStatus: n.status },
    });
    return true;
  });
}

/** The periodic task: circulates every notice past its deadline unanswered or sent back. Returns how many. */
export async function circulateOverdue(ctx: AppContext): Promise<number> {
  let count = 0;
  for (const { id } of await repo.overdueNoticeIds(ctx.db, ctx.clock.now())) if (await circulate(ctx, id)) count++;
  return count;
}
