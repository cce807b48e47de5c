import type { DataAccess } from './data-access';

/** JSON Schema of one catalog data type as the query API returns it (numbers and dates travel as text). */
const TYPE_SCHEMA: Record<string, Record<string, unknown>> = {
  C: { type: 'string' },
  M: { type: 'string' },
  N: { type: 'string', description: 'decimal number as text' },
  Y: { type: 'string', description: 'amount as text, 4 decimals' },
  D: { type: 'string', format: 'date' },
  T: { type: 'string', description: 'local date and time' },
  L: { type: 'boolean' },
  G: { type: 'string', description: 'binary, hex' },
  B: { type: 'number' },
  I: { type: 'string', description: 'integer as text (64-bit)' },
  F: { type: 'number' },
};

/**
 * the resource's own OpenAPI fragment, generated from its data items as this caller may read
 * them (granted items only; masked ones are text whatever their type).
 */
export function recordsOpenApi(access: DataAccess, title: string): Record<string, unknown> {
  const base = `/api/v1/data/${access.code}`;
  const properties = Object.fromEntries(
    access.columns.map((c) => [
      c.column,
      {
        ...(c.rule.code === 'none' ? TYPE_SCHEMA[c.dataType] : { type: 'string' }),
        title: c.name,
        nullable: true,
        ...(c.rule.code !== 'none' ? { 'x-masked': c.rule.code } : {}),
      },
    ]),
  );
  const fields = access.columns.map((c) => c.column);
  const params = [
    {
      name: 'fields',
      in: 'query',
      schema: { type: 'string' },
      description: `comma-separated, of: ${fields.join(', ')}`,
    },
    {
      name: 'filter',
      in: 'query',
      schema: { type: 'array', items: { type: 'string' } },
      description: 'field:value, repeatable',
    },
    { name: 'sort', in: 'query', schema: { type: 'string' } },
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
    { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
    { name: 'cursor', in: 'query', schema: { type: 'string' } },
  ];
  return {
    openapi: '3.0.3',
    info: {
      title: `${title}（${access.code}）`,
      version: access.grant?.no ?? 'provider',
      description: access.grant
        ? `Served under grant ${access.grant.no}, valid to ${access.grant.validTo}.`
        : 'Full view of the providing department.',
    },
    paths: {
      [`${base}/records`]: {
        get: {
          summary: `查询${title}`,
          parameters: params,
          responses: {
            '200': {
              description: 'records',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      items: { type: 'array', items: { $ref: '#/components/schemas/Record' } },
                      nextCursor: { type: 'string', nullable: true },
                      grantNo: { type: 'string', nullable: true },
                    },
                  },
                },
              },
            },
          },
        },
      },
      [`${base}/export`]: {
        get: {
          summary: `导出${title}`,
          parameters: [
            ...params.slice(0, 2),
            { name: 'format', in: 'query', schema: { type: 'string', enum: ['csv', 'jsonl'] } },
          ],
          responses: { '200': { description: 'CSV or JSON lines' } },
        },
      },
      [`${base}/verify`]: {
        post: {
          summary: `比对${title}`,
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['fields', 'records'],
                  properties: {
                    fields: { type: 'array', items: { type: 'string', enum: fields } },
                    records: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
                  },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'match per record',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { results: { type: 'array', items: { type: 'boolean' } } } },
                },
              },
            },
          },
        },
      },
    },
    components: { schemas: { Record: { type: 'object', properties } } },
  };
}
