import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { shanghaiDate } from '../../platform/calendar/dates';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import type { FieldProblem } from '../../../shared/catalog/schemas';
import { type EntryVersion, publishedVersionOf, loadVersion } from '../catalog';
import { listSpecialists } from '../org';
import { DEFAULT_GRANT_MONTHS, type RequestKind } from './enums';
import * as grants from './grants-service';
import { findLetterContent, findLetterMeta, toLetter } from './letters-service';
import * as repo from './requests-repo';
import { toRequest, toSummary } from './request-model';
import { deadlineDays, openStepFor } from './steps-service';
import type { ApplyInfo, RequestInput, ResubmitInput, ShareRequest } from './schemas';
import { USE_TERMS } from './use-limits';
import { consoleLink } from '../../../shared/console';

/** R-10 … R-13: what a department may request, and requests from submission to the first review step. */

const link = (id: string) => consoleLink(`/sharing/requests/${id}`);

const requestProblem = (field: string, code: string, message: string, messageZh: string): FieldProblem => ({
  field,
  code,
  message,
  messageZh,
});

function refuse(problems: FieldProblem[]): never {
  const first = problems[0]!;
  throw badRequest(
    'SHARING_REQUEST_INVALID',
    `The request has ${problems.length} problem(s): ${first.message}`,
    `共享申请填写有${problems.length}处问题：${first.messageZh}`,
    { problems },
  );
}

/** Why this department cannot request the entry at all, if it cannot. */
function notRequestable(v: EntryVersion, actor: Pick<Actor, 'departmentId'>): AppError | null {
  if (!actor.departmentId)
    return new AppError(
      403,
      'SHARING_NO_DEPARTMENT',
      'Only department accounts apply for resources',
      '只有部门账号可以申请共享',
    );
  if (v.providerDepartmentId === actor.departmentId)
    return conflict(
      'SHARING_OWN_ENTRY',
      'This is your own department’s resource',
      '这是本部门提供的信息资源，无需申请',
    );
  if (v.shareType === 'none') {
    return new AppError(
      403,
      'SHARING_NOT_SHARED',
      `Not shared: ${v.shareCondition ?? ''}`,
      `该信息资源不予共享，依据：${v.shareCondition ?? '（未填写）'}`,
    );
  }
  return null;
}

const requestableItems = (v: EntryVersion) => v.items.filter((i) => i.shareType !== 'none');

/** 有条件共享 when the entry or any requested item is; 无条件共享 only when everything asked for is. */
function kindOf(v: EntryVersion, itemIds: readonly string[]): RequestKind {
  if (v.shareType === 'conditional') return 'conditional';
  return v.items.some((i) => itemIds.includes(i.id) && i.shareType === 'conditional') ? 'conditional' : 'unconditional';
}

async function publishedOrThrow(ctx: AppContext, entryId: string): Promise<EntryVersion> {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  return v;
}

export async function applyInfo(ctx: AppContext, actor: Actor, entryId: string): Promise<ApplyInfo> {
  const v = await publishedOrThrow(ctx, entryId);
  const refusal = notRequestable(v, actor);
  const [specialists, activeGrant, open, days] = await Promise.all([
    listSpecialists(ctx, { departmentId: v.providerDepartmentId, active: true }, 20, 0),
    grants.activeGrantOf(ctx, actor, entryId),
    actor.departmentId ? repo.openRequestOf(ctx.db, actor.departmentId, entryId) : undefined,
    deadlineDays(ctx),
  ]);
  const openSteps = open ? await repo.stepsOf(ctx.db, [open.id]) : [];
  const requestable = new Set(requestableItems(v).map((i) => i.id));
  return {
    entryId,
    code: v.code,
    name: v.name,
    versionId: v.id,
    versionNo: v.versionNo,
    providerDepartmentId: v.providerDepartmentId,
    providerDepartmentName: v.providerDepartmentName,
    shareType: v.shareType,
    shareCondition: v.shareCondition,
    requestable: !refusal,
    notRequestableReason: refusal
      ? { code: refusal.code, message: refusal.message, messageZh: refusal.messageZh ?? refusal.message }
      : null,
    methods: v.shareMethods as ApplyInfo['methods'],
    updateCycle: v.updateCycle,
    items: v.items.map((i) => ({
      id: i.id,
      name: i.name,
      fieldName: i.fieldName,
      dataType: i.dataType,
      sensitivity: i.sensitivity,
      maskRule: i.maskRule,
      shareType: i.shareType,
      requestable: requestable.has(i.id),
    })),
    specialists: specialists.items.map((s) => ({
      name: s.name,
      title: s.title,
      mobile: s.mobile,
      phone: s.phone,
      email: s.email,
    })),
    activeGrant,
    openRequest: open ? toSummary(open, openSteps, ctx.clock.now()) : null,
    terms: { version: USE_TERMS.version, textZh: USE_TERMS.textZh, textEn: USE_TERMS.textEn },
    letterRequired: v.shareType === 'conditional' || v.items.some((i) => i.shareType === 'conditional'),
    deadlines: { prereviewWorkingDays: days.admin_prereview, providerWorkingDays: days.provider_decision },
  };
}

