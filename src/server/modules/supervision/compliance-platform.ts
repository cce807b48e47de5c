import type { AppContext } from '../../app-context';
import { listDigests } from '../../platform/audit/digest';
import { auditKeeping } from '../../platform/audit/verification';
import { shanghaiDate } from '../../platform/calendar/dates';
import { keyStatus } from '../../platform/crypto/key-rotation';
import { ALL } from '../../platform/rbac/scope';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';

const DAY = 24 * 3600_000;
/** The daily verification task may be a day late on a busy instance; older than this is a finding. */
const VERIFICATION_STALE_MS = 2 * DAY;

async function auditFacts(ctx: AppContext): Promise<ArticleFact[]> {
  const now = ctx.clock.now();
  const [keeping, digests] = await Promise.all([auditKeeping(ctx), listDigests(ctx, ALL, 1, 0)]);
  const v = keeping.lastVerification;
  const fresh = !!v && now.getTime() - Date.parse(v.at) <= VERIFICATION_STALE_MS;
  const monthsHeld = keeping.oldestEvent ? (now.getTime() - keeping.oldestEvent.getTime()) / (30 * DAY) : 0;
  return [
    {
      label: '审计日志哈希链校验',
      labelEn: 'Audit chain verification',
      value: v
        ? `${v.at.slice(0, 16).replace('T', ' ')} UTC 校验 ${v.checked} 条，${v.ok ? '完整' : `发现 ${v.problems} 处问题`}`
        : '尚未校验（每日任务运行后显示）',
      ok: !!v && v.ok && fresh,
      link: consoleLink('/audit'),
    },
    {
      label: '日志保留期限（不少于 6 个月）',
      labelEn: 'Log retention (at least 6 months)',
      value: `设置 ${keeping.retentionMonths} 个月；最早一条 ${keeping.oldestEvent ? shanghaiDate(keeping.oldestEvent) : '无'}（已保留约 ${Math.floor(monthsHeld)} 个月）`,
      ok: keeping.retentionMonths >= 6,
      link: consoleLink('/audit'),
    },
    {
      label: '使用日志推送给提供和使用部门',
      labelEn: 'Usage logs pushed to providers and consumers',
      value: `已生成部门使用情况摘要 ${digests.total} 份（每月，站内信与签名回调）`,
      ok: null,
      link: consoleLink('/audit/department'),
    },
    {
      label: '实名实人认证（动态口令）',
      labelEn: 'Real-name access with a second factor',
      value: ctx.config.requireMfa ? '所有工作人员登录须通过动态口令' : '未强制动态口令（演示模式）',
      ok: ctx.config.requireMfa,
    },
  ];
}

async function keyFacts(ctx: AppContext): Promise<ArticleFact[]> {
  const status = await keyStatus(ctx);
  const current = status.keys.find((k) => k.purpose === 'data' && !k.supersededAt);
  const sealed = status.keys.reduce((n, k) => n + (k.values ?? 0), 0);
  return [
    {
      label: '敏感配置 SM4 信封加密',
      labelEn: 'Stored secrets under SM4 envelope encryption',
      value: current
        ? `当前数据密钥 ${current.kid}（${current.createdAt.slice(0, 10)} 起），加密 ${sealed} 项；未升级的旧格式 ${status.legacyValues} 项`
        : '尚无数据密钥（首次保存敏感配置时生成）',
      ok: status.legacyValues === 0,
    },
  ];
}

/** What the platform itself shows, beside the modules' sources. */
export const platformArticles: ArticleSource[] = [
  { article: 25, facts: auditFacts },
  { article: 24, facts: keyFacts },
];
