import type { AppContext } from '../../app-context';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { consoleLink } from '../../../shared/console';
import * as repo from './compliance-repo';

const MONTH_MS = 30 * 24 * 3600_000;

async function art12(ctx: AppContext): Promise<ArticleFact[]> {
  const s = await repo.servicesAndHealth(ctx.db, new Date(ctx.clock.now().getTime() - MONTH_MS));
  const uptime = s.checks ? `，近 30 天可用率 ${Math.round((s.ok / s.checks) * 1000) / 10}%` : '';
  return [
    {
      label: '服务接口挂接并提供接口描述',
      labelEn: 'Service interfaces registered with their description',
      value: `已挂接服务接口 ${s.services} 个（接口描述由 OpenAPI/WSDL 生成）${uptime}`,
      ok: null,
      link: consoleLink('/gateway/services'),
    },
  ];
}

export const gatewayArticles: ArticleSource[] = [{ article: 12, facts: art12 }];
