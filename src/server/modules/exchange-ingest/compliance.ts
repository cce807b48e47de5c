import type { AppContext } from '../../app-context';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';
import * as repo from './compliance-repo';

const MONTH_MS = 30 * 24 * 3600_000;

async function art12(ctx: AppContext): Promise<ArticleFact[]> {
  const b = await repo.bindings(ctx.db);
  return [
    {
      label: '库表方式对接交换平台',
      labelEn: 'Tables connected to the exchange',
      value: `已对接部门源库的库表资源 ${b.bound} 个，其中定时汇聚 ${b.scheduled} 个`,
      ok: null,
      link: consoleLink('/exchange/sources'),
    },
  ];
}

async function art27(ctx: AppContext): Promise<ArticleFact[]> {
  const l = await repo.loadsSince(ctx.db, new Date(ctx.clock.now().getTime() - MONTH_MS));
  return [
    {
      label: '资源及时更新、可用',
      labelEn: 'Resources kept current and usable',
      value: l.finished ? `近 30 天汇聚 ${l.finished} 次，成功 ${l.done} 次` : '近 30 天没有汇聚任务',
      ok: l.finished ? l.done === l.finished : null,
      link: consoleLink('/exchange/libraries'),
    },
  ];
}

export const exchangeArticles: ArticleSource[] = [
  { article: 12, facts: art12 },
  { article: 27, facts: art27 },
];
