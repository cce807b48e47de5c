/** Push jobs (数据推送): a 库表 grant delivered into a table of the consumer's own database. */
import { api } from './client';

export type PushRunStatus = 'running' | 'done' | 'failed';

export interface PushRun {
  id: string;
  mode: 'full' | 'incremental';
  status: PushRunStatus;
  startedAt: string;
  finishedAt: string | null;
  sourceRows: number | null;
  rowsWritten: number;
  reconciliation: { centerRows: number; targetRows: number; match: boolean } | null;
  error: string | null;
}

export interface Push {
  id: string;
  grantId: string;
  grantNo: string;
  grantActive: boolean;
  entryId: string;
  targetId: string;
  targetName: string;
  targetKind: string;
  table: string;
  scheduled: boolean;
  canManage: boolean;
  runs: PushRun[];
}

export interface PushInput {
  targetId: string;
  table: string;
  scheduled?: boolean;
}

/** Plain lower-case identifiers, as the server accepts them: `name` or `schema.name`. */
export const TARGET_TABLE_RE = /^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,39}$/;

const url = (grantId: string) => `/api/exchange/grants/${grantId}/push`;

export const pushApi = {
  get: (grantId: string) => api.get<Push | null>(url(grantId)),
  save: (grantId: string, body: PushInput) => api.put<Push>(url(grantId), body),
  remove: (grantId: string) => api.delete<null>(url(grantId)),
  run: (grantId: string, mode?: 'full' | 'incremental') =>
    api.post<{ queued: boolean }>(`${url(grantId)}/runs`, mode ? { mode } : {}),
};
