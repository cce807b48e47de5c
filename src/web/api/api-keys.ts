/** a public user's open API keys (用户中心 › API 密钥); shapes from the generated OpenAPI types. */
import { api } from './client';
import type { Body, Item, Res } from './openapi';

export type ApiKeyList = Res<'/api/portal/me/keys'>;
export type ApiKey = Item<ApiKeyList['items']>;
export type CreatedApiKey = Res<'/api/portal/me/keys', 'post'>;
export type ApiKeyInput = Body<'/api/portal/me/keys', 'post'>;
export type ApiKeyStats = Res<'/api/portal/me/keys/{id}/stats'>;
export type ApiKeyDay = Item<ApiKeyStats['days']>;

export const apiKeysApi = {
  list: () => api.get<ApiKeyList>('/api/portal/me/keys'),
  create: (input: ApiKeyInput) => api.post<CreatedApiKey>('/api/portal/me/keys', input),
  revoke: (id: string) => api.delete<ApiKey>(`/api/portal/me/keys/${id}`),
  stats: (id: string) => api.get<ApiKeyStats>(`/api/portal/me/keys/${id}/stats`),
};
