import type { ExportFormat } from '../exchange-delivery';

/**
 * The downloads every open dataset offers, one list for all that describe them: the page's
 * schema.org JSON-LD, the CKAN API's resources and the DCAT-AP catalog's distributions. `fileType` is
 * the EU file-type code, which is also the CKAN resource format.
 */
export const OPEN_DOWNLOADS = [
  { format: 'csv', label: 'CSV', fileType: 'CSV', mime: 'text/csv' },
  {
    format: 'xlsx',
    label: 'Excel',
    fileType: 'XLSX',
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  { format: 'jsonl', label: 'JSON Lines', fileType: 'JSON', mime: 'application/x-ndjson' },
] as const satisfies ReadonlyArray<{ format: ExportFormat; label: string; fileType: string; mime: string }>;

export const downloadUrl = (origin: string, code: string, format: ExportFormat) =>
  `${origin}/api/portal/datasets/${code}/download?format=${format}`;

/** The open API's records of a dataset (a key is needed). */
export const recordsUrl = (origin: string, code: string) => `${origin}/open/api/v1/datasets/${code}/records`;
