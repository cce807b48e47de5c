/** Download tracing (Art 18) API calls. */
import { api } from './client';
import type { Res } from './openapi';

export type TraceReport = Res<'/api/security/trace', 'post'>;
export type TraceMatch = TraceReport['matches'][number];

/** The server's limit (security-ops/trace-service.ts MAX_TRACE_MB). */
export const MAX_TRACE_MB = 50;

export const traceApi = {
  trace: (file: File) => {
    const form = new FormData();
    form.append('file', file);
    return api.upload<TraceReport>('/api/security/trace', form);
  },
};
