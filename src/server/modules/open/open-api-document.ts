import type { TObject, TSchema } from '@sinclair/typebox';
import { ErrorSchema } from '../../platform/http/schemas';
import {
  API_KEY_HEADER,
  DEFAULT_DAILY_QUOTA,
  DEFAULT_RATE_PER_MINUTE,
  OPEN_API_BASE,
} from '../../../shared/open/api-keys';
import { OPEN_LICENCE, OPEN_LICENCE_PATH } from '../../../shared/open/licence';
import { VERSION } from '../../version';
import {
  OpenDatasetList,
  OpenDatasetMeta,
  OpenDatasetParams,
  OpenDatasetsQuery,
  OpenRecords,
  OpenRecordsQuery,
} from './open-api-schemas';

/**
 * the open API's own OpenAPI 3.1 document, built from the same TypeBox schemas the routes
 * validate with. Hand-assembled rather than a second @fastify/swagger: that plugin decorates the
 * root instance, which already carries the staff API's document. 3.1 because its schemas are JSON
 * Schema, so TypeBox's `null` unions need no translation.
 */

/** A TypeBox schema as plain JSON Schema (its symbol keys dropped). */
const plain = (s: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(s)) as Record<string, unknown>;

function parameters(where: 'query' | 'path', s: TObject) {
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties).map(([name, prop]) => {
    const schema = plain(prop);
    const description = schema['description'];
    delete schema['description'];
    const array = schema['type'] === 'array';
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      ...(array ? { style: 'form', explode: true } : {}),
      schema,
    };
  });
}

const json = (schema: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } });
const error = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: json('Error'),
});

const ERRORS = {
  '400': error('Invalid parameters / 参数错误'),
  '401': error('Missing, unknown or revoked API key / API 密钥无效'),
  '404': error('No such open dataset / 数据集不存在或未开放'),
  '429': error('Rate limit or daily quota reached / 超出调用频率或每日配额', {
    'Retry-After': { description: 'seconds until a call is allowed again', schema: { type: 'integer' } },
  }),
};

const LIMIT_HEADERS = {
  'X-RateLimit-Limit': { description: 'calls allowed per minute', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'calls left in the current minute', schema: { type: 'integer' } },
  'X-Quota-Limit': { description: 'calls allowed per Beijing day', schema: { type: 'integer' } },
  'X-Quota-Remaining': { description: 'calls left today', schema: { type: 'integer' } },
};

const ok = (schema: string, description: string) => ({
  '200': { description, headers: LIMIT_HEADERS, content: json(schema) },
  ...ERRORS,
});

const code = parameters('path', OpenDatasetParams);

/** `origin`: the site's scheme and host, for the links that must be absolute URLs (the licence). */
export function openApiDocument(origin: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: '上饶市公共数据开放接口 / Shangrao Open Data API',
      version: `1.0 (${VERSION})`,
      description: [
        '无条件开放数据的查询接口。注册并登录开放平台后，在“用户中心 › API 密钥”免费申请密钥，',
        `调用时在请求头 ${API_KEY_HEADER} 中提供。每个密钥每分钟最多 ${DEFAULT_RATE_PER_MINUTE} 次、`,
        `每个北京时间自然日最多 ${DEFAULT_DAILY_QUOTA} 次调用，超出时返回 429 与 Retry-After。`,
        '个人信息和敏感信息按开放渠道的脱敏规则脱敏后提供。',
        '',
        `Query unconditionally open data with a free key (user centre › API keys), sent in the ${API_KEY_HEADER} header; `,
        `${DEFAULT_RATE_PER_MINUTE} calls a minute and ${DEFAULT_DAILY_QUOTA} a Beijing day per key (429 with Retry-After beyond).`,
      ].join('\n'),
      license: { name: OPEN_LICENCE.titleZh, url: `${origin}${OPEN_LICENCE_PATH}` },
    },
    servers: [{ url: OPEN_API_BASE }],
    security: [{ ApiKeyHeader: [] }],
    tags: [{ name: 'datasets', description: '开放数据集 / Open datasets' }],
    paths: {
      '/datasets': {
        get: {
          operationId: 'listDatasets',
          tags: ['datasets'],
          summary: 'Search the open datasets / 检索开放数据集',
          parameters: parameters('query', OpenDatasetsQuery),
          responses: ok('DatasetList', 'one page of open datasets'),
        },
      },
      '/datasets/{prefix}/{seq}': {
        get: {
          operationId: 'getDataset',
          tags: ['datasets'],
          summary: 'Metadata, data dictionary and licence / 数据集元数据与数据字典',
          parameters: code,
          responses: ok('Dataset', 'the dataset'),
        },
      },
      '/datasets/{prefix}/{seq}/records': {
        get: {
          operationId: 'getRecords',
          tags: ['datasets'],
          summary: 'Records, masked for the public, a page at a time / 查询开放数据',
          parameters: [...code, ...parameters('query', OpenRecordsQuery)],
          responses: ok('Records', 'one page of records'),
        },
      },
    },
    components: {
      securitySchemes: {
        ApiKeyHeader: { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'API 密钥 / API key' },
      },
      schemas: {
        DatasetList: plain(OpenDatasetList),
        Dataset: plain(OpenDatasetMeta),
        Records: plain(OpenRecords),
        Error: plain(ErrorSchema),
      },
    },
  };
}
