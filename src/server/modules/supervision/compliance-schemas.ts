import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Obj } from '../../platform/http/schemas';

export const ArticleFactOut = Obj({
  label: Type.String(),
  labelEn: Type.String(),
  value: Type.String(),
  ok: Nullable(Type.Boolean({ description: 'meets the article; null where the fact only informs' })),
  link: Nullable(Type.String({ description: 'the console page that shows it' })),
});

export const ComplianceArticle = Obj({
  no: Type.Integer({ minimum: 1, maximum: 32 }),
  chapter: Type.Integer(),
  zh: Type.String(),
  en: Type.String(),
  software: Type.Boolean({ description: 'whether the platform does or records something for it' }),
  status: Type.Union([Type.Literal('met'), Type.Literal('attention'), Type.Literal('informative')], {
    description: 'met: every checked fact holds; attention: one does not; informative: nothing checkable',
  }),
  facts: Type.Array(ArticleFactOut),
});
export type ComplianceArticle = Static<typeof ComplianceArticle>;

export const ComplianceView = Obj({
  generatedAt: Type.String({ format: 'date-time' }),
  articles: Type.Array(ComplianceArticle),
});
export type ComplianceView = Static<typeof ComplianceView>;
