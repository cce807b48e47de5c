import { Agent, request, type Dispatcher } from 'undici';
import type { GwOperation } from '../../db/types';

/**
 * The gateway's HTTP client to upstreams (undici, connections kept alive and pooled per origin), and
 * how it authenticates to each: a static header, or a bearer token from the upstream's token endpoint
 * (OAuth 2 client credentials), fetched once and reused until shortly before it expires.
 */

export interface UpstreamTarget {
  entryId: string;
  baseUrl: string;
  authKind: 'none' | 'header' | 'token';
  authConfig: Record<string, string>;
  /** The opened secret: the header's value or the token endpoint's client secret. */
  authSecret: string | null;
  timeoutMs: number;
}

export class UpstreamError extends Error {
  constructor(
    readonly kind: 'timeout' | 'unavailable' | 'auth',
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export class UpstreamClient {
  readonly #agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  readonly #tokens = new Map<string, { token: string; until: number }>();

  async call(
    u: UpstreamTarget,
    op: GwOperation,
    r: { method: string; path: string; search: string; headers: Record<string, string>; body: Buffer | null },
  ): Promise<Dispatcher.ResponseData> {
    const headers = { ...r.headers, ...(await this.#auth(u)) };
    if (op.soapAction !== undefined && !headers.soapaction && !/action=/.test(headers['content-type'] ?? ''))
      headers.soapaction = `"${op.soapAction}"`;
    try {
      return await request(`${u.baseUrl}${r.path}${r.search}`, {
        dispatcher: this.#agent,
        method: r.method as Dispatcher.HttpMethod,
        headers,
        body: r.body && r.body.length ? r.body : null,
        headersTimeout: u.timeoutMs,
        bodyTimeout: u.timeoutMs,
      });
    } catch (e) {
      throw asUpstreamError(e);
    }
  }

  async #auth(u: UpstreamTarget): Promise<Record<string, string>> {
    if (u.authKind === 'header' && u.authSecret) return { [u.authConfig.name!.toLowerCase()]: u.authSecret };
    if (u.authKind !== 'token' || !u.authSecret) return {};
    const cached = this.#tokens.get(u.entryId);
    if (cached && cached.until > Date.now()) return { authorization: `Bearer ${cached.token}` };
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: u.authConfig.clientId ?? '',
      client_secret: u.authSecret,
      ...(u.authConfig.scope ? { scope: u.authConfig.scope } : {}),
    });
    let res: Dispatcher.ResponseData;
    try {
      res = await request(u.authConfig.url!, {
        dispatcher: this.#agent,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        headersTimeout: u.timeoutMs,
        bodyTimeout: u.timeoutMs,
      });
    } catch (e) {
      throw asUpstreamError(e);
    }
    const body = (await res.body.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (res.statusCode !== 200 || typeof body?.access_token !== 'string')
      throw new UpstreamError('auth', `token endpoint answered HTTP ${res.statusCode}`);
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 300;
    this.#tokens.set(u.entryId, { token: body.access_token, until: Date.now() + Math.max(0, lifetime - 30) * 1000 });
    return { authorization: `Bearer ${body.access_token}` };
  }

  /** A stored token the upstream refused is fetched anew next time. */
  forgetToken(entryId: string): void {
    this.#tokens.delete(entryId);
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

function asUpstreamError(e: unknown): UpstreamError {
  const code = (e as { code?: string }).code ?? '';
  return TIMEOUT_CODES.has(code)
    ? new UpstreamError('timeout', 'the upstream did not answer in time')
    : new UpstreamError('unavailable', `the upstream cannot be reached (${code || (e as Error).message})`);
}
