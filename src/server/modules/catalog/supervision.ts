import { consoleLink } from '../../../shared/console';
import { OBJECTION_KINDS } from '../../../shared/catalog/enums';
import { countedUntil, findingsOf, lateDays, ratiosOf } from '../../platform/supervision/evidence';
import type {
  Evidence,
  IndicatorDefinition,
  SupervisionSource,
  ViolationDetector,
} from '../../platform/supervision/sources';
import * as repo from './supervision-repo';

/**
 * The catalog's part of assessment (Art 29, 30 (1) and (3)): responsibility-list items met on time,
 * objections answered on time, and the violations behind them. Every value is counted from the rows
 * it returns as evidence, so the supervision pages can show exactly what was counted.
 */

const KIND_ZH = { catalog: '目录编制', share: '共享', open: '开放' } as const;

/** '逾期 2 天办结' when answered late, '逾期 5 天未办' when still waiting at `until`. */
const lateNote = (due: Date, done: Date | null, until: Date) =>
  done && done <= until ? `逾期 ${lateDays(due, done)} 天办结` : `逾期 ${lateDays(due, until)} 天未办`;

const itemLabel = (i: { kind: keyof typeof KIND_ZH; description: string }) =>
  `责任清单事项 · ${KIND_ZH[i.kind]} · ${i.description}`;
const ITEMS_LINK = consoleLink('/catalog/demands');

export const compilation: IndicatorDefinition = {
  code: 'catalog.compilation',
  name: '目录编制完成率',
  nameEn: 'Catalog compilation',
  formula:
    '按期完成的责任清单事项数 ÷ 本期到期的责任清单事项数；目录编制类事项须在到期前完成，且所挂接目录的现行版本含信息项',
  formulaEn:
    'Responsibility-list items fulfilled by their due date ÷ items due in the period; a catalog item also needs its linked entry’s current version to have data items',
  source: '目录责任清单（提供部门、事项类型、到期日、完成时间）；已取消的事项不计。数据挂接情况见“数据更新及时率”',
  sourceEn:
    'The responsibility list (provider, kind, due date, fulfilment); cancelled items are left out. Mounted data is measured by update timeliness',
  kind: 'ratio',
  async compute(ctx, period) {
    const until = countedUntil(ctx, period);
    const items = await repo.responsibilityItemsDue(ctx.db, period.from, until);
    return ratiosOf(
      items.map((i) => {
        const onTime = i.fulfilled_at !== null && i.fulfilled_at <= i.due_at;
        const noItems = i.kind === 'catalog' && i.entry_id !== null && Number(i.item_count ?? 0) === 0;
        return {
          departmentId: i.provider_department_id,
          evidence: {
            ref: `responsibility_item:${i.id}`,
            label: itemLabel(i) + (i.entry_code ? ` · ${i.entry_code}` : ''),
            at: i.due_at,
            ok: onTime && !noItems,
            note: !onTime ? lateNote(i.due_at, i.fulfilled_at, until) : noItems ? '目录无信息项' : '按期完成',
            link: i.entry_id ? consoleLink(`/catalog/entries/${i.entry_id}`) : ITEMS_LINK,
          },
        };
      }),
    );
  },
};

const objectionEvidence = (
  o: Awaited<ReturnType<typeof repo.objectionsDue>>[number],
  until: Date,
  ok: boolean,
): Evidence => ({
  ref: `catalog_objection:${o.id}`,
  label: `目录异议 · ${OBJECTION_KINDS[o.kind].zh} · ${o.entry_code}${o.entry_name ? ` ${o.entry_name}` : ''}`,
  at: o.due_at,
  ok,
  note: ok ? '按期答复' : lateNote(o.due_at, o.answered_at, until),
  link: consoleLink(`/catalog/objections/${o.id}`),
});

export const objectionTimeliness: IndicatorDefinition = {
  code: 'catalog.objection_timeliness',
  name: '异议处理及时率',
  nameEn: 'Objections answered on time',
  formula: '到期前答复的异议数 ÷ 本期到期的异议数',
  formulaEn: 'Objections answered by their due date ÷ objections due in the period',
  source: '对本部门目录提出的异议（提出时确定答复期限）',
  sourceEn: 'Objections raised against the department’s catalog entries (each with its answer deadline)',
  kind: 'ratio',
  async compute(ctx, period) {
    const until = countedUntil(ctx, period);
    const rows = await repo.objectionsDue(ctx.db, period.from, until);
    return ratiosOf(
      rows.map((o) => ({
        departmentId: o.provider_department_id,
        evidence: objectionEvidence(o, until, o.answered_at !== null && o.answered_at <= o.due_at),
      })),
    );
  },
};

export const responsibilityOverdue: ViolationDetector = {
  code: 'catalog.responsibility_overdue',
  kind: 1,
  name: '责任清单事项逾期未完成',
  nameEn: 'Responsibility-list items overdue',
  async detect(ctx, period) {
    const until = countedUntil(ctx, period);
    const rows = await repo.responsibilityItemsOverdue(ctx.db, until);
    return findingsOf(
      rows.map((i) => ({
        departmentId: i.provider_department_id,
        evidence: {
          ref: `responsibility_item:${i.id}`,
          label: itemLabel(i),
          at: i.due_at,
          ok: false,
          note: lateNote(i.due_at, null, until),
          link: ITEMS_LINK,
        },
      })),
      (n) => `${n} 个责任清单事项逾期未完成`,
    );
  },
};

export const overdueObjections: ViolationDetector = {
  code: 'catalog.overdue_objections',
  kind: 3,
  name: '异议逾期未答复',
  nameEn: 'Objections not answered in time',
  async detect(ctx, period) {
    const until = countedUntil(ctx, period);
    const rows = await repo.objectionsLate(ctx.db, period.from, until);
    return findingsOf(
      rows.map((o) => ({ departmentId: o.provider_department_id, evidence: objectionEvidence(o, until, false) })),
      (n) => `${n} 个目录异议未按期答复`,
    );
  },
};

export const catalogSupervision: SupervisionSource = {
  indicators: [compilation, objectionTimeliness],
  violations: [responsibilityOverdue, overdueObjections],
};
