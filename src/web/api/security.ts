/** The security operations register API calls. */
import { api } from './client';
import type { Body, Item, Res } from './openapi';

export type SecurityRecord = Item<Res<'/api/security/register'>['items']>;
export type SecurityAction = Item<SecurityRecord['actions']>;
export type RecordInput = Body<'/api/security/register', 'post'>;
export type RecordUpdate = Body<'/api/security/register/{id}', 'put'>;
export type ActionInput = Body<'/api/security/register/{id}/actions', 'post'>;
export type RegisterStatus = Res<'/api/security/register/status'>;

const base = '/api/security';

export const securityApi = {
  status: () => api.get<RegisterStatus>(`${base}/register/status`),
  record: (id: string) => api.get<SecurityRecord>(`${base}/register/${id}`),
  create: (body: RecordInput) => api.post<SecurityRecord>(`${base}/register`, body),
  update: (id: string, body: RecordUpdate) => api.put<SecurityRecord>(`${base}/register/${id}`, body),
  addAction: (id: string, body: ActionInput) => api.post<SecurityAction>(`${base}/register/${id}/actions`, body),
  complete: (actionId: string, note: string) =>
    api.post<SecurityAction>(`${base}/register/actions/${actionId}/complete`, { note: note.trim() || null }),
};
