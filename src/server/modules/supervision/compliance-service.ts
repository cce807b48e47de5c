import type { AppContext } from '../../app-context';
import { ARTICLES } from '../../../shared/supervision/articles';
import type { ArticleFact, ArticleSource } from '../../platform/supervision/sources';
import { platformArticles } from './compliance-platform';
import type { ComplianceArticle, ComplianceView } from './compliance-schemas';

/** A source that fails shows as one failed fact: the view of the other articles stays readable. */
async function factsOf(ctx: AppContext, source: ArticleSource): Promise<ArticleFact[]> {
  try {
    return await source.facts(ctx);
  } catch (e) {
    ctx.log.error({ err: e, article: source.article }, 'compliance facts failed');
    return [{ label: '证据读取失败', labelEn: 'Evidence could not be read', value: String(e), ok: false }];
  }
}

/**
 * Every article of the regulation with what this instance shows for it now (issue #16 point 6): the
 * modules' article sources and the platform's own (audit, keys, accounts), read live.
 */
export async function complianceView(ctx: AppContext, sources: ArticleSource[]): Promise<ComplianceView> {
  const all = [...platformArticles, ...sources];
  const facts = await Promise.all(all.map((s) => factsOf(ctx, s)));
  const byArticle = new Map<number, ArticleFact[]>();
  all.forEach((s, i) => byArticle.set(s.article, [...(byArticle.get(s.article) ?? []), ...facts[i]!]));
  const articles: ComplianceArticle[] = ARTICLES.map((a) => {
    const f = byArticle.get(a.no) ?? [];
    const checked = f.filter((x) => x.ok !== null);
    return {
      ...a,
      status: !checked.length ? 'informative' : checked.every((x) => x.ok) ? 'met' : 'attention',
      facts: f.map((x) => ({ ...x, link: x.link ?? null })),
    };
  });
  return { generatedAt: ctx.clock.now().toISOString(), articles };
}
