import type { AppContext } from '../../app-context';
import { workingDaysDeadline } from '../../platform/calendar/service';
import { scheduleJob } from '../../platform/jobs/service';
import { notify } from '../../platform/notify/service';
import { getSetting } from '../../platform/settings/repo';
import { DEADLINE_SETTINGS, STEP_KINDS, type StepKind } from './enums';
import * as repo from './requests-repo';
import { consoleLink } from '../../../shared/console';

/** review steps with working-day deadlines, and what happens when one passes. */

export async function deadlineDays(ctx: AppContext): Promise<Record<StepKind, number>> {
  const [prereview, provider] = await Promise.all(
    (['admin_prereview', 'provider_decision'] as const).map(
      async (k) => (await getSetting<number>(ctx.db, DEADLINE_SETTINGS[k].key)) ?? DEADLINE_SETTINGS[k].default,
    ),
  );
  return { admin_prereview: prereview!, provider_decision: provider! };
}

export const OVERDUE_JOB = 'sharing.step.overdue';

/**
 * Opens a step whose deadline is computed once, now, from the calendar (start day not counted),
 * and arms a job for the moment it passes. Runs in the caller's transaction.
 */
export async function openStepFor(
  ctx: AppContext,
  requestId: string,
  kind: StepKind,
  round: number,
  now: Date,
): Promise<{ id: string; dueAt: Date }> {
  const days = (await deadlineDays(ctx))[kind];
  const dueAt = await workingDaysDeadline(ctx, now, days);
  const id = await repo.insertStep(ctx.db, { request_id: requestId, kind, round, started_at: now, due_at: dueAt });
  await scheduleJob(ctx, {
    kind: OVERDUE_JOB,
    runAt: new Date(dueAt.getTime() + 1),
    payload: { stepId: id },
    dedupeKey: `${OVERDUE_JOB}:${id}`,
  });
  return { id, dueAt };
}

/**
 * Job handler: flags the step overdue if it is still waiting, and tells whoever must act,
 * the platform (escalation) and the applicant. flagOverdue lets only one runner through, so two
 * app processes on one database notify once.
 */
export async function flagOverdueStep(ctx: AppContext, payload: { stepId: string }): Promise<void> {
  const now = ctx.clock.now();
  const step = await repo.flagOverdue(ctx.db, payload.stepId, now);
  if (!step) return;
  const r = await repo.findRequest(ctx.db, step.request_id);
  if (!r) return;
  const notice = {
    kind: 'sharing.step.overdue',
    title: `共享申请${STEP_KINDS[step.kind].zh}已逾期：${r.entry_name}（${r.no}）`,
    body: `办理期限：${step.due_at.toISOString()}`,
    link: consoleLink(`/sharing/requests/${r.id}`),
  };
  if (step.kind === 'provider_decision') {
    for (const role of ['dept_specialist', 'dept_leader'] as const)
      await notify(ctx, { role, departmentId: r.provider_department_id }, notice);
  }
  await notify(ctx, { role: 'platform_admin' }, notice);
  await notify(ctx, { userIds: [r.applicant_id] }, notice);
}

/** late steps since a date, per step kind and providing department (assessment reads this). */
export async function overdueStepCounts(
  ctx: AppContext,
  since: Date,
): Promise<Array<{ kind: StepKind; providerDepartmentId: string; overdue: number }>> {
  const rows = await repo.overdueCounts(ctx.db, since);
  return rows.map((r) => ({ kind: r.kind, providerDepartmentId: r.provider_department_id, overdue: Number(r.n) }));
}
