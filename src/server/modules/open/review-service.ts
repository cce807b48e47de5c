import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { notify } from '../../platform/notify/service';
import { can } from '../../platform/rbac/permissions';
import { inScope, scopeOf } from '../../platform/rbac/scope';
import { consoleLink } from '../../../shared/console';
import { OPEN_REVIEW_CHECKS, type OpenReviewCheck } from '../../../shared/open/review';
import { setPortalVersion } from '../catalog';
import { openMaskingGaps } from '../exchange-delivery';
import * as repo from './review-repo';
import { attachmentsByOwner, bindAttachments } from './attachments-service';
import type { OpenDataset, OpenDatasetDetail, Review, ReviewInput } from './review-schemas';

/**
 * R-33 (Art 20): an open entry reaches the public only after two confidentiality reviews of the
 * version shown — its provider's leader, then the platform — and only with a masking rule chosen for
 * the public on every open item that holds personal or sensitive data. Either side may take it off
 * the portal at once. Rows are scoped to the provider (scopeOf 'open.dataset.manage').
 */
const scope = (actor: Actor) => scopeOf(actor, 'open.dataset.manage');

type Stage = 'provider' | 'platform';

/** Whose review the dataset waits for, if it is this actor's. */
function stageFor(actor: Actor, d: repo.DatasetRow): Stage | null {
  if (!can(actor.roles, 'open.review')) return null;
  // The platform's review is by whoever reviews for every department.
  if (d.status === 'platform_review') return scope(actor).kind === 'all' ? 'platform' : null;
  if (d.status === 'open') return null;
  return actor.departmentId === d.provider_department_id ? 'provider' : null;
}

const mayWithdraw = (actor: Actor, d: repo.DatasetRow) =>
  d.status === 'open' && can(actor.roles, 'open.withdraw') && inScope(scope(actor), d.provider_department_id);

function toDataset(actor: Actor, d: repo.DatasetRow): OpenDataset {
  return {
    entryId: d.entry_id,
    code: d.code,
    name: d.name,
    versionId: d.version_id,
    versionNo: d.version_no,
    openType: d.open_type,
    providerDepartmentId: d.provider_department_id,
    providerName: d.provider_name,
    status: d.status,
    openedAt: d.opened_at?.toISOString() ?? null,
    withdrawnAt: d.withdrawn_at?.toISOString() ?? null,
    withdrawnReason: d.withdrawn_reason,
    viewCount: Number(d.view_count),
    downloadCount: Number(d.download_count),
    actions: { review: stageFor(actor, d) !== null, withdraw: mayWithdraw(actor, d) },
  };
}

export async function listDatasets(
  ctx: AppContext,
  actor: Actor,
  f: repo.DatasetFilter,
  limit: number,
  offset: number,
): Promise<{ items: OpenDataset[]; total: number }> {
  const { rows, total } = await repo.listDatasets(ctx.db, scope(actor), f, limit, offset);
  return { items: rows.map((d) => toDataset(actor, d)), total };
}

async function load(ctx: AppContext, actor: Actor, entryId: string): Promise<repo.DatasetRow> {
  const d = await repo.findDataset(ctx.db, entryId, scope(actor));
  if (!d) throw notFound('Open catalog entry', '开放目录');
  return d;
}

export async function getDataset(ctx: AppContext, actor: Actor, entryId: string): Promise<OpenDatasetDetail> {
  const d = await load(ctx, actor, entryId);
  const [reviews, maskingGaps] = await Promise.all([repo.reviewsOf(ctx.db, entryId), openMaskingGaps(ctx, entryId)]);
  const files = await attachmentsByOwner(
    ctx,
    'review',
    reviews.map((r) => r.id),
  );
  return {
    ...toDataset(actor, d),
    reviews: reviews.map((r): Review => ({
      id: r.id,
      versionId: r.version_id,
      versionNo: r.version_no,
      stage: r.stage,
      reviewerName: r.reviewer_name,
      checklist: (typeof r.checklist === 'string' ? JSON.parse(r.checklist) : r.checklist) as Record<string, string>,
      conclusion: r.conclusion,
      opinion: r.opinion,
      attachments: files.get(r.id) ?? [],
      createdAt: r.created_at.toISOString(),
    })),
    maskingGaps,
  };
}