/** Every field problem at once, so the applicant fixes the form in one go. */
async function checkFields(
  ctx: AppContext,
  actor: Actor,
  v: EntryVersion,
  input: ResubmitInput,
  kind: RequestKind,
): Promise<void> {
  const problems: FieldProblem[] = [];
  const requestable = new Set(requestableItems(v).map((i) => i.id));
  const bad = input.itemIds.filter((id) => !requestable.has(id));
  if (bad.length)
    problems.push(
      requestProblem(
        'itemIds',
        'SHARING_ITEMS_NOT_REQUESTABLE',
        'Some items are not part of this resource or not shared',
        '所选信息项不属于该资源或不予共享',
      ),
    );
  if (!v.shareMethods.includes(input.method))
    problems.push(
      requestProblem(
        'method',
        'SHARING_METHOD_NOT_OFFERED',
        'The provider does not offer this sharing method',
        '提供方未提供该共享方式',
      ),
    );
  if (!input.purpose.trim())
    problems.push(requestProblem('purpose', 'SHARING_PURPOSE_REQUIRED', 'State the purpose', '请填写使用用途'));
  if (!input.systemName.trim())
    problems.push(
      requestProblem(
        'systemName',
        'SHARING_SYSTEM_REQUIRED',
        'Name the consuming information system',
        '请填写使用的信息系统名称',
      ),
    );
  const today = shanghaiDate(ctx.clock.now());
  if (kind === 'conditional') {
    if (!input.periodFrom)
      problems.push(
        requestProblem(
          'periodFrom',
          'SHARING_PERIOD_REQUIRED',
          'State from when the data is needed',
          '请填写使用期限的开始日期',
        ),
      );
    if (!input.periodTo)
      problems.push(
        requestProblem(
          'periodTo',
          'SHARING_PERIOD_REQUIRED',
          'State until when the data is needed',
          '请填写使用期限的结束日期',
        ),
      );
    if (!input.letterId)
      problems.push(
        requestProblem(
          'letterId',
          'SHARING_LETTER_REQUIRED',
          'Conditional sharing needs the application letter with the official seal',
          '有条件共享须上传加盖公章的申请函',
        ),
      );
  }
  if (input.periodFrom && input.periodFrom < today)
    problems.push(
      requestProblem(
        'periodFrom',
        'SHARING_PERIOD_PAST',
        'The period cannot start in the past',
        '使用期限不能早于今天',
      ),
    );
  if (input.periodFrom && input.periodTo && input.periodTo < input.periodFrom) {
    problems.push(
      requestProblem(
        'periodTo',
        'SHARING_PERIOD_ORDER',
        'The period ends before it starts',
        '使用期限的结束日期早于开始日期',
      ),
    );
  }
  if (input.letterId) {
    const letter = await findLetterMeta(ctx, input.letterId);
    if (letter?.department_id !== actor.departmentId)
      problems.push(requestProblem('letterId', 'SHARING_LETTER_UNKNOWN', 'Upload the letter first', '请先上传申请函'));
  }
  if (problems.length) refuse(problems);
}

/** The columns a request's applicant fills in, as stored (on submission and on resubmission). */
const fieldColumns = (input: ResubmitInput) => ({
  purpose: input.purpose.trim(),
  system_name: input.systemName.trim(),
  item_ids: [...new Set(input.itemIds)],
  method: input.method,
  period_from: input.periodFrom ?? null,
  period_to: input.periodTo ?? null,
  letter_id: input.letterId ?? null,
});

/** Masking of each granted item as the catalog states it now (R-16: what, with which masking). */
export function maskingOf(v: EntryVersion, itemIds: readonly string[]) {
  return v.items
    .filter((i) => itemIds.includes(i.id))
    .map((i) => ({ itemId: i.id, name: i.name, fieldName: i.fieldName ?? i.name, maskRule: i.maskRule }));
}

