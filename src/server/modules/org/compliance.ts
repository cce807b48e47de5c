import type { AppContext } from '../../app-context';
import { shanghaiDate } from '../../platform/calendar/dates';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';
import * as repo from './compliance-repo';

async function art28(ctx: AppContext): Promise<ArticleFact[]> {
  const today = shanghaiDate(ctx.clock.now());
  const year = today.slice(0, 4);
  const [coverage, training] = await Promise.all([
    repo.specialistCoverage(ctx.db, today),
    repo.trainingHeld(ctx.db, `${year}-01-01`, today),
  ]);
  return [
    {
      label: '各部门报送数据专员',
      labelEn: 'Each department has a data specialist',
      value: `在册部门 ${coverage.departments} 个，有在任数据专员 ${coverage.covered} 个`,
      ok: coverage.covered === coverage.departments,
      link: consoleLink('/org/specialists'),
    },
    {
      label: '定期组织业务培训',
      labelEn: 'Regular training',
      value: training.sessions
        ? `${year} 年已培训 ${training.sessions} 期，参训数据专员 ${training.trained} 人`
        : `${year} 年尚未组织培训`,
      ok: training.sessions > 0,
    },
  ];
}

async function art31(ctx: AppContext): Promise<ArticleFact[]> {
  const n = await repo.publicEnterprises(ctx.db);
  return [
    {
      label: '公共服务企业参照执行',
      labelEn: 'Public-service enterprises take part',
      value: `按政务部门同一流程接入的公共服务企业 ${n} 家`,
      ok: null,
      link: consoleLink('/org/departments'),
    },
  ];
}

export const orgArticles: ArticleSource[] = [
  { article: 28, facts: art28 },
  { article: 31, facts: art31 },
];
