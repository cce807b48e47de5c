import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../../platform/excel';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { shanghaiDate } from '../../platform/calendar/dates';
import { catalogEnums } from './classes-service';
import {
  DATA_TYPES,
  FORMAT_KINDS,
  OPEN_TYPES,
  SENSITIVITIES,
  SHARE_METHODS,
  SHARE_TYPES,
  UPDATE_CYCLES,
} from '../../../shared/catalog/enums';
import { findEntry } from './entries-repo';
import { ENTRY_COLUMNS, ENTRY_SHEET, EXPORT_ONLY, ITEM_COLUMNS, ITEM_SHEET, classLabel } from './excel-columns';
import { iterateSearch, type SearchQuery } from './search-service';
import { findVersion, itemsOf, type ItemRow, type VersionRow } from './versions-repo';
import { viewerOf } from './versions-model';

type Named = Record<string, { zh: string }>;
const zh = (names: Named, code: string | null | undefined) => (code ? (names[code]?.zh ?? code) : null);
const zhList = (names: Named, codes: readonly string[]) => codes.map((c) => names[c]?.zh ?? c).join('、') || null;

/** Version ids are read back in batches of this many to fill the item sheet. */
const ITEM_BATCH = 500;
const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true };

/**
 * R-04 export of every entry a search finds (all pages), in the template's layout plus code,
 * provider and publication date, so an exported file can be edited and imported again as drafts.
 *
 * Written by exceljs's streaming writer to a temp file, not straight to the response: the audit
 * row (written before the response leaves) must carry the exact number of entries exported, and a
 * database error half-way must become an error response rather than a truncated download. Memory
 * stays flat either way. The caller streams the file out and removes it.
 */
export async function exportSearch(
  ctx: AppContext,
  actor: Actor,
  query: SearchQuery,
): Promise<{ path: string; count: number }> {
  const path = join(tmpdir(), `govshare-export-${randomUUID()}.xlsx`);
  try {
    const count = await writeWorkbook(ctx, actor, query, path);
    return { path, count };
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

async function writeWorkbook(ctx: AppContext, actor: Actor, query: SearchQuery, path: string): Promise<number> {
  const domains: Named = Object.fromEntries((await catalogEnums(ctx)).openDomains.map((d) => [d.code, { zh: d.zh }]));
  const { stream } = await loadExcel();
  const wb = new stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  wb.creator = 'govshare';

  // Sheet 1 is written and committed before sheet 2 starts: the zip takes one entry at a time, so a
  // sheet written meanwhile would be held in memory. Only (row, code, version id) per entry is kept.
  const entries = wb.addWorksheet(ENTRY_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  entries.columns = [
    { header: EXPORT_ONLY.code, key: 'code', width: 18 },
    ...ENTRY_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width })),
    { header: EXPORT_ONLY.provider, key: 'provider', width: 26 },
    { header: EXPORT_ONLY.publishedAt, key: 'publishedAt', width: 12 },
  ];
  entries.getRow(1).font = HEADER_FONT;
  const written: Array<{ row: number; code: string; versionId: string }> = [];
  const viewer = viewerOf(actor);
  for await (const hit of iterateSearch(ctx, actor, query)) {
    const entry = await findEntry(ctx.db, hit.entryId, viewer);
    const v = entry?.current_version_id ? await findVersion(ctx.db, entry.current_version_id, viewer) : undefined;
    // Changed or withdrawn since the search ran: left out, as the search itself would now.
    if (!entry || !v) continue;
    const row = entries.addRow(entryCells(v, entry.class_name, domains));
    written.push({ row: row.number, code: v.code, versionId: v.id });
    row.commit();
  }
  entries.commit();

  const items = wb.addWorksheet(ITEM_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  items.columns = [
    ...ITEM_COLUMNS.slice(0, 1).map((c) => ({ header: c.header, key: c.key, width: c.width })),
    { header: EXPORT_ONLY.code, key: 'code', width: 18 },
    ...ITEM_COLUMNS.slice(1).map((c) => ({ header: c.header, key: c.key, width: c.width })),
  ];
  items.getRow(1).font = HEADER_FONT;
  for (let i = 0; i < written.length; i += ITEM_BATCH) {
    const batch = written.slice(i, i + ITEM_BATCH);
    const byVersion = new Map<string, ItemRow[]>();
    for (const it of await itemsOf(
      ctx.db,
      batch.map((b) => b.versionId),
    )) {
      const list = byVersion.get(it.version_id);
      if (list) list.push(it);
      else byVersion.set(it.version_id, [it]);
    }
    for (const b of batch) {
      for (const it of byVersion.get(b.versionId) ?? []) items.addRow(itemCells(b.row, b.code, it)).commit();
    }
  }
  items.commit();
  await wb.commit();
  return written.length;
}

function entryCells(v: VersionRow, className: string, domains: Named) {
  return {
    code: v.code,
    classCode: classLabel(v.class_code, className),
    name: v.name,
    summary: v.summary,
    providerOffice: v.provider_office,
    formatKind: zh(FORMAT_KINDS, v.format_kind),
    formatType: v.format_type,
    shareType: zh(SHARE_TYPES, v.share_type),
    shareCondition: v.share_condition,
    shareMethods: zhList(SHARE_METHODS, v.share_methods),
    openType: zh(OPEN_TYPES, v.open_type),
    openCondition: v.open_condition,
    updateCycle: zh(UPDATE_CYCLES, v.update_cycle),
    openDomains: zhList(domains, v.open_domains),
    relatedCodes: v.related_codes.join('、') || null,
    provider: v.provider_department_name,
    publishedAt: v.published_at ? shanghaiDate(v.published_at) : null,
  };
}

function itemCells(entryRow: number, code: string, it: ItemRow) {
  return {
    entryRow,
    code,
    name: it.name,
    fieldName: it.field_name,
    dataType: zh(DATA_TYPES, it.data_type),
    length: it.length,
    description: it.description,
    sensitivity: zh(SENSITIVITIES, it.sensitivity),
    maskRule: it.mask_rule,
    shareType: zh(SHARE_TYPES, it.share_type),
    openType: zh(OPEN_TYPES, it.open_type),
  };
}