/**
 * a department applies. 无条件共享 is granted at once (purpose and system still recorded);
 * 有条件共享 goes to the platform's pre-review with its deadline.
 */
export async function createRequest(ctx: AppContext, actor: Actor, input: RequestInput): Promise<ShareRequest> {
  const v = await publishedOrThrow(ctx, input.entryId);
  const refusal = notRequestable(v, actor);
  if (refusal) throw refusal;
  const departmentId = actor.departmentId!;
  if (input.termsVersion !== USE_TERMS.version) {
    throw conflict(
      'SHARING_TERMS_OUTDATED',
      'The use terms changed; read and accept them again',
      '使用约定已更新，请重新阅读并确认',
    );
  }
  const kind = kindOf(v, input.itemIds);
  await checkFields(ctx, actor, v, input, kind);
  if (await grants.activeGrantOf(ctx, actor, input.entryId)) {
    throw conflict(
      'SHARING_ALREADY_GRANTED',
      'Your department already holds an active grant for this resource',
      '本部门已获得该资源的有效授权，如需调整请联系提供部门',
    );
  }

  const id = await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const now = ctx.clock.now();
    const today = shanghaiDate(now);
    const year = Number(today.slice(0, 4));
    const no = `GX-${year}-${String(await repo.nextNumber(db, 'request', year)).padStart(6, '0')}`;
    const requestId = await repo
      .insertRequest(db, {
        no,
        kind,
        status: kind === 'unconditional' ? 'approved' : 'prereview',
        entry_id: v.entryId,
        version_id: v.id,
        entry_code: v.code,
        entry_name: v.name,
        version_no: v.versionNo,
        provider_department_id: v.providerDepartmentId,
        consumer_department_id: departmentId,
        applicant_id: actor.userId,
        ...fieldColumns(input),
        terms_version: input.termsVersion,
        terms_accepted_at: now,
        submitted_at: now,
        decided_at: kind === 'unconditional' ? now : null,
        created_at: now,
        updated_at: now,
      })
      .catch((e: unknown) => {
        // The partial unique index: another request of this department on this entry is in progress.
        if ((e as { code?: string }).code === '23505') {
          throw conflict(
            'SHARING_REQUEST_OPEN',
            'Your department already has a request in progress for this resource',
            '本部门对该资源已有办理中的申请',
          );
        }
        throw e;
      });
    if (kind === 'unconditional') {
      const validity = input.periodTo
        ? { from: input.periodFrom ?? today, to: input.periodTo }
        : grants.defaultValidity(input.periodFrom ?? today, DEFAULT_GRANT_MONTHS);
      const grantId = await grants.createGrant(
        t,
        {
          requestId,
          entryId: v.entryId,
          versionId: v.id,
          entryCode: v.code,
          entryName: v.name,
          versionNo: v.versionNo,
          providerDepartmentId: v.providerDepartmentId,
          consumerDepartmentId: departmentId,
          systemName: input.systemName.trim(),
          purpose: input.purpose.trim(),
          items: maskingOf(v, input.itemIds),
          method: input.method,
          validFrom: validity.from,
          validTo: validity.to,
          conditions: null,
        },
        actor.userId,
      );
      // the provider learns who uses its data and why, without being asked to decide.
      await notify(
        t,
        { role: 'dept_specialist', departmentId: v.providerDepartmentId },
        {
          kind: 'sharing.grant.unconditional',
          title: `${actor.departmentName ?? ''}已获得无条件共享授权：${v.name}`,
          body: `用途：${input.purpose.trim()}；信息系统：${input.systemName.trim()}`,
          link: consoleLink(`/sharing/grants/${grantId}`),
        },
      );
    } else {
      await openStepFor(t, requestId, 'admin_prereview', 1, now);
      await notify(
        t,
        { role: 'platform_admin' },
        {
          kind: 'sharing.request.submitted',
          title: `新的有条件共享申请待初审：${v.name}（${no}）`,
          link: link(requestId),
        },
      );
    }
    return requestId;
  });
  return getRequest(ctx, actor, id);
}

export async function listRequests(
  ctx: AppContext,
  actor: Actor,
  f: repo.RequestFilter,
  limit: number,
  offset: number,
) {
  const now = ctx.clock.now();
  const { rows, total } = await repo.listRequests(ctx.db, grants.viewerOf(actor), f, now, limit, offset);
  const steps = await repo.stepsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toSummary(r, steps, now)), total };
}

