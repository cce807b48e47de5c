import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { Nullable, Obj } from '../../platform/http/schemas';
import { listSynonyms, saveSynonyms } from './synonyms-service';

const tags = ['catalog'];
const Term = Type.String({ minLength: 1, maxLength: 20 });
const Dictionary = Obj({
  groups: Type.Array(Type.Array(Term, { minItems: 2, maxItems: 20 }), {
    maxItems: 1000,
    description: 'groups of words that mean the same (社保, 社会保险); a word in one group only',
  }),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
});

/** The search dictionary of synonyms and abbreviations (issue #12 point 3), under /api/catalog. */
export function synonymRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/synonyms',
      {
        config: { access: 'catalog.read', audit: { category: 'query', action: 'catalog.synonyms.read' } },
        schema: {
          tags,
          summary: 'Search synonyms and abbreviations / 检索同义词和简称',
          response: { 200: Dictionary },
        },
      },
      async () => listSynonyms(ctx),
    );
    app.put(
      '/synonyms',
      {
        config: { access: 'catalog.classify', audit: { category: 'maintain', action: 'catalog.synonyms.set' } },
        schema: {
          tags,
          summary: 'Replace the search synonyms / 维护检索同义词',
          body: Obj({ groups: Dictionary.properties.groups }),
          response: { 200: Dictionary },
        },
      },
      async (req) => saveSynonyms(ctx, req.actor as Actor, req.body.groups),
    );
  };
}
