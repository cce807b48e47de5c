import type { AppContext } from '../../app-context';
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

/**
 * Of these entries, those whose data is mounted on the platform: a table bound, a file given or a
 * service registered. Those modules depend on the catalog, so compose.ts hands the answer in.
 */
export type MountedEntries = (ctx: AppContext, entryIds: string[]) => Promise<Set<string>>;

/** Methods the platform carries; an entry shared only by e-mail or medium has nothing to mount. */
const ONLINE_METHODS = new Set(['table', 'file', 'api']);

function compilation(mounted: MountedEntries): IndicatorDefinition {
  return {
    code: 'catalog.compilation',
    name: '目录编制完成率',
    nameEn: 'Catalog compilation',
    formula:
      '按期完成的责任清单事项数 ÷ 本期到期的责任清单事项数；目录编制类事项须在到期前完成，所挂接目录的现行版本含信息项，且已挂接数据（库表、文件或服务接口）',
    formulaEn:
      'Responsibility-list items fulfilled by their due date ÷ items due in the period; a catalog item also needs its linked entry’s current version to have data items and its data mounted (a table, a file or a service)',
    source:
      '目录责任清单（提供部门、事项类型、到期日、完成时间）；已取消的事项不计；仅以邮件、介质方式共享的目录无须挂接',
    sourceEn:
      'The responsibility list (provider, kind, due date, fulfilment); cancelled items are left out; entries shared only by e-mail or medium need nothing mounted',
    kind: 'ratio',
    async compute(ctx, period) {
      const until = countedUntil(ctx, period);
      const items = await repo.responsibilityItemsDue(ctx.db, period.from, until);
      const online = (i: (typeof items)[number]) => (i.share_methods ?? []).some((m) => ONLINE_METHODS.has(m));
      const linked = items.filter((i) => i.kind === 'catalog' && i.entry_id !== null);
      const withData = await mounted(
        ctx,
        linked.filter(online).map((i) => i.entry_id!),
      );
      return ratiosOf(
        items.map((i) => {
          const onTime = i.fulfilled_at !== null && i.fulfilled_at <= i.due_at;
          const isLinked = i.kind === 'catalog' && i.entry_id !== null;
          const noItems = isLinked && Number(i.item_count ?? 0) === 0;
          const unmounted = isLinked && online(i) && !withData.has(i.entry_id!);
          return {
            departmentId: i.provider_department_id,
            evidence: {
              ref: `responsibility_item:${i.id}`,
              label: itemLabel(i) + (i.entry_code ? ` · ${i.entry_code}` : ''),
              at: i.due_at,
              ok: onTime && !noItems && !unmounted,
              note: !onTime
                ? lateNote(i.due_at, i.fulfilled_at, until)
                : noItems
                  ? '目录无信息项'
                  : unmounted
                    ? '目录未挂接数据'
                    : '按期完成',
              link: i.entry_id ? consoleLink(`/catalog/entries/${i.entry_id}`) : ITEMS_LINK,
            },
          };
        }),
      );
    },
  };
}

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

export const catalogSupervision = (mounted: MountedEntries): SupervisionSource => ({
  indicators: [compilation(mounted), objectionTimeliness],
  violations: [responsibilityOverdue, overdueObjections],
});
