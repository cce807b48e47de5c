import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { attachmentDisposition } from '../../platform/http/file-names';
import type { ArticleSource } from '../../platform/supervision/sources';
import { complianceWorkbook } from './compliance-export';
import { ComplianceView } from './compliance-schemas';
import { complianceView } from './compliance-service';

const tags = ['supervision'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The live compliance view (issue #16 point 6), under /api/supervision. */
export function complianceRoutes(articles: ArticleSource[]) {
  return (ctx: AppContext): FastifyPluginAsyncTypebox =>
    async (app) => {
      app.get(
        '/compliance',
        {
          config: { access: 'compliance.read', audit: { category: 'query', action: 'supervision.compliance.read' } },
          schema: {
            tags,
            summary: "Each article of the regulation with this instance's live evidence / 条款落实情况",
            response: { 200: ComplianceView },
          },
        },
        async () => complianceView(ctx, articles),
      );

      app.get(
        '/compliance.xlsx',
        {
          config: {
            access: 'compliance.read',
            audit: { category: 'download', action: 'supervision.compliance.export' },
          },
          schema: { tags, summary: 'The compliance view as a workbook, for inspections (Art 26) / 导出条款落实情况' },
        },
        async (_req, reply) => {
          const view = await complianceView(ctx, articles);
          return reply
            .type(XLSX)
            .header('content-disposition', attachmentDisposition(`条款落实情况-${view.generatedAt.slice(0, 10)}.xlsx`))
            .send(await complianceWorkbook(view));
        },
      );
    };
}
