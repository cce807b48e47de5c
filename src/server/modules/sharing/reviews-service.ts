import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { shanghaiDate } from '../../platform/calendar/dates';
import { badRequest, conflict, forbidden } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import type { FieldProblem } from '../../../shared/catalog/schemas';
import { loadVersion } from '../catalog';
import * as grants from './grants-service';
import * as repo from './requests-repo';
import { findVisible, getRequest, maskingOf } from './requests-service';
import { openStepFor } from './steps-service';
import { defaultTerms, termsProblems, type GrantTerms } from './grant-terms';
import type { DecisionInput, PrereviewInput, ShareRequest } from './schemas';
import { consoleLink } from '../../../shared/console';

/** the platform's pre-review and the provider's decision, each against its deadline. */

const link = (id: string) => consoleLink(`/sharing/requests/${id}`);

/** Takes the request's waiting step under a lock, checking it is the expected one. */
async function lockOpenStep(db: AppContext['db'], requestId: string, status: 'prereview' | 'provider_review') {
  const locked = await repo.lockRequest(db, requestId);
  const step = await repo.openStep(db, requestId);
  if (locked?.status !== status || !step) {
    throw conflict('SHARING_STEP_DONE', 'This step has already been decided', '该环节已办理，请刷新后查看');
  }
  return step;
}

const applicantAndDepartment = async (
  ctx: AppContext,
  r: { applicant_id: string; consumer_department_id: string },
  notice: Parameters<typeof notify>[2],
) => {
  await notify(ctx, { userIds: [r.applicant_id] }, notice);
  await notify(ctx, { role: 'dept_specialist', departmentId: r.consumer_department_id }, notice);
};

/** 初审: forward to the provider (who gets its own deadline), return for supplement, or reject — the last two with a reason. */
export async function prereview(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: PrereviewInput,
): Promise<ShareRequest> {
  const r = await findVisible(ctx, actor, id);
  const reason = input.reason?.trim() || null;
  if (input.decision !== 'forward' && !reason) {
    throw badRequest('SHARING_REASON_REQUIRED', 'Returning or rejecting needs a reason', '退回或驳回须说明理由', {
      problems: [
        { field: 'reason', code: 'SHARING_REASON_REQUIRED', message: 'State the reason', messageZh: '请填写理由' },
      ],
    });
  }
  await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const step = await lockOpenStep(db, id, 'prereview');
    const now = ctx.clock.now();
    await repo.decideStep(db, step.id, { decided_at: now, decided_by: actor.userId, decision: input.decision, reason });
    if (input.decision === 'forward') {
      await repo.updateRequest(db, id, { status: 'provider_review', updated_at: now });
      const { dueAt } = await openStepFor(
        t,
        id,
        'provider_decision',
        (await repo.maxRound(db, id, 'provider_decision')) + 1,
        now,
      );
      const notice = {
        kind: 'sharing.request.forwarded',
        title: `有条件共享申请待审核：${r.entry_name}（${r.no}），请于 ${shanghaiDate(dueAt)} 前答复`,
        link: link(id),
      };
      for (const role of ['dept_specialist', 'dept_leader'] as const)
        await notify(t, { role, departmentId: r.provider_department_id }, notice);
      await notify(
        t,
        { userIds: [r.applicant_id] },
        {
          kind: 'sharing.request.forwarded',
          title: `共享申请已通过平台初审，转${r.provider_department_name}审核：${r.entry_name}`,
          link: link(id),
        },
      );
    } else {
      const returned = input.decision === 'return';
      await repo.updateRequest(db, id, {
        status: returned ? 'returned' : 'rejected',
        decided_at: returned ? null : now,
        updated_at: now,
      });
      await applicantAndDepartment(t, r, {
        kind: returned ? 'sharing.request.returned' : 'sharing.request.rejected',
        title: `${returned ? '共享申请被退回补充' : '共享申请未通过平台初审'}：${r.entry_name}（${r.no}）`,
        body: reason ?? undefined,
        link: link(id),
      });
    }
  });
  return getRequest(ctx, actor, id);
}

function decisionProblems(
  input: DecisionInput,
  requested: readonly string[],
  r: { period_from: string | null; period_to: string | null; method: string },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, code: string, message: string, messageZh: string) =>
    problems.push({ field, code, message, messageZh });
  if (input.decision === 'reject') {
    if (!input.basis?.trim())
      add(
        'basis',
        'SHARING_BASIS_REQUIRED',
        'A refusal must state its legal or policy basis',
        '拒绝共享须说明法律法规或政策依据',
      );
    if (!input.reason?.trim())
      add('reason', 'SHARING_REASON_REQUIRED', 'A refusal must state its reason', '拒绝共享须说明理由');
    return problems;
  }
  if (input.terms) problems.push(...termsProblems(input.terms, input.method ?? r.method));
  if (input.itemIds?.some((i) => !requested.includes(i)))
    add(
      'itemIds',
      'SHARING_ITEMS_NOT_REQUESTED',
      'Approval may narrow the requested items, not add to them',
      '只能在申请的信息项范围内批准',
    );
  const from = input.periodFrom ?? r.period_from;
  const to = input.periodTo ?? r.period_to;
  if (!from || !to) add('periodTo', 'SHARING_PERIOD_REQUIRED', 'State the validity of the grant', '请填写授权有效期');
  else if (to < from)
    add('periodTo', 'SHARING_PERIOD_ORDER', 'The period ends before it starts', '有效期的结束日期早于开始日期');
  else if (r.period_from && r.period_to && (from < r.period_from || to > r.period_to)) {
    add(
      'periodTo',
      'SHARING_PERIOD_WIDER',
      'Approval may shorten the requested period, not extend it',
      '只能在申请的使用期限内批准',
    );
  }
  return problems;
}

