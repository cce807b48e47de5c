import type { AppContext } from '../../app-context';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';
import { parsePeriod, periodLabel } from '../../../shared/supervision/periods';
import * as repo from './compliance-repo';

const DAY_MS = 24 * 3600_000;

async function art29(ctx: AppContext): Promise<ArticleFact[]> {
  const s = await repo.latestSnapshot(ctx.db);
  const period = s && parsePeriod(s.period_key);
  return [
    {
      label: '评估考核',
      labelEn: 'Assessment',
      value: s
        ? `最近一次计算 ${period ? periodLabel(period) : s.period_key}（${s.final ? '定稿' : '进行中'}），${s.computed_at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
        : '尚未计算考核指标',
      // The assessment job runs daily: a snapshot older than two days means it has stopped.
      ok: !!s && ctx.clock.now().getTime() - s.computed_at.getTime() <= 2 * DAY_MS,
      link: consoleLink('/supervision/assessment'),
    },
  ];
}

async function art30(ctx: AppContext): Promise<ArticleFact[]> {
  const now = ctx.clock.now();
  const e = await repo.enforcement(ctx.db, now, new Date(now.getTime() - 365 * DAY_MS));
  return [
    {
      label: '违规线索与整改',
      labelEn: 'Violations and rectification',
      value: `待处理违规线索 ${e.openViolations} 条；整改中通知 ${e.pendingNotices} 份，其中逾期未整改 ${e.overdueNotices} 份`,
      // An overdue notice must become a circular (the daily task does it): one left over is a finding.
      ok: e.overdueNotices === 0,
      link: consoleLink('/supervision/violations'),
    },
    {
      label: '通报',
      labelEn: 'Circulars',
      value: `近一年发布通报 ${e.circulars} 份`,
      ok: null,
      link: consoleLink('/supervision/circulars'),
    },
  ];
}

export const supervisionArticles: ArticleSource[] = [
  { article: 29, facts: art29 },
  { article: 30, facts: art30 },
];
