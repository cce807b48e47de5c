/** Push jobs (数据推送): a 库表 grant delivered into a table of the consumer's own database. */
import { api } from './client';
import type { Body, Item, Res } from './openapi';

/** GET answers null while the grant has no push job. */
export type Push = NonNullable<Res<'/api/exchange/grants/{id}/push'>>;
export type PushRun = Item<Push['runs']>;
export type PushRunStatus = PushRun['status'];
export type PushInput = Body<'/api/exchange/grants/{id}/push', 'put'>;

/** Plain lower-case identifiers, as the server accepts them: `name` or `schema.name`. */
export const TARGET_TABLE_RE = /^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,39}$/;

const url = (grantId: string) => `/api/exchange/grants/${grantId}/push`;

export const pushApi = {
  get: (grantId: string) => api.get<Push | null>(url(grantId)),
  save: (grantId: string, body: PushInput) => api.put<Push>(url(grantId), body),
  remove: (grantId: string) => api.delete<null>(url(grantId)),
  run: (grantId: string, mode?: PushRun['mode']) =>
    api.post<Res<'/api/exchange/grants/{id}/push/runs', 'post'>>(`${url(grantId)}/runs`, mode ? { mode } : {}),
};
