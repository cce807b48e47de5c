import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { attachmentDisposition } from '../../platform/http/file-names';
import { scopeOf } from '../../platform/rbac/scope';
import * as read from './assessment-read';
import {
  CardParams,
  DepartmentCard,
  EvidenceList,
  EvidenceQuery,
  IndicatorList,
  PeriodList,
  PeriodListQuery,
  PeriodParams,
  Ranking,
  RecomputeInput,
  SnapshotSummary,
  Thresholds,
  Trend,
  TrendQuery,
  WeightsInput,
  WeightsOut,
  WeightsQuery,
} from './assessment-schemas';
import { computeSnapshot } from './assessment-service';
import { assessmentPdf, assessmentXlsx } from './export-service';
import type { Sources } from './sources-registry';
import { cardThresholds, saveCardThresholds, saveWeights, weightsFor, type Weights } from './weights-service';

const tags = ['supervision'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const scopeFor = (req: { actor: Actor | null }) => scopeOf(req.actor, 'supervision.department.read');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const weightsOut = (periodKind: 'month' | 'quarter' | 'year', w: Weights) => ({
  periodKind,
  saved: w.saved,
  weights: [...w.weights].map(([indicator, weight]) => ({ indicator, weight })),
});

/** Assessment (Art 29) under /api/supervision: indicators, weights, snapshots, rankings, cards, evidence, exports. */
export function assessmentRoutes(sources: Sources) {
  return (ctx: AppContext): FastifyPluginAsyncTypebox =>
    async (app) => {
      app.get(
        '/indicators',
        {
          config: { access: 'supervision.read', audit: false },
          schema: {
            tags,
            summary: 'Indicators with formula, source and weights / 考核指标',
            response: { 200: IndicatorList },
          },
        },
        async () => read.listIndicators(ctx, sources),
      );

      app.get(
        '/weights',
        {
          config: { access: 'supervision.read', audit: false },
          schema: {
            tags,
            summary: 'Weights of a period kind / 指标权重',
            querystring: WeightsQuery,
            response: { 200: WeightsOut },
          },
        },
        async (req) => weightsOut(req.query.periodKind, await weightsFor(ctx, sources, req.query.periodKind)),
      );

      app.put(
        '/weights',
        {
          config: { access: 'supervision.manage', audit: { category: 'admin', action: 'supervision.weights.update' } },
          schema: {
            tags,
            summary: 'Set the weights of a period kind (sum 100) / 设置指标权重',
            body: WeightsInput,
            response: { 200: WeightsOut },
          },
        },
        async (req) => {
          const w = await saveWeights(ctx, actorOf(req), sources, req.body.periodKind, req.body.weights);
          req.auditNote.detail = { periodKind: req.body.periodKind, weights: Object.fromEntries(w.weights) };
          return weightsOut(req.body.periodKind, w);
        },
      );

      app.get(
        '/thresholds',
        {
          config: { access: 'supervision.read', audit: false },
          schema: { tags, summary: 'Card thresholds / 红黄绿牌分数线', response: { 200: Thresholds } },
        },
        async () => cardThresholds(ctx),
      );

      app.put(
        '/thresholds',
        {
          config: {
            access: 'supervision.manage',
            audit: { category: 'admin', action: 'supervision.thresholds.update' },
          },
          schema: {
            tags,
            summary: 'Set the card thresholds / 设置红黄绿牌分数线',
            body: Thresholds,
            response: { 200: Thresholds },
          },
        },
        async (req) => {
          req.auditNote.detail = { ...req.body };
          return saveCardThresholds(ctx, actorOf(req), req.body);
        },
      );

      app.get(
        '/periods',
        {
          config: { access: 'supervision.read', audit: false },
          schema: {
            tags,
            summary: 'Periods that have snapshots / 已考核周期',
            querystring: PeriodListQuery,
            response: { 200: PeriodList },
          },
        },
        async (req) => read.listPeriods(ctx, req.query.periodKind),
      );

      app.post(
        '/snapshots',
        {
          config: {
            access: 'supervision.manage',
            audit: { category: 'maintain', action: 'supervision.snapshot.compute', targetType: 'supervision_snapshot' },
          },
          schema: {
            tags,
            summary: "Recompute a period's indicators now (provisional) / 立即重新计算考核指标",
            body: RecomputeInput,
            response: { 201: SnapshotSummary },
          },
        },
        async (req, reply) => {
          const s = await computeSnapshot(ctx, sources, req.body.period, { by: actorOf(req).userId });
          req.auditNote.targetId = s.id;
          req.auditNote.targetName = s.periodLabel;
          req.auditNote.detail = { period: s.periodKey, departments: s.departments, values: s.values };
          return reply.status(201).send(s);
        },
      );

      app.get(
        '/periods/:period/ranking',
        {
          config: { access: 'supervision.read', audit: { category: 'query', action: 'supervision.ranking.read' } },
          schema: {
            tags,
            summary: "A period's scores, cards and ranks / 考核排名",
            params: PeriodParams,
            response: { 200: Ranking },
          },
        },
        async (req) => {
          const r = await read.ranking(ctx, sources, scopeFor(req), req.params.period);
          req.auditNote.rowCount = r.items.length;
          return r;
        },
      );

      app.get(
        '/periods/:period/departments/:departmentId',
        {
          config: {
            access: 'supervision.read',
            audit: {
              category: 'query',
              action: 'supervision.card.read',
              targetType: 'department',
              targetParam: 'departmentId',
            },
          },
          schema: {
            tags,
            summary: "A department's card: values, score, card and why / 部门考核结果",
            params: CardParams,
            response: { 200: DepartmentCard },
          },
        },
        async (req) => read.departmentCard(ctx, sources, scopeFor(req), req.params.period, req.params.departmentId),
      );

      app.get(
        '/periods/:period/departments/:departmentId/evidence',
        {
          config: {
            access: 'supervision.read',
            audit: {
              category: 'query',
              action: 'supervision.evidence.read',
              targetType: 'department',
              targetParam: 'departmentId',
            },
          },
          schema: {
            tags,
            summary: 'The rows behind one value / 指标依据',
            params: CardParams,
            querystring: EvidenceQuery,
            response: { 200: EvidenceList },
          },
        },
        async (req) => {
          const r = await read.evidence(ctx, scopeFor(req), req.params.period, req.params.departmentId, req.query);
          req.auditNote.rowCount = r.items.length;
          return r;
        },
      );

      app.get(
        '/trends',
        {
          config: {
            access: 'supervision.read',
            audit: { category: 'query', action: 'supervision.trend.read', targetType: 'department' },
          },
          schema: {
            tags,
            summary: "A department's scores over recent periods / 考核趋势",
            querystring: TrendQuery,
            response: { 200: Trend },
          },
        },
        async (req) => {
          req.auditNote.targetId = req.query.departmentId;
          return read.trend(ctx, sources, scopeFor(req), req.query);
        },
      );

      app.get(
        '/periods/:period/export.xlsx',
        {
          config: { access: 'supervision.read', audit: { category: 'download', action: 'supervision.export.xlsx' } },
          schema: {
            tags,
            summary: "Export a period's assessment to Excel / 导出考核结果（Excel）",
            params: PeriodParams,
          },
        },
        async (req, reply) => {
          const file = await assessmentXlsx(ctx, sources, scopeFor(req), req.params.period);
          req.auditNote.detail = { period: req.params.period };
          return reply
            .header('content-type', XLSX)
            .header('content-disposition', attachmentDisposition(`考核结果_${req.params.period}.xlsx`))
            .send(file);
        },
      );

      app.get(
        '/periods/:period/export.pdf',
        {
          config: { access: 'supervision.read', audit: { category: 'download', action: 'supervision.export.pdf' } },
          schema: { tags, summary: "Export a period's assessment to PDF / 导出考核结果（PDF）", params: PeriodParams },
        },
        async (req, reply) => {
          const file = await assessmentPdf(ctx, sources, scopeFor(req), req.params.period);
          req.auditNote.detail = { period: req.params.period };
          return reply
            .header('content-type', 'application/pdf')
            .header('content-disposition', attachmentDisposition(`考核结果_${req.params.period}.pdf`))
            .send(file);
        },
      );
    };
}
