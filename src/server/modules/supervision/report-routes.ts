import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { attachmentDisposition } from '../../platform/http/file-names';
import { ReportQuery } from './rectification-schemas';
import { reportHtml, reportXlsx, XLSX_TYPE } from './report-service';

const tags = ['supervision'];

/** 领导小组报告 under /api/supervision: the office exports a period's notices and circulars. */
export function reportRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/leading-group-report',
      {
        config: {
          access: 'supervision.manage',
          audit: { category: 'download', action: 'supervision.report.export' },
        },
        schema: {
          tags,
          summary: "A period's rectification notices and circulars for the leading group / 领导小组报告",
          description: 'format=xlsx: a workbook (概况, 整改通知, 通报); format=html: a printable document.',
          querystring: ReportQuery,
        },
      },
      async (req, reply) => {
        req.auditNote.detail = { period: req.query.period, format: req.query.format };
        if (req.query.format === 'html')
          return reply.type('text/html; charset=utf-8').send(await reportHtml(ctx, req.query.period));
        const { fileName, content } = await reportXlsx(ctx, req.query.period);
        return reply
          .header('content-type', XLSX_TYPE)
          .header('content-disposition', attachmentDisposition(fileName))
          .send(content);
      },
    );
  };
}