/** The terms chosen at approval, the method's defaults for what was not chosen. */
function termsOf(input: DecisionInput, method: string): GrantTerms {
  const d = defaultTerms(method);
  return {
    bulkExport: input.terms?.bulkExport ?? d.bulkExport,
    dailyRowCap: input.terms?.dailyRowCap ?? d.dailyRowCap,
    ipRanges: input.terms?.ipRanges ?? d.ipRanges,
    callsPerMinute: input.terms?.callsPerMinute ?? d.callsPerMinute,
    dailyCallQuota: input.terms?.dailyCallQuota ?? d.dailyCallQuota,
    operations: input.terms?.operations ?? d.operations,
  };
}

/**
 * 提供方答复: approve — possibly narrowing items, period, method, adding conditions — which creates the
 * grant; or refuse, which needs both a basis and a reason (Art 14).
 */
export async function decide(ctx: AppContext, actor: Actor, id: string, input: DecisionInput): Promise<ShareRequest> {
  const r = await findVisible(ctx, actor, id);
  if (r.provider_department_id !== actor.departmentId)
    throw forbidden('Only the providing department answers', '只有提供部门可以答复该申请');
  const problems = decisionProblems(input, r.item_ids, r);
  if (problems.length) {
    throw badRequest(
      'SHARING_DECISION_INVALID',
      `The decision has ${problems.length} problem(s): ${problems[0]!.message}`,
      `审核意见有${problems.length}处问题：${problems[0]!.messageZh}`,
      { problems },
    );
  }
  const version = await loadVersion(ctx, null, r.version_id);
  if (input.method && !version.shareMethods.includes(input.method)) {
    throw badRequest('SHARING_DECISION_INVALID', 'The resource does not offer this method', '该资源未提供此共享方式', {
      problems: [
        {
          field: 'method',
          code: 'SHARING_METHOD_NOT_OFFERED',
          message: 'Not offered',
          messageZh: '该资源未提供此共享方式',
        },
      ],
    });
  }
  await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const step = await lockOpenStep(db, id, 'provider_review');
    const now = ctx.clock.now();
    if (input.decision === 'reject') {
      await repo.decideStep(db, step.id, {
        decided_at: now,
        decided_by: actor.userId,
        decision: 'reject',
        basis: input.basis!.trim(),
        reason: input.reason!.trim(),
      });
      await repo.updateRequest(db, id, { status: 'rejected', decided_at: now, updated_at: now });
      await applicantAndDepartment(t, r, {
        kind: 'sharing.request.rejected',
        title: `${r.provider_department_name}不同意共享：${r.entry_name}（${r.no}）`,
        body: `依据：${input.basis!.trim()}；理由：${input.reason!.trim()}`,
        link: link(id),
      });
      return;
    }
    const itemIds = input.itemIds ?? r.item_ids;
    const narrowed = {
      itemIds,
      method: input.method ?? r.method,
      periodFrom: input.periodFrom ?? r.period_from!,
      periodTo: input.periodTo ?? r.period_to!,
      conditions: input.conditions?.trim() || null,
      terms: termsOf(input, input.method ?? r.method),
    };
    await repo.decideStep(db, step.id, {
      decided_at: now,
      decided_by: actor.userId,
      decision: 'approve',
      reason: input.reason?.trim() || null,
      detail: JSON.stringify(narrowed),
    });
    await repo.updateRequest(db, id, { status: 'approved', decided_at: now, updated_at: now });
    const grantId = await grants.createGrant(
      t,
      {
        requestId: id,
        entryId: r.entry_id,
        versionId: r.version_id,
        entryCode: r.entry_code,
        entryName: r.entry_name,
        versionNo: r.version_no,
        providerDepartmentId: r.provider_department_id,
        consumerDepartmentId: r.consumer_department_id,
        systemName: r.system_name,
        purpose: r.purpose,
        items: maskingOf(version, itemIds),
        method: narrowed.method,
        validFrom: narrowed.periodFrom,
        validTo: narrowed.periodTo,
        conditions: narrowed.conditions,
        terms: narrowed.terms,
      },
      actor.userId,
    );
    await applicantAndDepartment(t, r, {
      kind: 'sharing.request.approved',
      title: `共享申请已获批准：${r.entry_name}（${r.no}）`,
      link: consoleLink(`/sharing/grants/${grantId}`),
    });
  });
  return getRequest(ctx, actor, id);
}
