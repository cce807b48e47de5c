import { api } from './client';
import type { Res } from './openapi';

/** The to-do home (待办) and the platform's city-wide overview. */
export type Todos = Res<'/api/todos'>;
export type TodoGroup = Todos['groups'][number];
export type Todo = TodoGroup['items'][number];
export type OverviewSeries = Res<'/api/overview'>[number];

export const homeApi = {
  todos: () => api.get<Todos>('/api/todos'),
  overview: () => api.get<OverviewSeries[]>('/api/overview'),
};
