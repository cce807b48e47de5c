import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { scopeOf } from '../../platform/rbac/scope';
import { consoleLink } from '../../../shared/console';
import { getDepartment } from '../org';
import * as repo from './data-requests-repo';
import type { AnswerRequestInput, DataRequest, DataRequestInput, ModerateRequestInput } from './data-requests-schemas';
import { portalEntry } from './portal-entry';

/**
 * the public asks for data that is not open yet (数据需求). The platform moderates each request
 * before anyone else sees it and routes it to the department expected to hold the data; that
 * department (or the platform) answers, possibly with the dataset that now satisfies it. Published
 * and answered requests are public, without the requester's name; others say "I need it too".
 */

const staffScope = (actor: Actor) => scopeOf(actor, 'open.feedback.answer');
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const excerpt = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);
const MY_REQUESTS = '/me/requests';
const consoleRequest = (id: string) => consoleLink(`/open/requests/${id}`);

export const fieldError = (code: string, field: string, en: string, zh: string) =>
  badRequest(code, en, zh, { problems: [{ field, code, message: en, messageZh: zh }] });

/** Schemas refuse empty strings; this refuses text that is only spaces, naming the field. */
export const required = (s: string, field: string, en: string, zh: string) => {
  const t = s.trim();
  if (!t) throw fieldError('FIELD_REQUIRED', field, en, zh);
  return t;
};

interface Viewer {
  userId: string | null;
  /** Platform reviewers: see who asked. */
  city: boolean;
  staff: boolean;
}

const publicViewer = (actor: Actor | null): Viewer => ({ userId: actor?.userId ?? null, city: false, staff: false });
const staffViewer = (actor: Actor): Viewer => ({
  userId: actor.userId,
  city: staffScope(actor).kind === 'all',
  staff: true,
});

function toRequest(r: repo.RequestRow, v: Viewer): DataRequest {
  const mine = v.userId !== null && r.requester_id === v.userId;
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    purpose: r.purpose,
    status: r.status,
    wantedDepartmentId: r.wanted_department_id,
    wantedDepartmentName: r.wanted_department_name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    rejectReason: mine || v.staff ? r.reject_reason : null,
    answer: r.answer,
    answeredByName: r.answered_at ? r.answered_by_department_name : null,
    answerEntry:
      r.answer_entry_code && r.answer_entry_name ? { code: r.answer_entry_code, name: r.answer_entry_name } : null,
    votes: r.vote_count,
    voted: r.voted,
    mine,
    requesterName: v.city ? r.requester_name : null,
    createdAt: r.created_at.toISOString(),
    moderatedAt: iso(r.moderated_at),
    answeredAt: iso(r.answered_at),
  };
}

const unknownRequest = () => notFound('Data request', '数据需求');

/** A department named in input must exist; its absence is the caller's mistake in that field. */
async function checkDepartment(ctx: AppContext, id: string, field: string): Promise<void> {
  try {
    await getDepartment(ctx, id);
  } catch (e) {
    if (e instanceof AppError && e.status === 404)
      throw fieldError('DEPARTMENT_UNKNOWN', field, 'No such department', '所选部门不存在');
    throw e;
  }
}

// ---- the public ----

export async function listPublicRequests(
  ctx: AppContext,
  actor: Actor | null,
  f: { q?: string; status?: 'published' | 'answered'; sort?: 'newest' | 'votes' },
  limit: number,
  offset: number,
) {
  const q = f.q?.trim() || undefined;
  const { rows, total } = await repo.listPublic(ctx.db, { ...f, q }, actor?.userId ?? null, limit, offset);
  const v = publicViewer(actor);
  return { items: rows.map((r) => toRequest(r, v)), total };
}

export async function getPublicRequest(ctx: AppContext, actor: Actor | null, id: string): Promise<DataRequest> {
  const r = await repo.findPublic(ctx.db, id, actor?.userId ?? null);
  if (!r) throw unknownRequest();
  return toRequest(r, publicViewer(actor));
}

export async function listMyRequests(ctx: AppContext, actor: Actor, limit: number, offset: number) {
  const { rows, total } = await repo.listMine(ctx.db, actor.userId, limit, offset);
  const v = publicViewer(actor);
  return { items: rows.map((r) => toRequest(r, v)), total };
}

export async function fileRequest(ctx: AppContext, actor: Actor, input: DataRequestInput): Promise<DataRequest> {
  const title = required(input.title, 'title', 'Name the data you need', '请填写需求名称');
  const description = required(input.description, 'description', 'Describe the data you need', '请描述所需数据');
  const purpose = required(input.purpose, 'purpose', 'Say what you would use it for', '请填写数据用途或应用场景');
  if (input.wantedDepartmentId) await checkDepartment(ctx, input.wantedDepartmentId, 'wantedDepartmentId');
  const now = ctx.clock.now();
  const id = await inTransaction(ctx, async (db) => {
    const id = await repo.insertRequest(db, {
      title,
      description,
      purpose,
      wanted_department_id: input.wantedDepartmentId ?? null,
      department_id: null,
      requester_id: actor.userId,
      reject_reason: null,
      moderated_by: null,
      moderated_at: null,
      answer: null,
      answer_entry_id: null,
      answered_by: null,
      answered_at: null,
      created_at: now,
      updated_at: now,
    });
    // The requester is the first who needs it.
    await repo.addVote(db, id, actor.userId, now);
    return id;
  });
  return getPublicRequest(ctx, actor, id);
}

