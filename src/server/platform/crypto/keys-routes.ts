import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import { Nullable, Obj } from '../http/schemas';
import { publishedKeys } from './instance-keys';

/** Where anybody finds the public keys that verify what this instance signs. */
export const KEYS_DOCUMENT = '/.well-known/govshare-keys.json';

export function keysRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      KEYS_DOCUMENT,
      {
        config: { access: 'public', audit: false },
        schema: {
          tags: ['system'],
          summary: "The instance's SM2 public keys, current and retired / 平台签名公钥",
          description:
            'Signatures (audit checkpoints, usage digests) name their key by kid: SM2 per GB/T 32918.2 with SM3 and the identity 1234567812345678, DER-encoded (hex). publicKey is the uncompressed point in hex; pem is the SubjectPublicKeyInfo OpenSSL reads (`openssl dgst -sm3 -verify key.pem -sigopt distid:1234567812345678 -signature sig.der data`).',
          response: {
            200: Obj({
              keys: Type.Array(
                Obj({
                  kid: Type.String(),
                  algorithm: Type.Literal('SM2'),
                  publicKey: Type.String(),
                  pem: Type.String(),
                  createdAt: Type.String({ format: 'date-time' }),
                  retiredAt: Nullable(Type.String({ format: 'date-time' })),
                }),
              ),
            }),
          },
        },
      },
      async (_req, reply) => {
        // Keys change rarely, and a retired one stays listed: caches may keep the document a while.
        reply.header('cache-control', 'public, max-age=300');
        return { keys: await publishedKeys(ctx) };
      },
    );
  };
}
