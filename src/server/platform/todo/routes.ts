import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { Nullable, Obj } from '../http/schemas';
import { unreadCount } from '../notify/repo';
import { byUrgency, type OverviewSource, type TodoGroup, type TodoSource } from './types';

const Todo = Obj({
  kind: Type.String(),
  title: Type.String(),
  detail: Nullable(Type.String()),
  link: Type.String(),
  dueAt: Nullable(Type.String({ format: 'date-time' })),
  overdue: Type.Boolean(),
});
const Group = Obj({
  kind: Type.String(),
  total: Type.Integer(),
  overdue: Type.Integer(),
  items: Type.Array(Todo),
  more: Type.String(),
});

/** Groups with overdue work first, then by their most urgent item. */
function orderGroups(groups: TodoGroup[]): TodoGroup[] {
  const sorted = groups.map((g) => ({ ...g, items: [...g.items].sort(byUrgency) }));
  return sorted.sort((a, b) => {
    if (!!a.overdue !== !!b.overdue) return a.overdue ? -1 : 1;
    const [x, y] = [a.items[0], b.items[0]];
    return x && y ? byUrgency(x, y) : x ? -1 : y ? 1 : 0;
  });
}

/** the to-do home (待办) and the platform's city-wide overview, from what the modules report. */
export function todoRoutes(
  ctx: AppContext,
  sources: TodoSource[],
  overview: OverviewSource[],
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/todos',
      {
        config: { access: 'authenticated', audit: false },
        schema: {
          tags: ['home'],
          summary: 'My pending work, most urgent first / 我的待办',
          response: { 200: Obj({ groups: Type.Array(Group), unread: Type.Integer() }) },
        },
      },
      async (req) => {
        const actor = req.actor!;
        const [groups, unread] = await Promise.all([
          Promise.all(sources.map((s) => s(ctx, actor))).then((gs) => gs.flat().filter((g) => g.total > 0)),
          unreadCount(ctx.db, actor.userId),
        ]);
        return {
          groups: orderGroups(groups).map((g) => ({
            ...g,
            items: g.items.map((i) => ({ ...i, dueAt: i.dueAt?.toISOString() ?? null })),
          })),
          unread,
        };
      },
    );

    app.get(
      '/overview',
      {
        config: { access: 'overview.read', audit: { category: 'query', action: 'overview.read' } },
        schema: {
          tags: ['home'],
          summary: 'City-wide counts for the platform / 全市概况',
          response: {
            200: Type.Array(
              Obj({ key: Type.String(), points: Type.Array(Obj({ label: Type.String(), value: Type.Integer() })) }),
            ),
          },
        },
      },
      async () => (await Promise.all(overview.map((s) => s(ctx)))).flat(),
    );
  };
}
