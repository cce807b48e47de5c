import { request } from 'undici';
import type { AppContext } from '../../app-context';
import { inTransaction } from '../../db/tx';
import type { Actor } from '../../platform/context';
import { AppError, badRequest, forbidden, notFound } from '../../platform/errors';
import { inScope, scopeOf } from '../../platform/rbac/scope';
import { publishedVersionOf, type EntryVersion } from '../catalog';
import { activeGrantDepartments } from '../sharing';
import { operationsFromOpenApi, operationsFromWsdl } from './describe';
import { jsonPathProblem } from './response-projection';
import type { Operation, PendingChange, Upstream, UpstreamInput } from './schemas';
import * as repo from './upstreams-repo';
import { xpathProblem } from './xml-projection';
import { sealAuthSecret } from './upstream-secret';
import { assertNonePending, pendingChangeOf, submitForReview } from './change-review';
import { applyRegistration, removedBy, type Registration } from './registration-apply';

/**
 * R-23 registration: the provider of a 服务接口 entry says where its API is, what it offers, how the
 * gateway authenticates to it, and which response fields carry which data items. Every save is a
 * revision; one that takes an operation away from departments holding grants waits for platform
 * review, and once approved the operation stays answered for a month and they are told (R-07,
 * change-review.ts).
 */

interface Problem {
  field: string;
  code: string;
  message: string;
  messageZh: string;
}

function toUpstream(r: repo.UpstreamRow, code: string, pendingChange: PendingChange | null): Upstream {
  const cfg = r.auth_config;
  return {
    entryId: r.entry_id,
    entryCode: code,
    baseUrl: r.base_url,
    specKind: r.spec_kind,
    hasSpec: r.spec !== null,
    operations: r.operations as Operation[],
    retiring: r.retiring.map((o) => ({ id: o.id, method: o.method, path: o.path, retireAt: o.retireAt })),
    auth: {
      kind: r.auth_kind,
      ...(cfg.name ? { name: cfg.name } : {}),
      ...(cfg.url ? { url: cfg.url } : {}),
      ...(cfg.clientId ? { clientId: cfg.clientId } : {}),
      ...(cfg.scope ? { scope: cfg.scope } : {}),
      secretSet: r.auth_secret !== null,
    },
    healthPath: r.health_path,
    timeoutMs: r.timeout_ms,
    maxRequestBytes: r.max_request_bytes,
    maxResponseBytes: r.max_response_bytes,
    callsPerMinute: r.calls_per_minute,
    dailyCallQuota: r.daily_call_quota,
    revision: r.revision,
    updatedAt: r.updated_at.toISOString(),
    pendingChange,
  };
}

/** The published 服务接口 entry, if the actor's department provides it (or the actor is the platform). */
async function ownApiEntry(ctx: AppContext, actor: Actor, entryId: string): Promise<EntryVersion> {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  if (!inScope(scopeOf(actor, 'gateway.upstream.manage'), v.providerDepartmentId))
    throw forbidden('Only the providing department registers its service', '只有资源提供部门可以登记其服务接口');
  if (!v.shareMethods.includes('api'))
    throw badRequest(
      'GATEWAY_ENTRY_NOT_API',
      'The entry is not shared by service interface (共享方式 has no 服务接口)',
      '该信息资源的共享方式不含“服务接口”，不能登记接口',
    );
  return v;
}

export async function getUpstream(ctx: AppContext, actor: Actor, entryId: string): Promise<Upstream | null> {
  const v = await publishedVersionOf(ctx, entryId);
  if (!v) throw notFound('Published catalog entry', '已发布的信息资源');
  const r = await repo.findUpstream(ctx.db, entryId);
  return r ? toUpstream(r, v.code, await pendingChangeOf(ctx, entryId)) : null;
}

/** Operations proposed from a description given as text or fetched from the upstream. */
export async function describe(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  input: { specKind: 'openapi' | 'wsdl'; spec?: string; url?: string },
): Promise<{ operations: Operation[]; spec: string }> {
  const v = await ownApiEntry(ctx, actor, entryId);
  const spec = input.spec ?? (input.url ? await fetchSpec(input.url) : undefined);
  if (!spec) throw badRequest('GATEWAY_SPEC_REQUIRED', 'Give the description or its URL', '请上传接口描述或填写其地址');
  const fields = v.items.flatMap((i) => (i.fieldName ? [i.fieldName] : []));
  const operations = input.specKind === 'wsdl' ? operationsFromWsdl(spec) : operationsFromOpenApi(spec, fields);
  return { operations, spec };
}

const SPEC_LIMIT = 2_000_000;

