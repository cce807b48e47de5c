/** The one error type: a stable code, an HTTP status and a message in English and Chinese. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageZh?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, zh: string) =>
  new AppError(404, `${what.toUpperCase().replace(/\W+/g, '_')}_NOT_FOUND`, `${what} not found`, `${zh}不存在`);

export const badRequest = (code: string, message: string, messageZh: string, details?: unknown) =>
  new AppError(400, code, message, messageZh, details);

export const conflict = (code: string, message: string, messageZh: string) =>
  new AppError(409, code, message, messageZh);

export const unauthenticated = () => new AppError(401, 'UNAUTHENTICATED', 'Login required', '请先登录');

export const forbidden = (message = 'Permission denied', messageZh = '无权执行此操作') =>
  new AppError(403, 'FORBIDDEN', message, messageZh);

export interface ErrorBody {
  error: { code: string; message: string; messageZh?: string; details?: unknown };
}
