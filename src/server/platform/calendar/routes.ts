import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { notFound } from '../errors';
import { Nullable, Obj, Ok } from '../http/schemas';
import * as calendar from './service';

const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Day = Obj({
  date: Type.String(),
  isOffDay: Type.Boolean(),
  name: Nullable(Type.String()),
  source: Type.Union([
    Type.Literal('builtin'),
    Type.Literal('import'),
    Type.Literal('manual'),
    Type.Literal('weekday_rule'),
  ]),
});

export function calendarRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/status',
      {
        config: { access: 'calendar.read', audit: false },
        schema: {
          tags: ['calendar'],
          summary: 'Which needed years lack holiday data / 日历数据状态',
          response: {
            200: Obj({
              neededYears: Type.Array(Type.Integer()),
              missingYears: Type.Array(Type.Integer()),
              warnings: Type.Array(Type.Unknown()),
            }),
          },
        },
      },
      async () => ({
        neededYears: calendar.neededYears(ctx),
        missingYears: await calendar.missingYears(ctx),
        warnings: await calendar.calendarWarnings(ctx),
      }),
    );

    app.get(
      '/years/:year',
      {
        config: { access: 'calendar.read', audit: { category: 'access', action: 'calendar.view' } },
        schema: {
          tags: ['calendar'],
          summary: "A year's holidays, 调休 days and admin entries / 年度日历",
          params: Obj({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
          response: { 200: Obj({ year: Type.Integer(), source: Type.String(), days: Type.Array(Day) }) },
        },
      },
      async (req) => calendar.yearView(ctx, req.params.year),
    );

    app.get(
      '/working-days',
      {
        config: { access: 'calendar.read', audit: false },
        schema: {
          tags: ['calendar'],
          summary: 'The date n working days after a date / 计算工作日期限',
          querystring: Obj({ from: DateStr, n: Type.Integer({ minimum: 0, maximum: 3650 }) }),
          response: { 200: Obj({ from: Type.String(), n: Type.Integer(), due: Type.String() }) },
        },
      },
      async (req) => ({
        from: req.query.from,
        n: req.query.n,
        due: await calendar.addWorkingDays(ctx, req.query.from, req.query.n),
      }),
    );

    app.put(
      '/days/:date',
      {
        config: {
          access: 'calendar.manage',
          audit: { category: 'admin', action: 'calendar.day.set', targetType: 'calendar_day', targetParam: 'date' },
        },
        schema: {
          tags: ['calendar'],
          summary: 'Set a day as working or off / 设置工作日或休息日',
          params: Obj({ date: DateStr }),
          body: Obj({ isOffDay: Type.Boolean(), name: Type.Optional(Nullable(Type.String({ maxLength: 50 }))) }),
          response: { 200: Ok },
        },
      },
      async (req) => {
        await calendar.setDay(ctx, req.params.date, req.body.isOffDay, req.body.name ?? null, req.actor!.userId);
        return { ok: true };
      },
    );

    app.delete(
      '/days/:date',
      {
        config: {
          access: 'calendar.manage',
          audit: { category: 'admin', action: 'calendar.day.clear', targetType: 'calendar_day', targetParam: 'date' },
        },
        schema: {
          tags: ['calendar'],
          summary: 'Remove an admin entry for a day / 删除日历设置',
          params: Obj({ date: DateStr }),
          response: { 200: Ok },
        },
      },
      async (req) => {
        if (!(await calendar.clearDay(ctx, req.params.date))) throw notFound('Calendar entry', '日历设置');
        return { ok: true };
      },
    );

    app.post(
      '/import',
      {
        config: { access: 'calendar.manage', audit: { category: 'admin', action: 'calendar.import' } },
        schema: {
          tags: ['calendar'],
          summary: "Import a year's schedule {year, days:[{name,date,isOffDay}]} / 导入年度节假日安排",
          body: Obj({
            year: Type.Integer(),
            days: Type.Array(
              Obj({ name: Type.String({ maxLength: 50 }), date: Type.String(), isOffDay: Type.Boolean() }),
              { maxItems: 366 },
            ),
          }),
          response: { 200: Obj({ imported: Type.Integer() }) },
        },
      },
      async (req) => {
        req.auditNote.targetId = String(req.body.year);
        return { imported: await calendar.importYear(ctx, req.body, req.actor!.userId) };
      },
    );
  };
}
