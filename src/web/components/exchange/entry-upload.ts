/** Table upload (POST /api/exchange/entries/:id/upload): the request with upload progress, and the error report as CSV. */
import { ApiError, type ApiErrorBody } from '../../api/client';
import type { DataItem } from '../../api/catalog-types';
import type { Res } from '../../api/openapi';

export type TableUploadResult = Res<'/api/exchange/entries/{id}/upload', 'post'>;
export type UploadMode = TableUploadResult['mode'];

export interface UploadProblem {
  row: number;
  field: string | null;
  value: string | null;
  message: string;
  messageZh: string;
}

/** details of 400 EXCHANGE_UPLOAD_INVALID (UploadReport on the server): error bodies are not in the OpenAPI document. */
export interface UploadReport {
  problems: UploadProblem[];
  problemCount: number;
  rowsRead: number;
  rowsWithProblems: number;
  truncated: boolean;
  keyFields: string[];
  ignoredHeaders: string[];
}

export const isUploadReport = (e: unknown): e is ApiError & { details: UploadReport } =>
  e instanceof ApiError &&
  e.code === 'EXCHANGE_UPLOAD_INVALID' &&
  !!e.details &&
  Array.isArray((e.details as UploadReport).problems);

/**
 * fetch cannot report upload progress; XMLHttpRequest can. Errors come back as the same ApiError
 * the rest of the client throws. onProgress gets 0..1 of the bytes sent.
 */
export function uploadTable(
  entryId: string,
  file: File,
  opts: { keyFields: string[]; mode: UploadMode },
  onProgress: (share: number) => void,
): Promise<TableUploadResult> {
  const form = new FormData();
  if (opts.keyFields.length) form.append('keyFields', opts.keyFields.join(','));
  form.append('mode', opts.mode);
  form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/exchange/entries/${encodeURIComponent(entryId)}/upload`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () =>
      reject(
        new ApiError(0, {
          code: 'NETWORK',
          message: 'The server cannot be reached',
          messageZh: '无法连接服务器，请检查网络',
        }),
      );
    xhr.onload = () => {
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as TableUploadResult);
      const err = (data as { error?: ApiErrorBody } | undefined)?.error;
      reject(
        new ApiError(
          xhr.status,
          err ?? {
            code: `HTTP_${xhr.status}`,
            message: xhr.statusText || `HTTP ${xhr.status}`,
            messageZh: `请求失败（${xhr.status}）`,
          },
        ),
      );
    };
    xhr.send(form);
  });
}

export type ItemColumn = { item: DataItem; column: string };

/** A managed column as the user knows it: the item's name with the column (managedColumns in binding-form.ts). */
export function fieldLabel(columns: readonly ItemColumn[], column: string | null): string {
  if (!column) return '';
  const c = columns.find((x) => x.column === column);
  return c ? `${c.item.name}（${column}）` : column;
}

/** A cell of the report: quoted when needed; a leading = + - @ cannot start a spreadsheet formula. */
function csvCell(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The problems as a CSV (UTF-8 with BOM, so Excel shows the Chinese right). */
export function reportCsv(
  problems: readonly UploadProblem[],
  columns: readonly ItemColumn[],
  header: [string, string, string, string],
  zh: boolean,
): Blob {
  const lines = [header.map(csvCell).join(',')];
  for (const p of problems)
    lines.push([p.row, fieldLabel(columns, p.field), p.value, zh ? p.messageZh : p.message].map(csvCell).join(','));
  return new Blob(['\uFEFF', lines.join('\r\n'), '\r\n'], { type: 'text/csv;charset=utf-8' });
}

/** Saves a Blob through a temporary link. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
