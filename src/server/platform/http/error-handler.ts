import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError, type ErrorBody } from '../errors';
import { validationMessages } from './validation-messages';

const pgMessages: Record<string, [string, string, string]> = {
  '23505': ['DUPLICATE', 'A record with the same unique value already exists', '存在重复的唯一值记录'],
  '23503': ['REFERENCE_INVALID', 'A referenced record does not exist or is still in use', '引用的记录不存在或仍被使用'],
};

/**
 * One error shape for every failure: {error: {code, message, messageZh?, details?}}; schema
 * validation failures carry one detail per field, in English and Chinese.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    let status = 500;
    let body: ErrorBody;
    if (err instanceof AppError) {
      status = err.status;
      body = { error: { code: err.code, message: err.message, messageZh: err.messageZh, details: err.details } };
    } else if ('validation' in err && err.validation) {
      status = 400;
      const { message, messageZh, details } = validationMessages(err.validation, err.validationContext);
      body = { error: { code: 'VALIDATION_FAILED', message, messageZh, details } };
    } else if ('code' in err && typeof err.code === 'string' && pgMessages[err.code]) {
      const [code, message, messageZh] = pgMessages[err.code]!;
      status = 409;
      body = { error: { code, message, messageZh } };
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) {
      status = err.statusCode;
      body = {
        error: {
          code: ('code' in err && typeof err.code === 'string' && err.code) || 'BAD_REQUEST',
          message: err.message,
        },
      };
    } else {
      req.log.error({ err }, 'unhandled error');
      body = { error: { code: 'INTERNAL', message: 'Internal server error', messageZh: '服务器内部错误' } };
    }
    if (req.auditNote) req.auditNote.errorCode = body.error.code;
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: `No route ${req.method} ${req.url.split('?')[0]}`,
        messageZh: '接口不存在',
      },
    } satisfies ErrorBody),
  );
}

/** Errors the router meets before any route (Fastify's frameworkErrors option), in the same shape. */
const FRAMEWORK: Record<string, [number, string, string, string]> = {
  FST_ERR_BAD_URL: [400, 'URL_INVALID', 'The request URL is not valid', '请求地址无效'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'URL_PARAM_TOO_LONG', 'A parameter in the URL is too long', '请求地址中的参数过长'],
};

export function frameworkErrorReply(err: FastifyError, _req: unknown, reply: FastifyReply): void {
  const [status, code, message, messageZh] = FRAMEWORK[err.code] ?? [
    500,
    'INTERNAL',
    'Internal server error',
    '服务器内部错误',
  ];
  void reply.status(status).send({ error: { code, message, messageZh } } satisfies ErrorBody);
}
