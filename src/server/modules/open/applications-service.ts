import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { workingDaysDeadline } from '../../platform/calendar/service';
import { addDays, shanghaiDate } from '../../platform/calendar/dates';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { scheduleJob } from '../../platform/jobs/service';
import { inScope, scopeOf } from '../../platform/rbac/scope';
import { consoleLink } from '../../../shared/console';
import { APPLICATION_ANSWER_WORKING_DAYS, APPLICATION_MAX_DAYS, COMMITMENT } from '../../../shared/open/applications';
import { findAccount } from './accounts-repo';
import * as repo from './applications-repo';
import { attachmentsByOwner, bindAttachments, type Attachment } from './attachments-service';
import type { Application, ApplicationQuery, ApplyInput, DecideInput } from './applications-schemas';
import { onPortal } from './portal-entry';

/**
 * R-32 (Art 22) 有条件开放: a real-name public user applies; the provider answers within 20 working
 * days of receipt; an approval opens the approved items to that applicant until a date, a refusal
 * gives its legal or policy basis and reason; the applicant reports the use afterwards.
 */

export const OVERDUE_JOB = 'open.application.overdue';
const consolePage = (id: string) => consoleLink(`/open/applications/${id}`);
const portalPage = '/me/applications';

const excerpt = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);
const required = (v: string | undefined, field: string, en: string, zh: string) => {
  const t = v?.trim();
  if (!t) throw badRequest('OPEN_APPLICATION_FIELD_REQUIRED', en, zh, { field });
  return t;
};

/** Items named by field, with their names from the dataset's shown version (a field no longer there keeps its name). */
type Items = Map<string, string>;
const named = (fields: string[] | null, items: Items) =>
  fields ? fields.map((f) => ({ field: f, name: items.get(f.toLowerCase()) ?? f })) : null;

function toApplication(r: repo.ApplicationRow, items: Items, now: Date, files: Attachment[]): Application {
  const today = shanghaiDate(now);
  return {
    id: r.id,
    no: r.no,
    datasetCode: r.dataset_code,
    datasetName: r.dataset_name ?? r.dataset_code,
    providerDepartmentId: r.provider_department_id,
    providerName: r.provider_name,
    applicantName: r.applicant_name,
    purpose: r.purpose,
    scenario: r.scenario,
    fields: named(r.fields, items)!,
    wantedUntil: r.wanted_until,
    commitmentVersion: r.commitment_version,
    commitmentSignedName: r.commitment_signed_name,
    commitmentSignedAt: r.commitment_signed_at.toISOString(),
    status: r.status,
    receivedAt: r.received_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    overdue: r.status === 'submitted' && r.due_at < now,
    decidedAt: r.decided_at?.toISOString() ?? null,
    decidedByName: r.decided_by_name,
    approvedFields: named(r.approved_fields, items),
    accessUntil: r.access_until,
    accessOpen: r.status === 'approved' && !!r.access_until && r.access_until >= today,
    refusalBasis: r.refusal_basis,
    refusalReason: r.refusal_reason,
    useReport: r.use_report,
    useReportedAt: r.use_reported_at?.toISOString() ?? null,
    attachments: files,
  };
}

/** Field → item name of the datasets behind some applications (their shown versions). */
async function itemNames(ctx: AppContext, codes: string[]): Promise<Items> {
  const names: Items = new Map();
  for (const code of new Set(codes)) {
    try {
      const { v } = await onPortal(ctx, code);
      for (const i of v.items) if (i.fieldName) names.set(i.fieldName.toLowerCase(), i.name);
    } catch (e) {
      // Withdrawn from the portal since: the fields stay named by themselves.
      if (!(e instanceof AppError && e.status === 404)) throw e;
    }
  }
  return names;
}

async function present(ctx: AppContext, rows: repo.ApplicationRow[]): Promise<Application[]> {
  const items = await itemNames(
    ctx,
    rows.map((r) => r.dataset_code),
  );
  const files = await attachmentsByOwner(
    ctx,
    'application',
    rows.map((r) => r.id),
  );
  const now = ctx.clock.now();
  return rows.map((r) => toApplication(r, items, now, files.get(r.id) ?? []));
}

