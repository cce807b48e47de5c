import type { AppContext } from '../../app-context';
import type { Actor } from '../context';

/**
 * One piece of pending work on a user's to-do home (待办). Modules say what waits for whom; the
 * platform gathers and orders it (most urgent first), knowing nothing of the modules.
 */
export interface Todo {
  /** What kind of work, e.g. 'sharing.decide' (the web labels it). */
  kind: string;
  /** What the work is about: a resource name, a request number. */
  title: string;
  /** A second line: who asked, which department. */
  detail: string | null;
  /** The page that does the work. */
  link: string;
  /** The deadline, when the work has one. */
  dueAt: Date | null;
  overdue: boolean;
}

/** A kind of work with how much of it waits and the most urgent few. */
export interface TodoGroup {
  kind: string;
  total: number;
  overdue: number;
  items: Todo[];
  /** The list with all of it. */
  more: string;
}

/** A module's part of the to-do home: its groups for this user (none when the role has no such work). */
export type TodoSource = (ctx: AppContext, actor: Actor) => Promise<TodoGroup[]>;

/** One city-wide count series for the platform administrator's overview (a chart each). */
export interface OverviewSeries {
  key: string;
  points: Array<{ label: string; value: number }>;
}

export type OverviewSource = (ctx: AppContext) => Promise<OverviewSeries[]>;

/** How many to show per group: the rest is one click away. */
export const TODO_TOP = 5;

/** Most urgent first: overdue, then by deadline, then work without one, oldest listing order kept. */
export function byUrgency(a: Todo, b: Todo): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  if (a.dueAt && b.dueAt) return a.dueAt.getTime() - b.dueAt.getTime();
  return a.dueAt ? -1 : b.dueAt ? 1 : 0;
}
