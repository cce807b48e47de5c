import type { FastifyReply } from 'fastify';
import { originOf } from '../../../platform/http/origin';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../app-context';
import { AppError } from '../../../platform/errors';
import { Obj } from '../../../platform/http/schemas';
import { catalogPage, datasetDocument } from './dcat-service';
import { Readable } from 'node:stream';
import { FORMATS, rdfDocument, type Format } from './dcat-serialize';
import type { Triple } from './dcat-graph';

const Ext = Type.Union([Type.Literal('ttl'), Type.Literal('jsonld'), Type.Literal('rdf')]);

/** The document streamed one chunk ahead of the socket (Readable.from's default reads sixteen ahead). */
function send(reply: FastifyReply, format: Format, chunks: AsyncIterable<Triple[]> | Iterable<Triple[]>) {
  return reply.type(FORMATS[format]).send(Readable.from(rdfDocument(format, chunks), { highWaterMark: 1 }));
}

/**
 * the open catalog as DCAT-AP 3 for harvesters (data.europa.eu-style and ckanext-dcat):
 * /catalog.{ttl,jsonld,rdf} paged with Hydra (?page=N, ?modified_since=ISO) and
 * /dataset/{name}.{ttl,jsonld,rdf}. Public metadata, not audited, like the portal's pages.
 */
export function dcatRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/catalog.:ext',
      {
        config: { access: 'public', audit: false },
        schema: {
          hide: true,
          params: Obj({ ext: Ext }),
          querystring: Obj({ page: Type.Optional(Type.String()), modified_since: Type.Optional(Type.String()) }),
        },
      },
      async (req, reply) =>
        send(
          reply,
          req.params.ext,
          await catalogPage(ctx, originOf(req), req.params.ext, {
            page: req.query.page,
            modifiedSince: req.query.modified_since,
          }),
        ),
    );

    app.get(
      '/dataset/:name.:ext',
      {
        config: { access: 'public', audit: false },
        schema: { hide: true, params: Obj({ name: Type.String(), ext: Ext }) },
      },
      async (req, reply) => {
        const triples = await datasetDocument(ctx, originOf(req), req.params.name);
        if (!triples) throw new AppError(404, 'NOT_FOUND', 'Open dataset not found', '开放数据集不存在');
        return send(reply, req.params.ext, [triples]);
      },
    );
  };
}