function checkInput(input: ReviewInput): void {
  const concerns = (Object.keys(input.checklist) as OpenReviewCheck[]).filter((c) => input.checklist[c] === 'concern');
  if (input.conclusion === 'pass' && concerns.length)
    throw badRequest(
      'OPEN_REVIEW_CONCERN',
      `A review that finds a concern cannot pass: ${concerns.map((c) => OPEN_REVIEW_CHECKS[c].en).join('; ')}`,
      `审查发现以下情形，不能同意开放：${concerns.map((c) => OPEN_REVIEW_CHECKS[c].zh).join('；')}`,
    );
  if (input.conclusion === 'fail' && !input.opinion?.trim())
    throw badRequest('OPEN_REVIEW_OPINION_REQUIRED', 'State why the review fails', '不同意开放时请填写审查意见');
}

/** Records one review; the platform's pass puts the version on the portal in the same transaction. */
export async function reviewDataset(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  input: ReviewInput,
): Promise<OpenDatasetDetail> {
  checkInput(input);
  await load(ctx, actor, entryId);
  await inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    await repo.lockDataset(db, entryId);
    const d = (await repo.findDataset(db, entryId))!;
    const stage = stageFor(actor, d);
    if (!stage)
      throw conflict(
        'OPEN_REVIEW_NOT_AWAITED',
        'This entry does not await your confidentiality review',
        '该资源当前不在您的保密审查环节',
      );
    const pass = input.conclusion === 'pass';
    if (stage === 'platform' && pass) {
      const gaps = await openMaskingGaps(t, entryId);
      if (gaps.length)
        throw badRequest(
          'OPEN_MASKING_MISSING',
          `Choose a masking rule for the public for: ${gaps.join(', ')}`,
          `以下含个人或敏感信息的开放信息项尚未配置开放渠道脱敏规则：${gaps.join('、')}`,
          { items: gaps },
        );
    }
    const now = ctx.clock.now();
    const reviewId = await repo.insertReview(db, {
      entry_id: entryId,
      version_id: d.version_id,
      stage,
      reviewer_id: actor.userId,
      checklist: JSON.stringify(input.checklist),
      conclusion: input.conclusion,
      opinion: input.opinion?.trim() || null,
    });
    await bindAttachments(db, actor, input.attachmentIds, 'review', reviewId);
    const opens = stage === 'platform' && pass;
    await repo.saveDataset(db, {
      entry_id: entryId,
      version_id: d.version_id,
      status: !pass ? 'refused' : opens ? 'open' : 'platform_review',
      opened_at: opens ? now : null,
      withdrawn_at: null,
      withdrawn_by: null,
      withdrawn_reason: null,
      updated_at: now,
    });
    if (opens) await setPortalVersion(t, entryId, d.version_id);
    const link = consoleLink(`/open/datasets/${entryId}`);
    if (stage === 'provider' && pass)
      await notify(
        t,
        { role: 'platform_admin' },
        {
          kind: 'open.review.requested',
          title: `开放前保密审查待平台审核：${d.name}（${d.code}）`,
          link,
        },
      );
    else
      await notify(
        t,
        { role: 'dept_leader', departmentId: d.provider_department_id },
        {
          kind: opens ? 'open.dataset.opened' : 'open.review.failed',
          title: `${opens ? '已在开放门户发布' : '保密审查未通过'}：${d.name}（${d.code}）`,
          body: input.opinion?.trim() || undefined,
          link,
        },
      );
  });
  return getDataset(ctx, actor, entryId);
}

/** Takes an open dataset off the portal at once (every public path), with the reason kept. */
export async function withdrawDataset(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  reason: string,
): Promise<OpenDatasetDetail> {
  const why = reason.trim();
  if (!why) throw badRequest('OPEN_REASON_REQUIRED', 'A reason is required', '请填写撤回理由');
  await load(ctx, actor, entryId);
  await inTransaction(ctx, async (db) => {
    await repo.lockDataset(db, entryId);
    const d = (await repo.findDataset(db, entryId))!;
    if (!mayWithdraw(actor, d))
      throw conflict('OPEN_NOT_OPEN', 'Only a dataset on the portal can be withdrawn', '只有已开放的资源可以撤回');
    const now = ctx.clock.now();
    await repo.updateDataset(db, entryId, {
      status: 'withdrawn',
      withdrawn_at: now,
      withdrawn_by: actor.userId,
      withdrawn_reason: why,
      updated_at: now,
    });
    await setPortalVersion({ ...ctx, db }, entryId, null);
  });
  return getDataset(ctx, actor, entryId);
}
