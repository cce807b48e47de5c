import type { AppContext } from '../../app-context';
import { AppError, badRequest } from '../../platform/errors';
import { OPEN_DOMAINS } from '../../../shared/catalog/enums';
import { searchEntries, type SearchHit, type SearchQuery } from '../catalog';
import {
  openExport,
  queryRecords,
  type ExportDownload,
  type ExportFormat,
  type ExportRecipient,
  type PortalCaller,
  type XlsxSheet,
} from '../exchange-delivery';
import { shanghaiDate } from '../../platform/calendar/dates';
import { dataFreshness } from '../exchange-ingest';
import { departmentContact } from '../org';
import { approvedFields } from './applications-repo';
import * as repo from './portal-repo';
import { onPortal } from './portal-entry';
import type { PortalCard, PortalDataset, PortalHome, PortalPreview } from './portal-schemas';

/**
 * R-30/R-31 (Art 19, 21, 22): the open portal for citizens, companies and researchers, no login.
 * It lists only what the catalog's public visibility allows (open and reviewed, visibleEntriesFilter)
 * and serves data only for datasets on the portal, masked for the open channel.
 */
const PORTAL = { portal: true } as const;
export const PREVIEW_ROWS = 20;

/** The catalog's search as anyone outside sees it: open, reviewed entries only. */
export const searchPortal = (ctx: AppContext, q: SearchQuery) => searchEntries(ctx, null, { ...q, portal: 'open' });

const cardOf = (h: SearchHit, usage?: { view_count: string; download_count: string }): PortalCard => ({
  code: h.code,
  name: h.name,
  summary: h.summary,
  providerName: h.providerName,
  openType: h.openType,
  updateCycle: h.updateCycle,
  publishedAt: h.publishedAt,
  viewCount: Number(usage?.view_count ?? 0),
  downloadCount: Number(usage?.download_count ?? 0),
});

/** A card from the portal's own card query (most used, favourites). */
export const cardOfRow = (p: repo.CardRow): PortalCard => ({
  code: p.code,
  name: p.name,
  summary: p.summary.length > 120 ? `${p.summary.slice(0, 120)}…` : p.summary,
  providerName: p.provider_name,
  openType: p.open_type,
  updateCycle: p.update_cycle,
  publishedAt: p.published_at?.toISOString() ?? null,
  viewCount: Number(p.view_count),
  downloadCount: Number(p.download_count),
});

export async function portalHome(ctx: AppContext): Promise<PortalHome> {
  const [browse, popular, downloads] = await Promise.all([
    searchPortal(ctx, { sort: 'published_desc', pageSize: 6 }),
    repo.popular(ctx.db, 6),
    repo.totalDownloads(ctx.db),
  ]);
  const usage = new Map(
    (
      await repo.usageOf(
        ctx.db,
        browse.items.map((h) => h.entryId),
      )
    ).map((u) => [u.entry_id, u]),
  );
  const inDomain = new Map(browse.facets.openDomain.map((f) => [f.value, f.count]));
  return {
    totals: { datasets: browse.total, departments: browse.facets.department.length, downloads },
    domains: Object.entries(OPEN_DOMAINS).map(([value, l]) => ({
      value,
      label: l.zh,
      count: inDomain.get(value) ?? 0,
    })),
    departments: browse.facets.department.map((f) => ({ value: f.value, label: f.label, count: f.count })),
    newest: browse.items.map((h) => cardOf(h, usage.get(h.entryId))),
    popular: popular.map(cardOfRow),
  };
}

