import type { AppContext } from '../../app-context';
import { resolveAuditTarget, type AuditTargetFacts } from '../../platform/audit/targets';
import { compileRule } from '../../platform/masking';
import { entryIdByCode } from '../catalog';
import { grantFieldRules } from '../exchange-delivery';
import { checkGrant, type Grant, type GrantCheck } from '../sharing';
import { shanghaiDate } from '../../platform/calendar/dates';
import type { GwOperation } from '../../db/types';
import { CallAudit } from './call-audit';
import { CallLimits } from './call-limits';
import { CallStats } from './call-stats';
import { Credentials } from './credentials';
import { NonceStore } from './nonce-store';
import { compileMatcher, type OperationMatcher } from './operation-match';
import { compileJsonProjection, type ProjectedField } from './response-projection';
import { UpstreamClient, type UpstreamTarget } from './upstream-client';
import { openAuthSecret } from './upstream-secret';
import * as repo from './upstreams-repo';
import { compileXmlProjection } from './xml-projection';
import { remember, type TtlCache } from './ttl-cache';

/**
 * What the gateway of one app keeps in memory: upstreams and compiled response projections (a few
 * seconds, so a call costs no query for them; a save in this process forgets its upstream once it has
 * committed), grant checks (a second), nonces, call limits and statistics, the audit buffer and the HTTP
 * client. Counts, statistics and nonces are flushed every second and on stop.
 */

const TTL_MS = 5_000;
const GRANT_TTL_MS = 1_000;
const FLUSH_MS = 1_000;

export interface LoadedUpstream extends UpstreamTarget {
  code: string;
  /** How the audit log names the entry and its provider, looked up once here rather than for every call's event. */
  auditTarget: AuditTargetFacts;
  revision: number;
  matcher: OperationMatcher;
  maxRequestBytes: number;
  maxResponseBytes: number;
  callsPerMinute: number;
  dailyCallQuota: number;
}

export type Projector =
  | { kind: 'json'; apply: ReturnType<typeof compileJsonProjection> }
  | { kind: 'xml'; apply: ReturnType<typeof compileXmlProjection> };

export class GatewayRuntime {
  readonly nonces: NonceStore;
  readonly limits: CallLimits;
  readonly audit: CallAudit;
  readonly stats: CallStats;
  readonly client = new UpstreamClient();
  readonly #upstreams: TtlCache<LoadedUpstream | null> = new Map();
  readonly #projectors: TtlCache<Projector> = new Map();
  readonly #grants: TtlCache<GrantCheck> = new Map();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly ctx: AppContext,
    readonly credentials: Credentials,
  ) {
    this.nonces = new NonceStore(ctx);
    this.limits = new CallLimits(ctx);
    this.audit = new CallAudit(ctx);
    this.stats = new CallStats(ctx);
    this.#timer = setInterval(() => void this.flush().catch((e: unknown) => ctx.log.error(e)), FLUSH_MS);
    this.#timer.unref();
  }

  upstream(code: string): Promise<LoadedUpstream | null> {
    return remember(this.#upstreams, code, TTL_MS, () => loadUpstream(this.ctx, code));
  }

  forgetUpstream(code: string): void {
    this.#upstreams.delete(code);
  }

  /**
   * sharing's checkGrant for a call, remembered GRANT_TTL_MS per department, entry, address and day: a
   * query per call would make the database the gateway's bottleneck. A grant's change reaches this
   * process as the event sharing publishes (forgetGrants) and, at the latest, when the second is out.
   */
  checkGrant(departmentId: string, entryId: string, ip: string, now: Date): Promise<GrantCheck> {
    const key = `${departmentId}\n${entryId}\n${ip}\n${shanghaiDate(now)}`;
    return remember(this.#grants, key, GRANT_TTL_MS, () =>
      checkGrant(this.ctx, { departmentId, entryId, use: 'query', ip, at: now }),
    );
  }

  forgetGrants(departmentId: string, entryId: string): void {
    const prefix = `${departmentId}\n${entryId}\n`;
    for (const k of this.#grants.keys()) if (k.startsWith(prefix)) this.#grants.delete(k);
  }

  /** The response projection of an operation under a grant: granted mapped fields, each with its mask. */
  projector(u: LoadedUpstream, op: GwOperation, grant: Grant): Promise<Projector> {
    const key = `${grant.id}\n${u.entryId}\n${u.revision}\n${op.id}`;
    return remember(this.#projectors, key, TTL_MS, async () => {
      const rules = await grantFieldRules(this.ctx, grant);
      const fields = op.fields.flatMap((f): ProjectedField[] => {
        const rule = rules.get(f.field.toLowerCase());
        if (!rule) return [];
        if (rule.code === 'none') return [{ path: f.path, field: f.field, mask: null }];
        const masker = compileRule(rule);
        return [{ path: f.path, field: f.field, mask: (text: string) => masker(text) ?? '' }];
      });
      return op.responseFormat === 'xml'
        ? {
            kind: 'xml',
            apply: compileXmlProjection(
              fields.map((f) => ({ xpath: f.path, field: f.field, mask: f.mask })),
              op.namespaces ?? {},
            ),
          }
        : { kind: 'json', apply: compileJsonProjection(fields) };
    });
  }

  async flush(): Promise<void> {
    await Promise.all([this.nonces.flush(), this.limits.flush(), this.stats.flush()]);
  }

  /** A graceful stop: every audit event written, counts and nonces flushed, connections closed. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.audit.drain();
    await this.flush();
    await this.client.close();
  }
}

async function loadUpstream(ctx: AppContext, code: string): Promise<LoadedUpstream | null> {
  const entryId = await entryIdByCode(ctx, code);
  const r = entryId ? await repo.findUpstream(ctx.db, entryId) : undefined;
  if (!entryId || !r) return null;
  return {
    entryId,
    code,
    auditTarget: await resolveAuditTarget(ctx, 'catalog_entry', entryId),
    revision: r.revision,
    baseUrl: r.base_url,
    authKind: r.auth_kind,
    authConfig: r.auth_config,
    authSecret: r.auth_secret ? await openAuthSecret(ctx, entryId, r.auth_secret) : null,
    timeoutMs: r.timeout_ms,
    matcher: compileMatcher(r.operations, r.retiring),
    maxRequestBytes: r.max_request_bytes,
    maxResponseBytes: r.max_response_bytes,
    callsPerMinute: r.calls_per_minute,
    dailyCallQuota: r.daily_call_quota,
  };
}

/**
 * The gateway of one app: its runtime, started with the /gw routes (outside any request, so its
 * timers never inherit a request's transaction), and told by the management routes what changed.
 */
export class GatewayHost {
  readonly credentials = new Credentials();
  #runtime: GatewayRuntime | null = null;

  start(ctx: AppContext): GatewayRuntime {
    return (this.#runtime ??= new GatewayRuntime(ctx, this.credentials));
  }

  /** After a system's change has committed: its next call is checked against the stored state. */
  forgetSystem(appKey: string): void {
    this.credentials.forget(appKey);
  }

  forgetGrants(departmentId: string, entryId: string): void {
    this.#runtime?.forgetGrants(departmentId, entryId);
  }

  /** After a registration's change has committed: the next call loads it again. */
  forgetUpstream(code: string): void {
    this.#runtime?.forgetUpstream(code);
  }

  async stop(): Promise<void> {
    const r = this.#runtime;
    this.#runtime = null;
    await r?.stop();
  }
}
