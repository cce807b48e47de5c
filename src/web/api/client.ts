/** Thin fetch wrapper: JSON in and out, one typed error, and a redirect to the login page on 401. */

export interface ApiErrorBody {
  code: string;
  message: string;
  messageZh?: string;
  details?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageZh?: string;
  readonly details?: unknown;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.messageZh = body.messageZh;
    this.details = body.details;
  }

  /** The message in the UI language, falling back to English when the server has no Chinese text. */
  localized(locale: string): string {
    return locale.startsWith('zh') ? (this.messageZh ?? this.message) : this.message;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** Called when the server says the session is gone; the router wires this to a login redirect. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

export function buildUrl(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Login and /me handle 401 themselves instead of being redirected. */
  allow401?: boolean;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | FormData | undefined;
  if (opts.body instanceof FormData) {
    // The browser sets the multipart boundary itself.
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, {
      code: 'NETWORK',
      message: 'The server cannot be reached',
      messageZh: '无法连接服务器，请检查网络',
    });
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: ApiErrorBody } | undefined)?.error;
    const apiError = new ApiError(
      res.status,
      err ?? {
        code: `HTTP_${res.status}`,
        message: res.statusText || `HTTP ${res.status}`,
        messageZh: `请求失败（${res.status}）`,
      },
    );
    if (res.status === 401 && !opts.allow401) onUnauthenticated?.();
    throw apiError;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query' | 'body'> = {}) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
  /** multipart/form-data upload (files). */
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, { body: form }),
};

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
