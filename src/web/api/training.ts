/** 数据专员 training (issue #16 point 5; Art 28). */
import { api } from './client';
import type { Body, Item, Res } from './openapi';

export type TrainingSession = Res<'/api/training/sessions/{id}'>;
export type SessionSummary = Item<Res<'/api/training/sessions'>['items']>;
export type SessionInput = Body<'/api/training/sessions', 'post'>;
export type SessionUpdate = Body<'/api/training/sessions/{id}', 'put'>;
export type Attendee = Item<TrainingSession['attendees']>;
export type TrainingRecord = Item<Res<'/api/training/records'>['items']>;
export type SpecialistRecord = Res<'/api/training/specialists/{id}/record'>;
export type Uncovered = Item<Res<'/api/training/departments-without-specialist'>>;
export type Passed = Attendee['passed'];

const base = '/api/training';
export const TRAINING_UPLOAD = `${base}/attachments`;

export const trainingApi = {
  session: (id: string) => api.get<TrainingSession>(`${base}/sessions/${id}`),
  create: (body: SessionInput) => api.post<TrainingSession>(`${base}/sessions`, body),
  update: (id: string, body: SessionUpdate) => api.put<TrainingSession>(`${base}/sessions/${id}`, body),
  attendance: (id: string, attendees: Array<{ specialistId: string; passed: Passed }>) =>
    api.put<TrainingSession>(`${base}/sessions/${id}/attendance`, { attendees }),
  record: (specialistId: string, year?: number) =>
    api.get<SpecialistRecord>(`${base}/specialists/${specialistId}/record`, { year }),
  uncovered: () => api.get<Uncovered[]>(`${base}/departments-without-specialist`),
};
