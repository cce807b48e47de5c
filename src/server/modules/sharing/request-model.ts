import type { Actor } from '../../platform/context';
import { can } from '../../platform/rbac/permissions';
import type { EntryVersion } from '../catalog';
import { OPEN_REQUEST_STATUSES } from './enums';
import type { Letter } from './letters-service';
import type { RequestRow, StepRow } from './requests-repo';
import type { Grant, RequestSummary, ShareRequest, Step } from './schemas';

/** Row → domain mapping of requests and steps, and what a given user may do with a request now. */

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Late if it waits past its deadline, or was decided after it (the assessment counts both). */
export function stepOverdue(s: Pick<StepRow, 'due_at' | 'decided_at'>, now: Date): boolean {
  return (s.decided_at ?? now).getTime() > s.due_at.getTime();
}

export const toStep = (s: StepRow, now: Date): Step => ({
  id: s.id,
  kind: s.kind,
  round: s.round,
  startedAt: s.started_at.toISOString(),
  dueAt: s.due_at.toISOString(),
  decidedAt: iso(s.decided_at),
  decision: s.decision,
  basis: s.basis,
  reason: s.reason,
  deciderName: s.decider_name,
  overdue: stepOverdue(s, now),
  overdueAt: iso(s.overdue_at),
});

export function toSummary(r: RequestRow, steps: StepRow[], now: Date): RequestSummary {
  const open = steps.find((s) => s.request_id === r.id && !s.decided_at);
  const currentStep = open ? toStep(open, now) : null;
  return {
    id: r.id,
    no: r.no,
    kind: r.kind,
    status: r.status,
    entryId: r.entry_id,
    entryCode: r.entry_code,
    entryName: r.entry_name,
    providerDepartmentId: r.provider_department_id,
    providerDepartmentName: r.provider_department_name,
    consumerDepartmentId: r.consumer_department_id,
    consumerDepartmentName: r.consumer_department_name,
    applicantName: r.applicant_name,
    systemName: r.system_name,
    submittedAt: r.submitted_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    currentStep,
    overdue: currentStep?.overdue ?? false,
  };
}

export type RequestActor = Pick<Actor, 'userId' | 'departmentId' | 'roles'>;

export function actionsFor(
  r: Pick<RequestRow, 'status' | 'provider_department_id' | 'consumer_department_id'>,
  actor: RequestActor,
): ShareRequest['actions'] {
  const consumer = can(actor.roles, 'sharing.request') && actor.departmentId === r.consumer_department_id;
  return {
    prereview: r.status === 'prereview' && can(actor.roles, 'sharing.prereview'),
    decide:
      r.status === 'provider_review' &&
      can(actor.roles, 'sharing.decide') &&
      actor.departmentId === r.provider_department_id,
    resubmit: r.status === 'returned' && consumer,
    withdraw: (OPEN_REQUEST_STATUSES as readonly string[]).includes(r.status) && consumer,
  };
}

export function toRequest(
  r: RequestRow,
  parts: { steps: StepRow[]; version: EntryVersion | null; letter: Letter | null; grant: Grant | null },
  actor: RequestActor,
  now: Date,
): ShareRequest {
  const byId = new Map((parts.version?.items ?? []).map((i) => [i.id, i]));
  return {
    ...toSummary(r, parts.steps, now),
    versionId: r.version_id,
    versionNo: r.version_no,
    purpose: r.purpose,
    itemIds: r.item_ids,
    items: r.item_ids.map((id) => ({
      id,
      name: byId.get(id)?.name ?? '?',
      fieldName: byId.get(id)?.fieldName ?? null,
    })),
    method: r.method as ShareRequest['method'],
    periodFrom: r.period_from,
    periodTo: r.period_to,
    letter: parts.letter,
    termsVersion: r.terms_version,
    termsAcceptedAt: r.terms_accepted_at.toISOString(),
    steps: parts.steps.map((s) => toStep(s, now)),
    grant: parts.grant,
    actions: actionsFor(r, actor),
  };
}