const one = async (ctx: AppContext, r: repo.ApplicationRow) => (await present(ctx, [r]))[0]!;

/** A date within the allowed period from today, or the field's error. */
function checkUntil(date: string, today: string, field: string): string {
  if (date < today || date > addDays(today, APPLICATION_MAX_DAYS)) {
    throw badRequest(
      'OPEN_APPLICATION_PERIOD_INVALID',
      `The end of use must be from today to ${APPLICATION_MAX_DAYS} days ahead`,
      `使用期限应在今天至${APPLICATION_MAX_DAYS}天以内`,
      { field },
    );
  }
  return date;
}

export async function apply(ctx: AppContext, actor: Actor, code: string, input: ApplyInput): Promise<Application> {
  const { row, v } = await onPortal(ctx, code);
  if (v.openType !== 'conditional') {
    throw badRequest(
      'OPEN_APPLICATION_NOT_NEEDED',
      'This dataset is open to everyone: download it without applying',
      '该数据集为无条件开放，无需申请即可下载',
    );
  }
  const account = await findAccount(ctx.db, actor.userId);
  if (!account || account.real_name_status !== 'verified') {
    throw new AppError(
      403,
      'OPEN_APPLICATION_REALNAME_REQUIRED',
      'Only real-name verified accounts may apply; finish the real-name check in your account first',
      '有条件开放数据仅限通过实名核验的用户申请，请先在用户中心完成实名核验',
    );
  }
  const purpose = required(input.purpose, 'purpose', 'Describe the purpose', '请填写数据用途');
  const scenario = required(input.scenario, 'scenario', 'Describe the scenario', '请填写应用场景');
  const open = new Map(
    v.items.filter((i) => i.openType !== 'none' && i.fieldName).map((i) => [i.fieldName!.toLowerCase(), i.fieldName!]),
  );
  const fields = [...new Set(input.fields.map((f) => f.toLowerCase()))];
  const unknown = fields.filter((f) => !open.has(f));
  if (unknown.length) {
    throw badRequest(
      'OPEN_APPLICATION_FIELDS_INVALID',
      `Not open items of this dataset: ${unknown.join(', ')}`,
      `以下不是该数据集的开放数据项：${unknown.join('、')}`,
      { field: 'fields', items: unknown },
    );
  }
  // The signature is the account holder's own name (the agent's for a legal person).
  if (input.commitmentSignedName.trim() !== account.person_name) {
    throw badRequest(
      'OPEN_APPLICATION_SIGNATURE_MISMATCH',
      'Sign the commitment with your own name as registered',
      '请以注册的本人姓名签署安全承诺书',
      { field: 'commitmentSignedName' },
    );
  }
  const now = ctx.clock.now();
  const wantedUntil = checkUntil(input.wantedUntil, shanghaiDate(now), 'wantedUntil');
  const waiting = await repo.waitingApplication(ctx.db, row.entry_id, actor.userId);
  if (waiting) {
    throw conflict(
      'OPEN_APPLICATION_WAITING',
      `Application ${waiting.no} for this dataset is still waiting for its answer`,
      `您对该数据集的申请 ${waiting.no} 尚在办理中，请等待答复`,
    );
  }
  const dueAt = await workingDaysDeadline(ctx, now, APPLICATION_ANSWER_WORKING_DAYS);
  const id = await inTransaction(ctx, async (db) => {
    const tx = { ...ctx, db };
    const no = `KF${shanghaiDate(now).slice(0, 4)}${String(await repo.nextNumber(db)).padStart(6, '0')}`;
    const newId = await repo.insertApplication(db, {
      no,
      entry_id: row.entry_id,
      provider_department_id: v.providerDepartmentId,
      applicant_id: actor.userId,
      applicant_name: account.org_name ? `${account.org_name}（经办人：${account.person_name}）` : account.person_name,
      purpose,
      scenario,
      fields: fields.map((f) => open.get(f)!),
      wanted_until: wantedUntil,
      commitment_version: COMMITMENT.version,
      commitment_signed_name: account.person_name,
      commitment_signed_at: now,
      received_at: now,
      due_at: dueAt,
    });
    await bindAttachments(db, actor, input.attachmentIds, 'application', newId);
    await scheduleJob(tx, {
      kind: OVERDUE_JOB,
      runAt: new Date(dueAt.getTime() + 1),
      payload: { applicationId: newId },
      dedupeKey: `${OVERDUE_JOB}:${newId}`,
    });
    const notice = {
      kind: 'open.application.received',
      title: `收到有条件开放申请：${v.name}`,
      body: `${no}，用途：${excerpt(purpose)}。请于${shanghaiDate(dueAt)}前答复（${APPLICATION_ANSWER_WORKING_DAYS}个工作日）。`,
      link: consolePage(newId),
      payload: { applicationId: newId, entryId: row.entry_id, dueAt: dueAt.toISOString() },
    };
    await notify(tx, { role: 'dept_specialist', departmentId: v.providerDepartmentId }, notice);
    await notify(tx, { role: 'dept_leader', departmentId: v.providerDepartmentId }, notice);
    return newId;
  });
  return one(ctx, (await repo.findApplication(ctx.db, id))!);
}

