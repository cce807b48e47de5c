import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { Obj, Paged, pageBounds, Uuid } from '../../platform/http/schemas';
import * as reviews from './review-service';
import { DatasetQuery, OpenDataset, OpenDatasetDetail, ReviewInput, WithdrawInput } from './review-schemas';

const tags = ['open'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const EntryParams = Obj({ entryId: Uuid });
const target = { targetType: 'catalog_entry', targetParam: 'entryId' } as const;

/** open entries on their way to the portal, under /api/open (the console's side). */
export function reviewRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/datasets',
      {
        config: { access: 'open.read', audit: { category: 'query', action: 'open.dataset.search' } },
        schema: {
          tags,
          summary: 'Open entries and their confidentiality reviews / 开放目录及保密审查',
          querystring: DatasetQuery,
          response: { 200: Paged(OpenDataset) },
        },
      },
      async (req) => {
        const { page, pageSize, ...f } = req.query;
        const p = pageBounds({ page, pageSize });
        const { items, total } = await reviews.listDatasets(ctx, actorOf(req), f, p.limit, p.offset);
        req.auditNote.rowCount = items.length;
        return { items, total, page: p.page, pageSize: p.pageSize };
      },
    );

    app.get(
      '/datasets/:entryId',
      {
        config: { access: 'open.read', audit: { category: 'access', action: 'open.dataset.read', ...target } },
        schema: {
          tags,
          summary: 'One open entry with its reviews / 开放目录详情',
          params: EntryParams,
          response: { 200: OpenDatasetDetail },
        },
      },
      async (req) => reviews.getDataset(ctx, actorOf(req), req.params.entryId),
    );

    app.post(
      '/datasets/:entryId/reviews',
      {
        config: { access: 'open.review', audit: { category: 'admin', action: 'open.dataset.review', ...target } },
        schema: {
          tags,
          summary: 'Record a confidentiality review (保密审查) / 提交保密审查',
          params: EntryParams,
          body: ReviewInput,
          response: { 200: OpenDatasetDetail },
        },
      },
      async (req) => reviews.reviewDataset(ctx, actorOf(req), req.params.entryId, req.body),
    );

    app.post(
      '/datasets/:entryId/withdraw',
      {
        config: { access: 'open.withdraw', audit: { category: 'admin', action: 'open.dataset.withdraw', ...target } },
        schema: {
          tags,
          summary: 'Take a dataset off the open portal at once / 撤回开放',
          params: EntryParams,
          body: WithdrawInput,
          response: { 200: OpenDatasetDetail },
        },
      },
      async (req) => reviews.withdrawDataset(ctx, actorOf(req), req.params.entryId, req.body.reason),
    );
  };
}