export async function voteRequest(ctx: AppContext, actor: Actor, id: string): Promise<DataRequest> {
  const r = await repo.findPublic(ctx.db, id, actor.userId);
  if (!r) throw unknownRequest();
  if (r.status !== 'published')
    throw conflict(
      'OPEN_REQUEST_NOT_VOTABLE',
      'Only a published request waiting for its answer takes votes',
      '只能对已公开、待答复的数据需求表示“我也需要”',
    );
  if (!(await repo.addVote(ctx.db, id, actor.userId, ctx.clock.now())))
    throw conflict('OPEN_REQUEST_ALREADY_VOTED', 'You have already said you need this', '您已表示过需要该数据');
  return getPublicRequest(ctx, actor, id);
}

// ---- the console ----

export async function listStaffRequests(
  ctx: AppContext,
  actor: Actor,
  f: { q?: string; status?: repo.RequestRow['status'] },
  limit: number,
  offset: number,
) {
  const q = f.q?.trim() || undefined;
  const { rows, total } = await repo.listForStaff(ctx.db, staffScope(actor), { ...f, q }, limit, offset);
  const v = staffViewer(actor);
  return { items: rows.map((r) => toRequest(r, v)), total };
}

async function loadForStaff(ctx: AppContext, actor: Actor, id: string) {
  const r = await repo.findForStaff(ctx.db, staffScope(actor), id);
  if (!r) throw unknownRequest();
  return r;
}

export async function getStaffRequest(ctx: AppContext, actor: Actor, id: string): Promise<DataRequest> {
  return toRequest(await loadForStaff(ctx, actor, id), staffViewer(actor));
}

const notModerable = () =>
  conflict('OPEN_REQUEST_NOT_SUBMITTED', 'The request has already been moderated', '该数据需求已审核');

/** The platform publishes a request (routing it to a department) or rejects it with a reason the requester reads. */
export async function moderateRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: ModerateRequestInput,
): Promise<DataRequest> {
  const r = await loadForStaff(ctx, actor, id);
  const now = ctx.clock.now();
  const moderated = { moderated_by: actor.userId, moderated_at: now, updated_at: now };
  if (input.decision === 'reject') {
    const reason = required(
      input.reason ?? '',
      'reason',
      'Say why the request is not published',
      '请填写不予公开的理由',
    );
    if (
      !(await repo.transition(ctx.db, id, ['submitted'], { status: 'rejected', reject_reason: reason, ...moderated }))
    )
      throw notModerable();
    await notify(
      ctx,
      { userIds: [r.requester_id] },
      {
        kind: 'open.request.rejected',
        title: `您的数据需求未通过审核：${excerpt(r.title)}`,
        body: `理由：${reason}`,
        link: MY_REQUESTS,
        payload: { requestId: id },
      },
    );
    return getStaffRequest(ctx, actor, id);
  }
  const departmentId = input.departmentId !== undefined ? input.departmentId : r.wanted_department_id;
  if (departmentId) await checkDepartment(ctx, departmentId, 'departmentId');
  if (
    !(await repo.transition(ctx.db, id, ['submitted'], {
      status: 'published',
      department_id: departmentId,
      ...moderated,
    }))
  )
    throw notModerable();
  if (departmentId) {
    const notice = {
      kind: 'open.request.routed',
      title: `收到社会公众数据需求：${excerpt(r.title)}`,
      body: `平台已公开一项社会公众提出的数据需求并转至本部门，请研究答复：${excerpt(r.description, 120)}`,
      link: consoleRequest(id),
      payload: { requestId: id },
    };
    await notify(ctx, { role: 'dept_specialist', departmentId }, notice);
    await notify(ctx, { role: 'dept_leader', departmentId }, notice);
  }
  return getStaffRequest(ctx, actor, id);
}

/** The department it was routed to, or the platform, answers; a later answer replaces the earlier one. */
export async function answerRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: AnswerRequestInput,
): Promise<DataRequest> {
  const answer = required(input.answer, 'answer', 'Write the answer', '请填写答复内容');
  const r = await loadForStaff(ctx, actor, id);
  let entryId: string | null = null;
  if (input.entryCode) {
    try {
      entryId = (await portalEntry(ctx, input.entryCode)).entryId;
    } catch (e) {
      if (e instanceof AppError && e.status === 404)
        throw fieldError(
          'OPEN_ANSWER_ENTRY_NOT_OPEN',
          'entryCode',
          'No open dataset on the portal has this code',
          '门户上没有该编码的开放数据集',
        );
      throw e;
    }
  }
  const now = ctx.clock.now();
  const moved = await repo.transition(ctx.db, id, ['published', 'answered'], {
    status: 'answered',
    answer,
    answer_entry_id: entryId,
    answered_by: actor.userId,
    answered_at: now,
    updated_at: now,
  });
  if (!moved)
    throw conflict(
      'OPEN_REQUEST_NOT_PUBLISHED',
      'Only a published request can be answered',
      '只能答复已公开的数据需求',
    );
  await notify(
    ctx,
    { userIds: [r.requester_id] },
    {
      kind: 'open.request.answered',
      title: `您的数据需求已答复：${excerpt(r.title)}`,
      body: excerpt(answer, 120),
      link: MY_REQUESTS,
      payload: { requestId: id },
    },
  );
  return getStaffRequest(ctx, actor, id);
}