async function fetchSpec(url: string): Promise<string> {
  const unreachable = (why: string) =>
    new AppError(502, 'GATEWAY_SPEC_FETCH', `Could not fetch the description: ${why}`, `无法获取接口描述：${why}`);
  if (!/^https?:\/\//i.test(url)) throw badRequest('GATEWAY_URL', 'Only http(s) URLs', '只支持 http(s) 地址');
  try {
    const res = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw unreachable(`HTTP ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res.body as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > SPEC_LIMIT) {
        res.body.destroy();
        throw unreachable('larger than 2 MB');
      }
      chunks.push(c);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw unreachable((e as Error).message);
  }
}

/** Why a registration cannot be saved, field by field. */
function problemsOf(input: UpstreamInput, v: EntryVersion, stored: repo.UpstreamRow | undefined): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, code: string, message: string, messageZh: string) =>
    problems.push({ field, code, message, messageZh });
  if (!/^https?:\/\//i.test(input.baseUrl))
    add('baseUrl', 'GATEWAY_URL', 'The base URL must be http(s)', '服务地址须以 http:// 或 https:// 开头');
  const fields = new Set(v.items.flatMap((i) => (i.fieldName ? [i.fieldName.toLowerCase()] : [])));
  const ids = new Set<string>();
  const routes = new Set<string>();
  for (const [i, op] of input.operations.entries()) {
    const at = `operations[${i}]`;
    if (ids.has(op.id))
      add(`${at}.id`, 'GATEWAY_OPERATION_DUPLICATE', `Operation id ${op.id} is used twice`, `操作标识 ${op.id} 重复`);
    ids.add(op.id);
    const route = `${op.method} ${op.path.replace(/\{[^}]*\}/g, '{}')} ${op.soapAction ?? ''}`;
    if (routes.has(route))
      add(
        `${at}.path`,
        'GATEWAY_OPERATION_DUPLICATE',
        `${op.method} ${op.path} is offered twice`,
        `${op.method} ${op.path} 重复`,
      );
    routes.add(route);
    for (const [j, f] of op.fields.entries()) {
      if (!fields.has(f.field.toLowerCase()))
        add(
          `${at}.fields[${j}].field`,
          'GATEWAY_FIELD_UNKNOWN',
          `${f.field} is not a data item of the entry`,
          `${f.field} 不是该信息资源的数据项`,
        );
      const problem = op.responseFormat === 'xml' ? xpathProblem(f.path, op.namespaces ?? {}) : jsonPathProblem(f.path);
      if (problem) add(`${at}.fields[${j}].path`, 'GATEWAY_FIELD_PATH', problem, `字段路径无效：${problem}`);
    }
  }
  const a = input.auth;
  const storedKind = stored?.auth_kind;
  if (a.kind === 'header' && !a.value && !(storedKind === 'header' && stored?.auth_secret))
    add('auth.value', 'GATEWAY_AUTH_SECRET', 'Give the header value', '请填写认证请求头的值');
  if (a.kind === 'token' && !a.clientSecret && !(storedKind === 'token' && stored?.auth_secret))
    add('auth.clientSecret', 'GATEWAY_AUTH_SECRET', 'Give the client secret', '请填写令牌接口的客户端密钥');
  if (a.kind === 'token' && !/^https?:\/\//i.test(a.url))
    add('auth.url', 'GATEWAY_URL', 'The token URL must be http(s)', '令牌地址须以 http:// 或 https:// 开头');
  return problems;
}

/**
 * Creates or changes the registration, as a new revision with the secret sealed. One that takes
 * operations away from departments holding grants waits for platform review instead.
 */
export async function saveUpstream(
  ctx: AppContext,
  actor: Actor,
  entryId: string,
  input: UpstreamInput,
): Promise<Upstream> {
  const v = await ownApiEntry(ctx, actor, entryId);
  return inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    const stored = await repo.lockUpstream(db, entryId);
    const problems = problemsOf(input, v, stored);
    if (problems.length)
      throw badRequest('VALIDATION', 'The registration has problems', '接口登记信息有误', { problems });
    await assertNonePending(t, entryId);
    const reg = await registrationOf(t, entryId, input, stored);
    const removed = removedBy(stored, reg);
    if (removed.length && (await activeGrantDepartments(t, entryId)).length)
      await submitForReview(t, v, reg, removed, actor.userId);
    else
      await applyRegistration(t, v, stored, reg, {
        revision: await repo.nextRevision(db, entryId),
        by: actor.userId,
        pending: false,
      });
    return toUpstream((await repo.findUpstream(db, entryId))!, v.code, await pendingChangeOf(t, entryId));
  });
}

/** The registration a save asks for; a secret left out stays as stored. */
async function registrationOf(
  ctx: AppContext,
  entryId: string,
  input: UpstreamInput,
  stored: repo.UpstreamRow | undefined,
): Promise<Registration> {
  const a = input.auth;
  const secret = a.kind === 'header' ? a.value : a.kind === 'token' ? a.clientSecret : undefined;
  return {
    base_url: input.baseUrl.replace(/\/+$/, ''),
    spec_kind: input.specKind,
    spec: input.spec ?? stored?.spec ?? null,
    operations: input.operations.map((o) => ({ ...o })),
    auth_kind: a.kind,
    auth_config:
      a.kind === 'header'
        ? { name: a.name }
        : a.kind === 'token'
          ? { url: a.url, clientId: a.clientId, ...(a.scope ? { scope: a.scope } : {}) }
          : {},
    auth_secret:
      a.kind === 'none' ? null : secret ? await sealAuthSecret(ctx, entryId, secret) : (stored?.auth_secret ?? null),
    health_path: input.healthPath ?? null,
    timeout_ms: input.timeoutMs,
    max_request_bytes: input.maxRequestBytes,
    max_response_bytes: input.maxResponseBytes,
    calls_per_minute: input.callsPerMinute,
    daily_call_quota: input.dailyCallQuota,
  };
}

export const revisions = async (ctx: AppContext, actor: Actor, entryId: string) => {
  await ownApiEntry(ctx, actor, entryId);
  return (await repo.revisionsOf(ctx.db, entryId)).map((r) => ({
    revision: r.revision,
    status: r.status,
    baseUrl: r.base_url,
    operations: (r.operations as Operation[]).map((o) => o.id),
    removed: r.removed,
    savedAt: r.saved_at.toISOString(),
    savedBy: r.saved_by_name ?? null,
    entryVersionNo: r.entry_version_no,
    reviewedAt: r.reviewed_at?.toISOString() ?? null,
    reviewedBy: r.reviewed_by_name ?? null,
    reviewNote: r.review_note,
  }));
};
