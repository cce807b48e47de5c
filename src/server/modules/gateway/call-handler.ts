import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context';
import type { GwOperation } from '../../db/types';
import { verify } from '../../platform/crypto/request-signing';
import { AppError } from '../../platform/errors';
import type { Grant } from '../sharing';
import type { CallerSystem } from './credentials';
import { soapActionOf } from './operation-match';
import type { GatewayRuntime, LoadedUpstream } from './gateway-runtime';
import { UpstreamError } from './upstream-client';
import { XmlProjectionError } from './xml-projection';
import { GRANT_REFUSALS, gatewayError, type GatewayError } from './gateway-errors';
import { readBody } from './request-body';

/**
 * one call through /gw/{entry code}/{operation path}. In order: the upstream; the
 * body within its limit; the caller (a signed request — body digest and nonce included — or a bearer
 * token); the operation; the grant of the caller's department for that operation; the grant's rate and quota;
 * then the upstream, whose answer streams back as it is when the operation maps no data item, and is
 * otherwise cut to the granted items and masked within the response size limit. Every call, refused or
 * not, is one audit event after the response.
 */

export const GRANT_HEADER = 'x-grant-no';

/** /gw/{前段码}/{后段码}/{operation path}: the entry's code in two segments, then the upstream path. */
export interface CallParams {
  prefix: string;
  seq: string;
  '*': string;
}

/** Request headers that reach the upstream; credentials, cookies and hop-by-hop headers never do. */
const FORWARDED = ['accept', 'accept-language', 'content-type', 'soapaction', 'if-none-match', 'if-modified-since'];
/** Response headers passed back to the caller. */
const RETURNED = ['content-type', 'cache-control', 'etag', 'last-modified', 'content-language'];

interface CallState {
  started: bigint;
  upstream: LoadedUpstream | null;
  op: GwOperation | null;
  system: CallerSystem | null;
  grant: Grant | null;
  rows: number | null;
  bytes: number;
  errorCode: string | null;
}

export async function handleCall(
  ctx: AppContext,
  rt: GatewayRuntime,
  req: FastifyRequest<{ Params: CallParams }>,
  reply: FastifyReply,
): Promise<void> {
  const s: CallState = {
    started: process.hrtime.bigint(),
    upstream: null,
    op: null,
    system: null,
    grant: null,
    rows: null,
    bytes: 0,
    errorCode: null,
  };
  reply.raw.once('close', () => record(ctx, rt, req, reply, s));
  try {
    await rt.audit.room();
    await relay(ctx, rt, req, reply, s);
  } catch (e) {
    const err = e instanceof AppError ? e : null;
    if (!err) throw e;
    s.errorCode = String((err.details as { gatewayError?: string } | undefined)?.gatewayError ?? err.code);
    reply.header('x-gateway-error', s.errorCode);
    throw err;
  }
}

async function relay(
  ctx: AppContext,
  rt: GatewayRuntime,
  req: FastifyRequest<{ Params: CallParams }>,
  reply: FastifyReply,
  s: CallState,
): Promise<void> {
  const u = (s.upstream = await rt.upstream(`${req.params.prefix}/${req.params.seq}`));
  if (!u) throw gatewayError('SERVICE_NOT_FOUND');
  const body = await readBody(req, u.maxRequestBytes);
  const now = ctx.clock.now();
  const system = (s.system = await authenticate(ctx, rt, req, body, now));
  // The operation's path as sent (still percent-encoded): an encoded "/" stays inside its segment,
  // and the upstream receives the bytes the caller signed.
  const path = `/${req.url.split('?')[0]!.split('/').slice(4).join('/')}`;
  const op = (s.op = u.matcher.match(req.method, path, soapActionOf(req.headers), now));
  if (!op) throw gatewayError('OPERATION_NOT_FOUND');

  const check = await rt.checkGrant(system.departmentId, u.entryId, req.ip, now);
  if (!check.ok) throw gatewayError(GRANT_REFUSALS[check.reason]);
  const grant = (s.grant = check.grant);
  reply.header(GRANT_HEADER, grant.no);
  if (grant.terms.operations && !grant.terms.operations.includes(op.id)) throw gatewayError('OPERATION_NOT_GRANTED');
  const verdict = await rt.limits.take(
    grant.id,
    {
      perMinute: grant.terms.callsPerMinute ?? u.callsPerMinute,
      perDay: grant.terms.dailyCallQuota ?? u.dailyCallQuota,
    },
    now,
  );
  reply.headers(verdict.headers);
  if (!verdict.ok) {
    reply.header('retry-after', String(verdict.retryAfter));
    throw gatewayError(verdict.code, { retryAfter: verdict.retryAfter });
  }

  const res = await rt.client
    .call(u, op, {
      method: req.method,
      path,
      search: searchOf(req.url),
      headers: forwardedHeaders(req.headers),
      body,
    })
    .catch((e: unknown) => {
      throw e instanceof UpstreamError ? gatewayError(UPSTREAM_ERRORS[e.kind], { detail: e.message }) : e;
    });
  if (res.statusCode === 401 && u.authKind === 'token') rt.client.forgetToken(u.entryId);
  reply.code(res.statusCode);
  for (const h of RETURNED) {
    const v = res.headers[h];
    if (typeof v === 'string') reply.header(h, v);
  }
  // Errors of the upstream itself pass through as it sent them: no X-Gateway-Error, its own status.
  const success = res.statusCode >= 200 && res.statusCode < 300;
  if (!op.fields.length || !success) {
    reply.header('x-upstream-status', String(res.statusCode));
    await reply.send(counted(res.body, s));
    return;
  }
  const raw = await readLimited(res.body, u.maxResponseBytes);
  s.bytes = raw.length;
  const projector = await rt.projector(u, op, grant);
  let out: string;
  try {
    if (projector.kind === 'json') {
      const p = projector.apply(JSON.parse(raw.toString('utf8')));
      s.rows = p.rows;
      out = JSON.stringify(p.value);
    } else {
      const p = projector.apply(raw.toString('utf8'));
      s.rows = p.rows;
      out = p.xml;
    }
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof XmlProjectionError) throw gatewayError('UPSTREAM_RESPONSE_INVALID');
    throw e;
  }
  reply.header('x-upstream-status', String(res.statusCode));
  await reply.send(out);
}