export async function findVisible(ctx: AppContext, actor: Pick<Actor, 'departmentId' | 'roles'>, id: string) {
  const r = await repo.findRequest(ctx.db, id, grants.viewerOf(actor));
  if (!r) throw notFound('Share request', '共享申请');
  return r;
}

export async function getRequest(ctx: AppContext, actor: Actor, id: string): Promise<ShareRequest> {
  const r = await findVisible(ctx, actor, id);
  const [steps, letter, grant, version] = await Promise.all([
    repo.stepsOf(ctx.db, [id]),
    r.letter_id ? findLetterMeta(ctx, r.letter_id) : undefined,
    grants.grantOfRequest(ctx, actor, id),
    loadVersion(ctx, null, r.version_id),
  ]);
  return toRequest(r, { steps, version, letter: letter ? toLetter(letter) : null, grant }, actor, ctx.clock.now());
}

/** The applicant's department fixes a returned request; it goes back to pre-review with a new deadline. */
export async function resubmitRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: ResubmitInput,
): Promise<ShareRequest> {
  const r = await findVisible(ctx, actor, id);
  if (r.consumer_department_id !== actor.departmentId)
    throw forbidden('Only the applying department resubmits', '只有申请部门可以重新提交');
  const v = await publishedOrThrow(ctx, r.entry_id);
  // Only conditional requests are ever returned; they keep their letter and period requirements.
  await checkFields(ctx, actor, v, input, 'conditional');
  await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const locked = await repo.lockRequest(db, id);
    if (locked?.status !== 'returned')
      throw conflict(
        'SHARING_NOT_RETURNED',
        'Only a returned request can be resubmitted',
        '只有被退回的申请可以重新提交',
      );
    const now = ctx.clock.now();
    await repo.updateRequest(db, id, {
      status: 'prereview',
      version_id: v.id,
      entry_name: v.name,
      version_no: v.versionNo,
      ...fieldColumns(input),
      submitted_at: now,
      updated_at: now,
    });
    await openStepFor(t, id, 'admin_prereview', (await repo.maxRound(db, id, 'admin_prereview')) + 1, now);
    await notify(
      t,
      { role: 'platform_admin' },
      { kind: 'sharing.request.resubmitted', title: `共享申请已补充后重新提交：${v.name}（${r.no}）`, link: link(id) },
    );
  });
  return getRequest(ctx, actor, id);
}

export async function withdrawRequest(ctx: AppContext, actor: Actor, id: string): Promise<ShareRequest> {
  const r = await findVisible(ctx, actor, id);
  if (r.consumer_department_id !== actor.departmentId)
    throw forbidden('Only the applying department withdraws', '只有申请部门可以撤回');
  await inTransaction(ctx, async (db) => {
    const locked = await repo.lockRequest(db, id);
    if (!locked || !['prereview', 'returned', 'provider_review'].includes(locked.status)) {
      throw conflict('SHARING_NOT_OPEN', 'The request is no longer in progress', '该申请已办结，不能撤回');
    }
    const now = ctx.clock.now();
    const open = await repo.openStep(db, id);
    if (open) await repo.decideStep(db, open.id, { decided_at: now, decided_by: actor.userId, decision: 'withdrawn' });
    await repo.updateRequest(db, id, { status: 'withdrawn', decided_at: now, updated_at: now });
    // Whoever was to decide next need not any more.
    const notice = {
      kind: 'sharing.request.withdrawn',
      title: `共享申请已撤回：${r.entry_name}（${r.no}）`,
      link: link(id),
    };
    const t = { ...ctx, db };
    if (locked.status === 'provider_review') {
      for (const role of ['dept_specialist', 'dept_leader'] as const)
        await notify(t, { role, departmentId: r.provider_department_id }, notice);
    } else if (locked.status === 'prereview') {
      await notify(t, { role: 'platform_admin' }, notice);
    }
  });
  return getRequest(ctx, actor, id);
}

/** The application letter, for the applicant's department, the provider (once it reached them) and the platform. */
export async function letterOf(ctx: AppContext, actor: Actor, id: string) {
  const r = await findVisible(ctx, actor, id);
  if (!r.letter_id) throw notFound('Application letter', '申请函');
  const letter = await findLetterContent(ctx, r.letter_id);
  if (!letter) throw notFound('Application letter', '申请函');
  return letter;
}
