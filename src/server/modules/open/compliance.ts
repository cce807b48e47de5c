import type { AppContext } from '../../app-context';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';
import { periodLabel, periodOf } from '../../../shared/supervision/periods';
import * as repo from './compliance-repo';

async function art20(ctx: AppContext): Promise<ArticleFact[]> {
  const r = await repo.openWithoutReview(ctx.db);
  return [
    {
      label: '开放前保密审查（提供部门、平台两级）',
      labelEn: 'Confidentiality review before opening (provider and platform)',
      value: `门户开放数据集 ${r.open} 个，缺少两级审查通过记录的 ${r.unreviewed} 个`,
      ok: r.unreviewed === 0,
      link: consoleLink('/open/datasets'),
    },
  ];
}

async function art22(ctx: AppContext): Promise<ArticleFact[]> {
  const now = ctx.clock.now();
  const q = periodOf('quarter', now);
  const r = await repo.applicationsOnTime(ctx.db, q.from, new Date(Math.min(q.to.getTime(), now.getTime())));
  return [
    {
      label: '有条件开放申请 20 个工作日内答复',
      labelEn: 'Conditional-open applications answered in 20 working days',
      value: r.due ? `${periodLabel(q)}到期 ${r.due} 件，按期答复 ${r.onTime} 件` : `${periodLabel(q)}没有到期的申请`,
      ok: r.due ? r.onTime === r.due : null,
      link: consoleLink('/open/applications'),
    },
  ];
}

export const openArticles: ArticleSource[] = [
  { article: 20, facts: art20 },
  { article: 22, facts: art22 },
];
