import { consoleLink } from '../../../shared/console';
import { countedUntil, findingsOf, lateDays, ratiosOf } from '../../platform/supervision/evidence';
import type {
  Evidence,
  IndicatorDefinition,
  SupervisionSource,
  ViolationDetector,
} from '../../platform/supervision/sources';
import * as repo from './supervision-repo';

/**
 * Sharing's part of assessment (Art 29, Art 30 (3)): the provider's review steps answered by their
 * due date (10 working days, R-15), and the late ones as violations. Each value is counted from the
 * steps it returns as evidence.
 */

type Step = Awaited<ReturnType<typeof repo.providerStepsDue>>[number];

const onTime = (s: Step) => s.decided_at !== null && s.decided_at <= s.due_at && s.decision !== 'withdrawn';

function stepEvidence(s: Step, until: Date): Evidence {
  const ok = onTime(s);
  const done = s.decided_at !== null && s.decided_at <= until;
  return {
    ref: `share_review_step:${s.id}`,
    label: `共享申请 ${s.no} · 提供部门审核${s.round > 1 ? `（第 ${s.round} 轮）` : ''} · ${s.entry_name}`,
    at: s.due_at,
    ok,
    note: ok
      ? '按期办结'
      : s.decision === 'withdrawn' && done
        ? `逾期 ${lateDays(s.due_at, s.decided_at!)} 天未办，申请方已撤回`
        : done
          ? `逾期 ${lateDays(s.due_at, s.decided_at!)} 天办结`
          : `逾期 ${lateDays(s.due_at, until)} 天未办`,
    link: consoleLink(`/sharing/requests/${s.request_id}`),
  };
}

export const requestTimeliness: IndicatorDefinition = {
  code: 'sharing.request_timeliness',
  name: '共享申请按期办理率',
  nameEn: 'Share requests handled on time',
  formula: '到期前办结的提供部门审核环节数 ÷ 本期到期的提供部门审核环节数',
  formulaEn: 'Provider review steps decided by their due date ÷ provider review steps due in the period',
  source: '共享申请的提供部门审核环节（10 个工作日）；平台预审环节属平台职责，不计入部门；到期前已撤回的申请不计',
  sourceEn:
    'Provider review steps of share requests (10 working days); the platform’s pre-review is not a department’s and is left out, as are requests withdrawn before the step fell due',
  kind: 'ratio',
  async compute(ctx, period) {
    const until = countedUntil(ctx, period);
    const steps = await repo.providerStepsDue(ctx.db, period.from, until);
    return ratiosOf(steps.map((s) => ({ departmentId: s.provider_department_id, evidence: stepEvidence(s, until) })));
  },
};

export const overdueSteps: ViolationDetector = {
  code: 'sharing.overdue_steps',
  kind: 3,
  name: '共享申请逾期未办',
  nameEn: 'Share requests not handled in time',
  async detect(ctx, period) {
    const until = countedUntil(ctx, period);
    const steps = await repo.providerStepsLate(ctx.db, period.from, until);
    return findingsOf(
      steps.map((s) => ({ departmentId: s.provider_department_id, evidence: stepEvidence(s, until) })),
      (n) => `${n} 个共享审核环节逾期未办`,
    );
  },
};

export const sharingSupervision: SupervisionSource = {
  indicators: [requestTimeliness],
  violations: [overdueSteps],
};
