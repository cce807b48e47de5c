import type { AppContext } from '../../app-context';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';
import { periodLabel, periodOf } from '../../../shared/supervision/periods';
import * as repo from './compliance-repo';

const percent = (n: number, d: number) => `${Math.round((n / d) * 1000) / 10}%`;
const quarter = (ctx: AppContext) => periodOf('quarter', ctx.clock.now());

/** Art 14: the platform's 3 and the provider's 10 working days, this quarter. */
async function art14(ctx: AppContext): Promise<ArticleFact[]> {
  const q = quarter(ctx);
  const to = new Date(Math.min(q.to.getTime(), ctx.clock.now().getTime()));
  const [pre, decide, submitted] = await Promise.all([
    repo.stepsOnTime(ctx.db, 'admin_prereview', q.from, to),
    repo.stepsOnTime(ctx.db, 'provider_decision', q.from, to),
    repo.requestsSubmitted(ctx.db, q.from, to),
  ]);
  const step = (label: string, labelEn: string, s: { due: number; onTime: number }): ArticleFact => ({
    label,
    labelEn,
    value: s.due
      ? `${periodLabel(q)}到期 ${s.due} 个，按期办结 ${s.onTime} 个（${percent(s.onTime, s.due)}）`
      : `${periodLabel(q)}尚无到期的审核环节`,
    ok: s.due ? s.onTime === s.due : null,
    link: consoleLink('/sharing/requests'),
  });
  return [
    {
      label: '共享申请',
      labelEn: 'Share requests',
      value: `${periodLabel(q)}无条件共享 ${submitted.unconditional} 件（即时获取），有条件共享 ${submitted.conditional} 件`,
      ok: null,
      link: consoleLink('/sharing/requests'),
    },
    step('平台初审（3 个工作日）', 'Platform pre-review (3 working days)', pre),
    step('提供部门答复（10 个工作日）', "Provider's answer (10 working days)", decide),
  ];
}

/** Art 13: every request names its use and the system that uses it. */
async function art13(ctx: AppContext): Promise<ArticleFact[]> {
  const q = quarter(ctx);
  const s = await repo.requestsSubmitted(ctx.db, q.from, q.to);
  const total = s.unconditional + s.conditional;
  return [
    {
      label: '申请说明使用用途和信息系统名称',
      labelEn: 'Requests name their purpose and system',
      value: `${periodLabel(q)}申请 ${total} 件，未说明的 ${s.unnamed} 件（系统要求必填）`,
      ok: s.unnamed === 0,
    },
  ];
}

export const sharingArticles: ArticleSource[] = [
  { article: 13, facts: art13 },
  { article: 14, facts: art14 },
];
