import type { AppContext } from '../../app-context';
import type { GwOperation } from '../../db/types';
import type { Actor } from '../../platform/context';
import { grantsInForceOf, type Grant } from '../sharing';
import { findUpstream } from './upstreams-repo';

/**
 * R-23 point 5: one OpenAPI 3 document of everything the caller's department may call through the
 * gateway — per active 服务接口 grant in force, the registered operations its terms allow, at their
 * /gw addresses, each saying which data items it returns (only the granted ones, masked as the
 * grant says) and which grant it is answered under. Security: the signed headers, or a bearer token.
 */

type Doc = Record<string, unknown>;

const ERROR = { $ref: '#/components/schemas/Error' };

export async function consumerDocument(ctx: AppContext, actor: Actor, origin: string): Promise<Doc> {
  const grants = actor.departmentId
    ? (await grantsInForceOf(ctx, actor.departmentId)).filter((g) => g.method === 'api')
    : [];
  const paths: Record<string, Record<string, unknown>> = {};
  const tags: Array<{ name: string; description: string }> = [];
  for (const g of grants) {
    const u = await findUpstream(ctx.db, g.entryId);
    if (!u) continue;
    const now = ctx.clock.now();
    const offered = [...u.operations, ...u.retiring.filter((o) => new Date(o.retireAt) > now)];
    const ops = offered.filter((o) => !g.terms.operations || g.terms.operations.includes(o.id));
    if (!ops.length) continue;
    tags.push({ name: g.entryCode, description: `${g.entryName}（共享授权 ${g.no}，有效期至 ${g.validTo}）` });
    for (const op of ops) {
      const path = `/gw/${g.entryCode}${op.path}`;
      paths[path] ??= {};
      paths[path][op.method.toLowerCase()] = operationDoc(g, op);
    }
  }
  return {
    openapi: '3.0.3',
    info: {
      title: `${actor.departmentName ?? ''} 可调用的服务接口`,
      version: '1',
      description:
        'Services this department may call through the govshare gateway: sign each request (X-Gw-Key, X-Gw-Timestamp, X-Gw-Nonce, X-Gw-Signature: HMAC-SM3, see the platform docs) or send a bearer token from POST /api/gateway/token. Responses carry only the granted data items, masked.',
    },
    servers: [{ url: origin }],
    tags,
    paths,
    components: {
      securitySchemes: {
        appKey: { type: 'apiKey', in: 'header', name: 'X-Gw-Key' },
        signature: { type: 'apiKey', in: 'header', name: 'X-Gw-Signature' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string' }, message: { type: 'string' }, messageZh: { type: 'string' } },
            },
          },
        },
      },
    },
    security: [{ appKey: [], signature: [] }, { bearer: [] }],
  };
}

function operationDoc(g: Grant, op: GwOperation & { retireAt?: string }): Record<string, unknown> {
  const granted = new Map(g.items.map((i) => [i.fieldName.toLowerCase(), i]));
  const returned = op.fields.flatMap((f) => {
    const item = granted.get(f.field.toLowerCase());
    return item ? [`${item.name}（${f.field}）: ${f.path}`] : [];
  });
  const params = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const type = op.responseFormat === 'xml' ? 'text/xml' : 'application/json';
  const ending = op.retireAt ? ` Being retired: answered until ${op.retireAt}.` : '';
  return {
    tags: [g.entryCode],
    ...(op.retireAt ? { deprecated: true } : {}),
    operationId: `${g.entryCode.replace('/', '_')}_${op.id}`,
    summary: op.summary || op.id,
    description: op.fields.length
      ? `Returns only these granted data items (masked per the grant): ${returned.join('; ') || 'none'}. Answered under grant ${g.no}.${ending}`
      : `Carries no data item; passed through as the service answers. Answered under grant ${g.no}.${ending}`,
    ...(params.length ? { parameters: params } : {}),
    ...(op.method === 'GET' || op.method === 'DELETE'
      ? {}
      : { requestBody: { content: { [op.soapAction !== undefined ? 'text/xml' : 'application/json']: {} } } }),
    responses: {
      '200': {
        description: 'The service’s answer, cut to the granted items',
        headers: { 'X-Grant-No': { schema: { type: 'string', example: g.no } } },
        content: { [type]: {} },
      },
      '401': {
        description: 'Credentials missing or wrong (X-Gateway-Error)',
        content: { 'application/json': { schema: ERROR } },
      },
      '403': {
        description: 'No grant for this call (X-Gateway-Error)',
        content: { 'application/json': { schema: ERROR } },
      },
      '429': {
        description: 'Rate limit or daily quota (Retry-After)',
        content: { 'application/json': { schema: ERROR } },
      },
    },
  };
}
