import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj, Paged, PageQuery, Uuid } from '../../platform/http/schemas';

const Instant = Type.String({ format: 'date-time' });
export const PeriodKey = Type.String({
  pattern: '^\\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$',
  description: "an assessment period: a month '2026-11', a quarter '2026-Q4' or a year '2026' (Beijing time)",
});
export const PeriodKindSchema = enumOf(['month', 'quarter', 'year'] as const, 'month 月度 | quarter 季度 | year 年度');
export const CardSchema = enumOf(['red', 'yellow', 'green'] as const, 'red 红牌 | yellow 黄牌 | green 绿牌');
const Score = Nullable(Type.Number({ description: '0–100; null when there was nothing to measure' }));

export const Indicator = Obj({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  formula: Type.String(),
  formulaEn: Type.String(),
  source: Type.String(),
  sourceEn: Type.String(),
  kind: enumOf(['ratio', 'average', 'volume'] as const),
  weights: Obj({ month: Type.Number(), quarter: Type.Number(), year: Type.Number() }),
});
export const IndicatorList = Obj({
  items: Type.Array(Indicator),
  /** Per kind: whether the admin saved weights (false: equal weights apply). */
  saved: Obj({ month: Type.Boolean(), quarter: Type.Boolean(), year: Type.Boolean() }),
});

export const WeightsQuery = Obj({ periodKind: PeriodKindSchema });
export const WeightsInput = Obj({
  periodKind: PeriodKindSchema,
  weights: Type.Array(
    Obj({
      indicator: Type.String({ minLength: 1, maxLength: 100 }),
      weight: Type.Number({ minimum: 0, maximum: 100 }),
    }),
    {
      minItems: 1,
      maxItems: 200,
    },
  ),
});
export type WeightsInput = Static<typeof WeightsInput>;
export const WeightsOut = Obj({
  periodKind: PeriodKindSchema,
  saved: Type.Boolean(),
  weights: Type.Array(Obj({ indicator: Type.String(), weight: Type.Number() })),
});

export const Thresholds = Obj({
  green: Type.Number({ minimum: 0, maximum: 100, description: 'a score at or above it is green 绿牌' }),
  yellow: Type.Number({ minimum: 0, maximum: 100, description: 'at or above it yellow 黄牌; below it red 红牌' }),
});

export const PeriodParams = Obj({ period: PeriodKey });
export const CardParams = Obj({ period: PeriodKey, departmentId: Uuid });

export const SnapshotInfo = Obj({
  id: Uuid,
  periodKey: Type.String(),
  periodLabel: Type.String(),
  final: Type.Boolean(),
  computedAt: Instant,
});
export const SnapshotSummary = Type.Composite([
  SnapshotInfo,
  Obj({ departments: Type.Integer(), values: Type.Integer(), evidence: Type.Integer() }),
]);
export const RecomputeInput = Obj({ period: PeriodKey });

export const PeriodItem = Obj({
  periodKey: Type.String(),
  periodKind: PeriodKindSchema,
  periodLabel: Type.String(),
  final: Type.Boolean(),
  computedAt: Instant,
  snapshots: Type.Integer({ description: 'how many times it was computed (history kept)' }),
});
export const PeriodList = Obj({ items: Type.Array(PeriodItem) });
export const PeriodListQuery = Obj({ periodKind: Type.Optional(PeriodKindSchema) });

export const RankingItem = Obj({
  departmentId: Uuid,
  departmentName: Type.String(),
  score: Score,
  card: Nullable(CardSchema),
  rank: Nullable(Type.Integer()),
  /** Per indicator code: its score for the department (absent: nothing to measure). */
  scores: Type.Record(Type.String(), Score),
});
export const Ranking = Obj({
  periodKey: Type.String(),
  periodLabel: Type.String(),
  snapshot: Nullable(SnapshotInfo),
  thresholds: Thresholds,
  indicators: Type.Array(Obj({ code: Type.String(), name: Type.String(), nameEn: Type.String() })),
  items: Type.Array(RankingItem),
});
export type Ranking = Static<typeof Ranking>;

export const CardValue = Obj({
  indicator: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  formula: Type.String(),
  formulaEn: Type.String(),
  numerator: Type.Number(),
  denominator: Type.Number(),
  score: Score,
  weight: Type.Number({ description: "the indicator's current weight for this kind of period" }),
});
export const DepartmentCard = Obj({
  periodKey: Type.String(),
  periodLabel: Type.String(),
  snapshot: SnapshotInfo,
  departmentId: Uuid,
  departmentName: Type.String(),
  score: Score,
  card: Nullable(CardSchema),
  rank: Nullable(Type.Integer()),
  ranked: Type.Integer({ description: 'departments ranked in the snapshot' }),
  thresholds: Thresholds,
  values: Type.Array(CardValue),
  /** The indicators that pulled the score down, most costly first: points lost on the 0–100 scale. */
  reasons: Type.Array(
    Obj({
      indicator: Type.String(),
      name: Type.String(),
      nameEn: Type.String(),
      score: Type.Number(),
      lost: Type.Number(),
    }),
  ),
});
export type DepartmentCard = Static<typeof DepartmentCard>;

export const EvidenceQuery = Obj({
  indicator: Type.String({ minLength: 1, maxLength: 100 }),
  ok: Type.Optional(Type.Boolean({ description: 'only the rows that count for (true) or against (false)' })),
  ...PageQuery,
});
export const EvidenceItem = Obj({
  id: Type.String(),
  ref: Type.String(),
  label: Type.String(),
  at: Nullable(Instant),
  ok: Type.Boolean(),
  note: Nullable(Type.String()),
  link: Nullable(Type.String()),
});
export const EvidenceList = Paged(EvidenceItem);

export const TrendQuery = Obj({
  departmentId: Uuid,
  periodKind: PeriodKindSchema,
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 36, default: 6 })),
});
export const Trend = Obj({
  departmentId: Uuid,
  departmentName: Type.String(),
  indicators: Type.Array(Obj({ code: Type.String(), name: Type.String(), nameEn: Type.String() })),
  points: Type.Array(
    Obj({
      periodKey: Type.String(),
      periodLabel: Type.String(),
      score: Score,
      card: Nullable(CardSchema),
      rank: Nullable(Type.Integer()),
      scores: Type.Record(Type.String(), Score),
    }),
  ),
});
export type Trend = Static<typeof Trend>;