/** Job handler: the answer is late; the provider and the platform (which supervises deadlines) are told. */
export async function remindOverdueApplication(ctx: AppContext, payload: { applicationId: string }): Promise<void> {
  const a = await repo.findApplication(ctx.db, payload.applicationId);
  if (!a || a.status !== 'submitted' || a.due_at >= ctx.clock.now()) return;
  const notice = {
    kind: 'open.application.overdue',
    title: `有条件开放申请逾期未答复：${a.dataset_name ?? a.dataset_code}`,
    body: `${a.no}（${a.applicant_name}）已超过答复期限（${shanghaiDate(a.due_at)}）。`,
    link: consolePage(a.id),
    payload: { applicationId: a.id },
  };
  await notify(ctx, { role: 'dept_specialist', departmentId: a.provider_department_id }, notice);
  await notify(ctx, { role: 'dept_leader', departmentId: a.provider_department_id }, notice);
  await notify(ctx, { role: 'platform_admin' }, notice);
}

const manageScope = (actor: Actor) => scopeOf(actor, 'open.application.manage');

export async function listMine(
  ctx: AppContext,
  actor: Actor,
  datasetCode: string | undefined,
  limit: number,
  offset: number,
) {
  const { rows, total } = await repo.listApplications(
    ctx.db,
    { applicantId: actor.userId },
    { datasetCode },
    limit,
    offset,
  );
  return { items: await present(ctx, rows), total };
}

export async function listForConsole(
  ctx: AppContext,
  actor: Actor,
  f: Omit<ApplicationQuery, 'page' | 'pageSize'>,
  limit: number,
  offset: number,
) {
  const { rows, total } = await repo.listApplications(
    ctx.db,
    { scope: manageScope(actor) },
    { status: f.status, q: f.q?.trim() || undefined, overdueAt: f.overdue ? ctx.clock.now() : undefined },
    limit,
    offset,
  );
  return { items: await present(ctx, rows), total };
}

const noSuchApplication = () => notFound('Application', '开放申请');

/** The applicant's own, or one the caller's department answers (the platform: every one). */
async function load(ctx: AppContext, actor: Actor, id: string) {
  const a = await repo.findApplication(ctx.db, id);
  if (!a) throw noSuchApplication();
  const own = a.applicant_id === actor.userId;
  if (!own && !inScope(manageScope(actor), a.provider_department_id)) throw noSuchApplication();
  return { a, own };
}

export async function getApplication(ctx: AppContext, actor: Actor, id: string): Promise<Application> {
  return one(ctx, (await load(ctx, actor, id)).a);
}

