/** Service gateway (服务接口, R-23) API calls: an entry's upstream registration, consuming systems and their credentials. */
import { api } from './client';
import type { Body, Item, Res } from './openapi';

export type Upstream = NonNullable<Res<'/api/gateway/upstreams/{entryId}'>['upstream']>;
export type UpstreamInput = Body<'/api/gateway/upstreams/{entryId}', 'put'>;
export type Operation = Item<UpstreamInput['operations']>;
export type FieldMapping = Item<Operation['fields']>;
export type Described = Res<'/api/gateway/upstreams/{entryId}/describe', 'post'>;
export type DescribeInput = Body<'/api/gateway/upstreams/{entryId}/describe', 'post'>;
export type Revision = Item<Res<'/api/gateway/upstreams/{entryId}/revisions'>['items']>;
export type ServiceStats = Res<'/api/gateway/upstreams/{entryId}/stats'>;
export type PendingChange = Item<Res<'/api/gateway/changes'>['items']>;
export type ChangeReview = Body<'/api/gateway/upstreams/{entryId}/change/review', 'post'>;
export type ConsumingSystem = Item<Res<'/api/gateway/systems'>['items']>;
export type SystemWithSecret = Res<'/api/gateway/systems', 'post'>;

const base = '/api/gateway';

/** The parts of the consumer's OpenAPI document the console reads. */
export interface ConsumerDoc {
  tags: Array<{ name: string; description: string }>;
  paths: Record<
    string,
    Record<string, { tags: string[]; summary: string; description: string; parameters?: Array<{ name: string }> }>
  >;
}

export const gatewayApi = {
  upstream: (entryId: string) => api.get<Res<'/api/gateway/upstreams/{entryId}'>>(`${base}/upstreams/${entryId}`),
  saveUpstream: (entryId: string, body: UpstreamInput) => api.put<Upstream>(`${base}/upstreams/${entryId}`, body),
  describe: (entryId: string, body: DescribeInput) =>
    api.post<Described>(`${base}/upstreams/${entryId}/describe`, body),
  revisions: (entryId: string) =>
    api.get<Res<'/api/gateway/upstreams/{entryId}/revisions'>>(`${base}/upstreams/${entryId}/revisions`),
  reviewChange: (entryId: string, body: ChangeReview) =>
    api.post<Res<'/api/gateway/upstreams/{entryId}/change/review', 'post'>>(
      `${base}/upstreams/${entryId}/change/review`,
      body,
    ),
  withdrawChange: (entryId: string) => api.post<{ ok: boolean }>(`${base}/upstreams/${entryId}/change/withdraw`),
  stats: (entryId: string, days: number) => api.get<ServiceStats>(`${base}/upstreams/${entryId}/stats`, { days }),
  /** OpenAPI 3 of what the department may call (granted operations and items only). */
  docs: () => api.get<ConsumerDoc>(`${base}/openapi.json`),
  token: (appKey: string, appSecret: string) =>
    api.post<Res<'/api/gateway/token', 'post'>>(`${base}/token`, { appKey, appSecret }),
  systems: () => api.get<Res<'/api/gateway/systems'>>(`${base}/systems`),
  createSystem: (body: Body<'/api/gateway/systems', 'post'>) => api.post<SystemWithSecret>(`${base}/systems`, body),
  rotate: (id: string, graceMinutes: number) =>
    api.post<SystemWithSecret>(`${base}/systems/${id}/rotate`, { graceMinutes }),
  disable: (id: string) => api.post<ConsumingSystem>(`${base}/systems/${id}/disable`),
  enable: (id: string) => api.post<ConsumingSystem>(`${base}/systems/${id}/enable`),
};
