import type { AppContext } from '../../app-context';
import { OPEN_LICENCE } from '../../../shared/open/licence';
import { queryRecords } from '../exchange-delivery';
import type {
  OpenDatasetList,
  OpenDatasetMeta,
  OpenDatasetsQuery,
  OpenRecords,
  OpenRecordsQuery,
} from './open-api-schemas';
import { dictionaryItems, licenceRef } from './portal-dictionary';
import * as portalRepo from './portal-repo';
import { downloadable, portalDataset, searchPortal, type OpenReader } from './portal-service';

/**
 * the open API over the portal's datasets — the same datasets, items and masking as the portal
 * (a dataset off the portal is not found here either), for programs holding a key.
 */

export async function listOpenDatasets(ctx: AppContext, q: OpenDatasetsQuery): Promise<OpenDatasetList> {
  const r = await searchPortal(ctx, {
    q: q.q,
    openDomain: q.openDomain,
    departmentId: q.departmentId,
    openType: q.openType,
    page: q.page,
    pageSize: q.pageSize,
  });
  return {
    items: r.items.map((h) => ({
      code: h.code,
      name: h.name,
      summary: h.summary,
      providerName: h.providerName,
      openType: h.openType,
      updateCycle: h.updateCycle,
      openDomains: h.openDomains,
      publishedAt: h.publishedAt,
    })),
    total: r.total,
    page: r.page,
    pageSize: r.pageSize,
  };
}

export async function openDatasetMeta(ctx: AppContext, code: string): Promise<OpenDatasetMeta> {
  const d = await portalDataset(ctx, code);
  return {
    code: d.code,
    name: d.name,
    summary: d.summary,
    providerName: d.providerName,
    providerOffice: d.providerOffice,
    openType: d.openType,
    openCondition: d.openCondition,
    openDomains: d.openDomains,
    updateCycle: d.updateCycle,
    versionNo: d.versionNo,
    publishedAt: d.publishedAt,
    openedAt: d.openedAt,
    recordsAvailable: d.downloadable,
    dictionary: await dictionaryItems(ctx, d),
    licence: licenceRef(),
  };
}

/** A page of records, masked for the public; counted on the dataset's API calls (R-30's usage counts). */
export async function openRecords(
  ctx: AppContext,
  code: string,
  q: OpenRecordsQuery,
  reader: OpenReader,
): Promise<OpenRecords> {
  const { row, caller } = await downloadable(ctx, code, reader);
  const page = await queryRecords(ctx, caller, code, {
    fields: q.fields,
    filter: q.filter,
    sort: q.sort,
    limit: q.limit,
    offset: q.offset,
    cursor: q.cursor,
  });
  await portalRepo.bump(ctx.db, row.entry_id, 'api_call_count');
  return {
    code,
    columns: page.body.columns,
    items: page.body.items,
    nextCursor: page.body.nextCursor,
    licence: OPEN_LICENCE.id,
  };
}
