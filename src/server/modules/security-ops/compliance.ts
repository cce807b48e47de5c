import type { AppContext } from '../../app-context';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';
import { SECURITY_RECORD_KINDS, type SecurityRecordKind } from '../../../shared/security/register';
import * as repo from './register-repo';
import { registerStatus } from './register-service';

const link = (kind: SecurityRecordKind) => consoleLink(`/security/register?kind=${kind}`);

/** The register's last entry of each kind an article names. */
async function lastOf(ctx: AppContext, kinds: SecurityRecordKind[]): Promise<ArticleFact[]> {
  const last = await repo.lastHeld(ctx.db);
  return kinds.map((kind) => {
    const on = last.find((l) => l.kind === kind)?.held_on ?? null;
    return {
      label: SECURITY_RECORD_KINDS[kind].zh,
      labelEn: SECURITY_RECORD_KINDS[kind].en,
      value: on ? `最近一次 ${on}` : '安全工作台账中尚无记录',
      ok: null,
      link: link(kind),
    };
  });
}

/** Art 25: a security assessment and an emergency drill at least once a year, and their follow-up. */
async function art25(ctx: AppContext): Promise<ArticleFact[]> {
  const status = await registerStatus(ctx);
  const yearly: ArticleFact[] = status.yearly.map((y) => ({
    label: `${SECURITY_RECORD_KINDS[y.kind].zh}（每年至少一次）`,
    labelEn: `${SECURITY_RECORD_KINDS[y.kind].en} (at least yearly)`,
    value: y.lastHeldOn ? `最近一次 ${y.lastHeldOn}，下次不晚于 ${y.dueBy}` : '从未开展',
    ok: y.status !== 'overdue',
    link: link(y.kind),
  }));
  return [
    ...yearly,
    {
      label: '整改跟进措施',
      labelEn: 'Follow-up actions',
      value: `未完成 ${status.openActions} 项，其中逾期 ${status.overdueActions} 项`,
      ok: status.overdueActions === 0,
      link: consoleLink('/security/register'),
    },
  ];
}

export const securityArticles: ArticleSource[] = [
  { article: 23, facts: (ctx) => lastOf(ctx, ['risk_assessment', 'security_review']) },
  { article: 25, facts: art25 },
  { article: 26, facts: (ctx) => lastOf(ctx, ['inspection']) },
];
