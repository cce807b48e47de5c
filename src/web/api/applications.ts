/** 有条件开放 applications (R-32, Art 22): the applicant's calls on the portal, the provider's in the console. */
import { api, type Paged, type Query } from './client';
import { everyOf, type Body, type Item, type Res } from './openapi';
import { formatDateTime, todayShanghai } from '../utils/format';

export type Application = Res<'/api/open/applications/{id}'>;
export type ApplicationStatus = Application['status'];
export type ApplicationField = Item<Application['fields']>;
export type ApplyInput = Body<'/api/portal/datasets/{prefix}/{seq}/applications', 'post'>;
export type DecideInput = Body<'/api/open/applications/{id}/decision', 'post'>;

export const STATUSES = everyOf<ApplicationStatus>()(['submitted', 'approved', 'refused', 'withdrawn']);

export const STATUS_TAG: Record<ApplicationStatus, 'info' | 'warning' | 'success' | 'danger'> = {
  submitted: 'warning',
  approved: 'success',
  refused: 'danger',
  withdrawn: 'info',
};

const DAY = 86_400_000;
/** Calendar days from today to the deadline's day, in Beijing time as the server counts (0 on the day itself). */
export function daysLeft(dueAt: string): number {
  const day = (ymd: string) => Date.parse(`${ymd}T00:00:00Z`);
  return Math.round((day(formatDateTime(dueAt).slice(0, 10)) - day(todayShanghai())) / DAY);
}

/**
 * The application that decides what a user may do with one dataset: a waiting one first (it blocks a
 * new one), then an approval still open, then the latest of the others.
 */
export function currentFor(list: Application[], code: string): Application | null {
  const mine = list.filter((a) => a.datasetCode === code);
  const latest = [...mine].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  return mine.find((a) => a.status === 'submitted') ?? mine.find((a) => a.accessOpen) ?? latest[0] ?? null;
}

const mine = (id: string) => `/api/portal/applications/${id}`;

export const applicationsApi = {
  // the applicant
  apply: (code: string, body: ApplyInput) => api.post<Application>(`/api/portal/datasets/${code}/applications`, body),
  mine: (q: Query) => api.get<Paged<Application>>('/api/portal/applications', q),
  withdraw: (id: string) => api.post<Application>(`${mine(id)}/withdraw`, {}),
  reportUse: (id: string, report: string) => api.post<Application>(`${mine(id)}/use-report`, { report }),
  // the console
  get: (id: string) => api.get<Application>(`/api/open/applications/${id}`),
  decide: (id: string, body: DecideInput) => api.post<Application>(`/api/open/applications/${id}/decision`, body),
};