const UPSTREAM_ERRORS = {
  timeout: 'UPSTREAM_TIMEOUT',
  unavailable: 'UPSTREAM_UNAVAILABLE',
  auth: 'UPSTREAM_AUTH_FAILED',
} as const satisfies Record<UpstreamError['kind'], GatewayError>;

/** The caller: a bearer token, or a request signed with the app secret (X-Gw-Key, -Timestamp, -Nonce, -Signature). */
async function authenticate(
  ctx: AppContext,
  rt: GatewayRuntime,
  req: FastifyRequest,
  body: Buffer | null,
  now: Date,
): Promise<CallerSystem> {
  const creds = rt.credentials;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) {
    const key = await creds.tokenKey(ctx, auth.slice(7).trim());
    const system = key ? await creds.system(ctx, key) : null;
    if (!system) throw gatewayError('TOKEN_INVALID');
    if (!system.active) throw gatewayError('SYSTEM_DISABLED');
    return system;
  }
  const h = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : '';
  };
  const key = h('x-gw-key');
  if (!key) throw gatewayError('CREDENTIALS_MISSING');
  const system = await creds.system(ctx, key);
  if (!system) throw gatewayError('APP_KEY_UNKNOWN');
  if (!system.active) throw gatewayError('SYSTEM_DISABLED');
  const signed = {
    method: req.method,
    // The path as sent (percent-encoded as sent), the same the caller signed.
    path: req.url.split('?')[0]!,
    query: [...new URLSearchParams(searchOf(req.url)).entries()],
    timestamp: h('x-gw-timestamp'),
    nonce: h('x-gw-nonce'),
    body: body ?? '',
  };
  const signature = h('x-gw-signature');
  let fault = verify(system.secret, signed, signature, now);
  if (fault === 'SIGNATURE_INVALID' && system.previousSecret && system.previousUntil > now.getTime())
    fault = verify(system.previousSecret, signed, signature, now);
  if (fault) throw gatewayError(fault);
  if (!(await rt.nonces.take(system.appKey, signed.nonce, now))) throw gatewayError('NONCE_REPLAYED');
  return system;
}

const searchOf = (url: string) => {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i);
};

function forwardedHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of FORWARDED) {
    const v = headers[h];
    if (typeof v === 'string') out[h] = v;
  }
  return out;
}

/** The upstream's body as it streams by, its bytes counted for the audit event. */
function counted(body: Readable, s: CallState): Readable {
  body.on('data', (c: Buffer) => (s.bytes += c.length));
  return body;
}

async function readLimited(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) {
      body.destroy();
      throw gatewayError('UPSTREAM_RESPONSE_TOO_LARGE', { limit });
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** The call's audit event, once its response has closed: who, which system and grant, what came of it. */
function record(ctx: AppContext, rt: GatewayRuntime, req: FastifyRequest, reply: FastifyReply, s: CallState): void {
  const status = reply.statusCode;
  const finished = reply.raw.writableFinished;
  const latencyMs = Number((process.hrtime.bigint() - s.started) / 1000n) / 1000;
  const refused = s.errorCode !== null && status < 500;
  const failed = status >= 500 || !finished;
  if (s.upstream) {
    const kind = refused ? 'refused' : failed ? 'failed' : 'ok';
    rt.stats.count(s.upstream.entryId, s.op?.id ?? '', ctx.clock.now(), latencyMs, kind);
  }
  if (s.system) rt.stats.used(s.system.id, ctx.clock.now());
  rt.audit.record({
    userId: null,
    username: s.system ? `app:${s.system.appKey}` : null,
    realName: s.system?.name ?? null,
    departmentId: s.system?.departmentId ?? null,
    departmentName: s.system?.departmentName ?? null,
    roles: [],
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
    category: 'share',
    action: 'gateway.call',
    targetType: s.upstream ? 'catalog_entry' : null,
    targetId: s.upstream?.entryId ?? null,
    targetName: s.upstream?.auditTarget.name ?? null,
    providerDepartmentId: s.upstream?.auditTarget.providerDepartmentId ?? null,
    rowCount: s.rows,
    outcome: s.errorCode
      ? status === 401 || status === 403 || status === 429
        ? 'denied'
        : 'failed'
      : finished && status < 400
        ? 'success'
        : 'failed',
    statusCode: status,
    detail: {
      systemId: s.system?.id ?? null,
      grantNo: s.grant?.no ?? null,
      operation: s.op?.id ?? null,
      method: req.method,
      path: req.url.split('?')[0],
      latencyMs,
      bytes: s.bytes,
      ...(s.errorCode ? { gatewayError: s.errorCode } : {}),
      // Refused before the caller was verified: the key it presented, for tracing only.
      ...(s.system ? {} : { presentedKey: String(req.headers['x-gw-key'] ?? '').slice(0, 64) || null }),
      ...(finished ? {} : { aborted: true }),
    },
  });
}