const moved = () =>
  conflict(
    'OPEN_APPLICATION_STATE_CHANGED',
    'The application has changed meanwhile; reload it',
    '申请状态已变化，请刷新后重试',
  );

/** The provider's answer: approve (items within those asked, until a date) or refuse with basis and reason. */
export async function decide(ctx: AppContext, actor: Actor, id: string, input: DecideInput): Promise<Application> {
  const { a } = await load(ctx, actor, id);
  // The platform oversees; the providing department answers (Art 22).
  if (a.provider_department_id !== actor.departmentId) {
    throw forbidden('Only the providing department answers', '只有数据提供部门可以答复开放申请');
  }
  if (a.status !== 'submitted') throw moved();
  const now = ctx.clock.now();
  const by = { decided_at: now, decided_by: actor.userId, decided_by_name: actor.realName };
  let patch;
  if (input.decision === 'approve') {
    const asked = new Map(a.fields.map((f) => [f.toLowerCase(), f]));
    const fields = input.fields?.length ? [...new Set(input.fields.map((f) => f.toLowerCase()))] : [...asked.keys()];
    const extra = fields.filter((f) => !asked.has(f));
    if (extra.length) {
      throw badRequest(
        'OPEN_APPLICATION_FIELDS_INVALID',
        `Only items asked for can be approved: ${extra.join(', ')}`,
        `只能同意申请中所列的数据项：${extra.join('、')}`,
        { field: 'fields', items: extra },
      );
    }
    const accessUntil = checkUntil(input.accessUntil ?? a.wanted_until, shanghaiDate(now), 'accessUntil');
    patch = {
      ...by,
      status: 'approved' as const,
      approved_fields: fields.map((f) => asked.get(f)!),
      access_until: accessUntil,
    };
  } else {
    const basis = required(
      input.basis,
      'basis',
      'State the law, regulation or policy the refusal rests on',
      '不予开放须说明法律法规或政策依据',
    );
    const reason = required(input.reason, 'reason', 'State the reason for refusing', '不予开放须说明理由');
    patch = { ...by, status: 'refused' as const, refusal_basis: basis, refusal_reason: reason };
  }
  await inTransaction(ctx, async (db) => {
    if (!(await repo.transition(db, id, 'submitted', patch))) throw moved();
    await notify(
      { ...ctx, db },
      { userIds: [a.applicant_id] },
      {
        kind: `open.application.${patch.status}`,
        title: `${patch.status === 'approved' ? '开放申请已同意' : '开放申请不予开放'}：${a.dataset_name ?? a.dataset_code}`,
        body:
          patch.status === 'approved' ? `可使用至${patch.access_until}。` : `理由：${excerpt(patch.refusal_reason)}`,
        link: portalPage,
        payload: { applicationId: id },
      },
    );
  });
  return one(ctx, (await repo.findApplication(ctx.db, id))!);
}

export async function withdraw(ctx: AppContext, actor: Actor, id: string): Promise<Application> {
  const { a, own } = await load(ctx, actor, id);
  if (!own) throw noSuchApplication();
  if (!(await repo.transition(ctx.db, id, 'submitted', { status: 'withdrawn' }))) throw moved();
  return one(ctx, { ...a, status: 'withdrawn' });
}

/** 成效反馈: after an approval the applicant says what the data was used for and what came of it. */
export async function reportUse(ctx: AppContext, actor: Actor, id: string, report: string): Promise<Application> {
  const { a, own } = await load(ctx, actor, id);
  if (!own) throw noSuchApplication();
  const text = required(report, 'report', 'Describe how the data was used', '请填写数据使用成效');
  if (a.status !== 'approved') {
    throw conflict(
      'OPEN_APPLICATION_NOT_APPROVED',
      'Only an approved application reports its use',
      '只有已同意的申请可以反馈使用成效',
    );
  }
  const at = ctx.clock.now();
  await repo.transition(ctx.db, id, 'approved', { use_report: text, use_reported_at: at });
  return one(ctx, { ...a, use_report: text, use_reported_at: at });
}
