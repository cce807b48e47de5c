import type { AppContext } from '../../app-context';
import { AppError, badRequest, notFound } from '../errors';
import { shanghaiDate } from '../calendar/dates';
import { canonicalJson } from '../crypto/sm3';
import { signAsInstance, type InstanceSignature } from '../crypto/instance-keys';
import { findKey } from '../crypto/instance-keys-repo';
import { notify } from '../notify/service';
import type { Scope } from '../rbac/scope';
import * as repo from './digest-repo';
import { recordSystemAudit, sealAuditLog } from './service';

/**
 * the log pushed to the departments concerned. Once a month each department whose data was used,
 * or that used another's, gets a digest of the past month — who used what, how often, how many rows,
 * through which grant — in its leaders' and 数据专员's inboxes and, when it set one, POSTed to its
 * webhook. Signed with the instance's SM2 key, so a department's own system can check it came from
 * the platform unaltered (the public key is at /.well-known/govshare-keys.json).
 */

export const DIGEST_FORMAT = 'govshare-usage-digest/1';

export interface UsageDigest {
  format: typeof DIGEST_FORMAT;
  department: { id: string; name: string };
  /** Beijing calendar days, `to` exclusive. */
  period: { from: string; to: string };
  generatedAt: string;
  /** Its data, used by other departments. */
  asProvider: repo.UsageLine[];
  /** Other departments' data it used. */
  asConsumer: repo.UsageLine[];
}

export const digestSigningText = (d: UsageDigest) => `${DIGEST_FORMAT}\n${canonicalJson(d)}`;

/** The webhook's body: the digest and the signature over digestSigningText(digest). */
export interface DigestDelivery {
  digest: UsageDigest;
  signature: InstanceSignature;
}

const beijingMidnight = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** The Beijing calendar month before the one `now` is in. */
function previousMonth(now: Date) {
  const [y, m] = shanghaiDate(now).split('-').map(Number) as [number, number];
  const first = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}-01`;
  const to = first(y, m);
  const from = m === 1 ? first(y - 1, 12) : first(y, m - 1);
  return { from, to };
}

/** Makes, signs and sends the digests of the past month not sent yet; returns how many it made. */
export async function sendUsageDigests(ctx: AppContext): Promise<number> {
  await sealAuditLog(ctx);
  const period = previousMonth(ctx.clock.now());
  const from = beijingMidnight(period.from);
  const to = beijingMidnight(period.to);
  let made = 0;
  for (const department of await repo.departmentsWithUse(ctx.db, from, to)) {
    const digest: UsageDigest = {
      format: DIGEST_FORMAT,
      department,
      period,
      generatedAt: ctx.clock.now().toISOString(),
      asProvider: await repo.usageLines(ctx.db, department.id, 'provider', from, to),
      asConsumer: await repo.usageLines(ctx.db, department.id, 'consumer', from, to),
    };
    const signature = await signAsInstance(ctx, digestSigningText(digest));
    const id = await repo.insertDigest(ctx.db, {
      department_id: department.id,
      period_from: period.from,
      period_to: period.to,
      body: digest,
      kid: signature.kid,
      signature: signature.signature,
      created_at: ctx.clock.now(),
      webhook_status: null,
      webhook_error: null,
    });
    if (!id) continue; // made already (another process, or an earlier run of the day)
    made++;
    await deliver(ctx, id, { digest, signature });
  }
  return made;
}

async function deliver(ctx: AppContext, id: string, delivery: DigestDelivery): Promise<void> {
  const { digest } = delivery;
  const uses = (lines: repo.UsageLine[]) => lines.reduce((n, l) => n + l.events, 0);
  const title = `数据使用情况摘要（${digest.period.from} 至 ${digest.period.to}）：本部门数据被使用 ${uses(digest.asProvider)} 次，使用其他部门数据 ${uses(digest.asConsumer)} 次`;
  for (const role of ['dept_leader', 'dept_specialist'] as const)
    await notify(
      ctx,
      { role, departmentId: digest.department.id },
      {
        kind: 'audit.digest',
        title,
        body: `Usage digest ${digest.period.from} – ${digest.period.to}`,
        link: `/console/audit/department?digest=${id}`,
        payload: { digestId: id },
      },
    );
  const hook = await repo.webhookOf(ctx.db, digest.department.id);
  let error: string | null = null;
  if (hook) {
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-govshare-key-id': delivery.signature.kid,
          'x-govshare-signature': delivery.signature.signature,
        },
        body: JSON.stringify(delivery),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) error = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    await repo.setWebhookStatus(ctx.db, id, error ? 'failed' : 'sent', error);
  }
  await recordSystemAudit(ctx, 'job-runner', {
    category: 'share',
    action: 'audit.digest.send',
    targetType: 'department',
    targetId: digest.department.id,
    detail: { digestId: id, period: digest.period, webhook: hook ? (error ? `failed: ${error}` : 'sent') : null },
  });
}

const toListItem = (r: Awaited<ReturnType<typeof repo.digestsOf>>[0][number]) => ({
  id: r.id,
  departmentId: r.department_id,
  departmentName: r.department_name,
  periodFrom: r.period_from,
  periodTo: r.period_to,
  createdAt: r.created_at.toISOString(),
  webhookStatus: r.webhook_status,
  webhookError: r.webhook_error,
});

const departmentOf = (scope: Scope) => (scope.kind === 'department' ? scope.departmentId : null);

export async function listDigests(ctx: AppContext, scope: Scope, limit: number, offset: number) {
  if (scope.kind === 'none') return { items: [], total: 0 };
  const [rows, total] = await repo.digestsOf(ctx.db, departmentOf(scope), limit, offset);
  return { items: rows.map(toListItem), total: Number(total.n) };
}

/** One digest with its signature, for the department to read or check. */
export async function getDigest(ctx: AppContext, scope: Scope, id: string): Promise<DigestDelivery> {
  const r = await repo.findDigest(ctx.db, id);
  if (!r || (scope.kind !== 'all' && departmentOf(scope) !== r.department_id))
    throw notFound('Usage digest', '使用情况摘要');
  const keyRow = await findKey(ctx.db, r.kid);
  // Instance keys are retired, never deleted: a digest whose key is gone cannot be checked, say so.
  if (!keyRow)
    throw new AppError(
      500,
      'SIGNING_KEY_MISSING',
      `The instance key ${r.kid} that signed this digest is missing`,
      `签署该摘要的实例密钥 ${r.kid} 已缺失`,
    );
  return {
    digest: r.body as UsageDigest,
    signature: { kid: r.kid, algorithm: 'SM2', signature: r.signature, publicKey: keyRow.public_key },
  };
}

export async function getWebhook(ctx: AppContext, departmentId: string) {
  return (await repo.webhookOf(ctx.db, departmentId))?.url ?? null;
}

/** Where the department's own system receives its digests; null stops the pushes. */
export async function setWebhook(ctx: AppContext, departmentId: string, url: string | null, userId: string) {
  if (url !== null) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.username || parsed.password)
      throw badRequest(
        'WEBHOOK_URL_INVALID',
        'The webhook must be an http(s) address without credentials',
        '推送地址须为不含用户名密码的 http(s) 地址',
        { field: 'url' },
      );
  }
  await repo.putWebhook(ctx.db, departmentId, url, userId, ctx.clock.now());
}
