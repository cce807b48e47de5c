import type { AppContext } from '../../app-context';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';
import { periodLabel, periodOf } from '../../../shared/supervision/periods';
import * as repo from './compliance-repo';

const YEAR_MS = 365 * 24 * 3600_000;

async function art7(ctx: AppContext): Promise<ArticleFact[]> {
  const c = await repo.catalogCoverage(ctx.db, ctx.clock.now());
  return [
    {
      label: '全市统一目录',
      labelEn: 'The unified city catalog',
      value: `已发布目录 ${c.entries} 条，来自 ${c.providers} 个部门（在册部门 ${c.departments} 个）`,
      ok: null,
      link: consoleLink('/catalog/search'),
    },
    {
      label: '共享和开放责任清单',
      labelEn: 'Responsibility list',
      value: `未完成 ${c.openItems} 项，其中逾期 ${c.overdueItems} 项`,
      ok: c.overdueItems === 0,
      link: consoleLink('/catalog/demands'),
    },
  ];
}

async function art9(ctx: AppContext): Promise<ArticleFact[]> {
  const now = ctx.clock.now();
  const q = periodOf('quarter', now);
  const [notices, objections] = await Promise.all([
    repo.noticeLeadTimes(ctx.db, new Date(now.getTime() - YEAR_MS)),
    repo.objectionsOnTime(ctx.db, q.from, new Date(Math.min(q.to.getTime(), now.getTime()))),
  ]);
  return [
    {
      label: '变更提前一个月通知使用部门',
      labelEn: 'Changes notified a month ahead',
      value: notices.notices
        ? `近一年变更通知 ${notices.notices} 份，提前一个月以上 ${notices.monthAhead} 份`
        : '近一年没有变更通知',
      ok: notices.notices ? notices.monthAhead === notices.notices : null,
      link: consoleLink('/catalog/mine'),
    },
    {
      label: '疑义按期答复',
      labelEn: 'Objections answered in time',
      value: objections.due
        ? `${periodLabel(q)}到期 ${objections.due} 件，按期答复 ${objections.onTime} 件`
        : `${periodLabel(q)}没有到期的疑义`,
      ok: objections.due ? objections.onTime === objections.due : null,
      link: consoleLink('/catalog/objections'),
    },
  ];
}

async function art11(ctx: AppContext): Promise<ArticleFact[]> {
  const r = await repo.restrictedWithoutBasis(ctx.db);
  return [
    {
      label: '有条件共享、不予共享须有政策依据',
      labelEn: 'Restricted sharing states its legal basis',
      value: `有条件共享或不予共享的目录 ${r.restricted} 条，未填写依据 ${r.withoutBasis} 条`,
      ok: r.withoutBasis === 0,
      link: consoleLink('/catalog/search'),
    },
  ];
}

export const catalogArticles: ArticleSource[] = [
  { article: 7, facts: art7 },
  { article: 9, facts: art9 },
  { article: 11, facts: art11 },
];