/** A dataset page's content; `count` adds the visit to its views (the page, not the API's own reads). */
export async function portalDataset(ctx: AppContext, code: string, count = false): Promise<PortalDataset> {
  const { row, v } = await onPortal(ctx, code);
  if (count) await repo.bump(ctx.db, row.entry_id, 'view_count');
  const [related, contact, data] = await Promise.all([
    relatedOnPortal(ctx, v.relatedCodes),
    departmentContact(ctx, v.providerDepartmentId),
    dataFreshness(ctx, row.entry_id),
  ]);
  return {
    entryId: row.entry_id,
    code: v.code,
    name: v.name,
    summary: v.summary,
    providerDepartmentId: v.providerDepartmentId,
    providerName: v.providerDepartmentName,
    providerOffice: v.providerOffice,
    contact,
    openType: v.openType as 'unconditional' | 'conditional',
    openCondition: v.openCondition,
    openDomains: v.openDomains,
    updateCycle: v.updateCycle,
    formatKind: v.formatKind,
    formatType: v.formatType,
    versionNo: v.versionNo,
    publishedAt: v.publishedAt,
    openedAt: row.opened_at?.toISOString() ?? null,
    data: data && { updatedAt: data.at, rows: data.rows },
    // The open items only; the public gets personal and sensitive ones masked (a rule is required to open, R-33).
    items: v.items
      .filter((i) => i.openType !== 'none')
      .map((i) => ({
        name: i.name,
        fieldName: i.fieldName,
        dataType: i.dataType,
        length: i.length,
        description: i.description,
        masked: i.sensitivity !== 'none',
      })),
    counts: {
      views: Number(row.view_count) + (count ? 1 : 0),
      downloads: Number(row.download_count),
      apiCalls: Number(row.api_call_count),
    },
    related,
    downloadable: v.openType === 'unconditional',
  };
}

/** The related entries that are on the portal too, by code and name (the others are no public page's business). */
async function relatedOnPortal(ctx: AppContext, codes: string[]): Promise<Array<{ code: string; name: string }>> {
  return (
    await Promise.all(
      codes.map(async (c) => {
        try {
          return [{ code: c, name: (await onPortal(ctx, c)).v.name }];
        } catch (e) {
          if (e instanceof AppError && e.status === 404) return [];
          throw e;
        }
      }),
    )
  ).flat();
}

/** Who fetches open data: anyone (null), or a signed-in public user, whose approved applications open 有条件开放 data. */
export type OpenReader = { userId: string } | null;

/**
 * 无条件开放 data goes to anyone; 有条件开放 data only to an approved applicant (R-32, Art 22), only
 * the items approved and only until the approved date. Returns the portal row and how to read.
 */
export async function downloadable(ctx: AppContext, code: string, reader: OpenReader = null) {
  const { row, v } = await onPortal(ctx, code);
  if (v.openType === 'unconditional') return { row, caller: PORTAL as PortalCaller };
  const fields = reader ? await approvedFields(ctx.db, row.entry_id, reader.userId, shanghaiDate(ctx.clock.now())) : [];
  if (!fields.length) {
    throw badRequest(
      'OPEN_APPLICATION_REQUIRED',
      'This dataset is open on conditions: apply for it first',
      '该数据集为有条件开放，请先提交开放申请',
    );
  }
  return { row, caller: { portal: true, fields } as PortalCaller };
}

export async function portalPreview(ctx: AppContext, code: string, reader: OpenReader = null): Promise<PortalPreview> {
  const { caller } = await downloadable(ctx, code, reader);
  try {
    const page = await queryRecords(ctx, caller, code, { limit: PREVIEW_ROWS });
    return { columns: page.body.columns, items: page.body.items, available: true };
  } catch (e) {
    // Not loaded yet: the page says so instead of failing.
    if (e instanceof AppError && e.status === 404) return { columns: [], items: [], available: false };
    throw e;
  }
}

/** `appendix`: the sheets an XLSX ends with (the dictionary and licence, portal-dictionary.ts). */
export async function portalDownload(
  ctx: AppContext,
  code: string,
  format: ExportFormat,
  appendix?: XlsxSheet[],
  reader: OpenReader = null,
  recipient: ExportRecipient | null = null,
): Promise<ExportDownload> {
  const { row, caller } = await downloadable(ctx, code, reader);
  const d = await openExport(ctx, caller, code, { format, appendix, recipient });
  await repo.bump(ctx.db, row.entry_id, 'download_count');
  return d;
}
