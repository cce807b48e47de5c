import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, sessionsOf, signInAgain, type CatalogDepartment } from '../catalog/factory';
import { sharedEntry, submitRequest } from '../sharing/factory';
import {
  recordSystemAudit,
  sealAuditLog,
  setRetentionMonths,
  verifyAuditChain,
} from '../../src/server/platform/audit/service';
import { verifyArchive } from '../../src/server/platform/audit/archive';
import { dropExpiredAuditMonths, ensureAuditPartitions } from '../../src/server/platform/audit/retention';
import { monthlyPartitions } from '../../src/server/platform/audit/retention-repo';
import { storageFor } from '../../src/server/platform/storage/fs-storage';
import { runCli } from '../../src/cli/main';
import { digestSigningText, sendUsageDigests, type DigestDelivery } from '../../src/server/platform/audit/digest';
import { sm2Verify } from '../../src/server/platform/crypto/sm2';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('each department sees the log about its data and its use (R-42)', () => {
  let provider: CatalogDepartment;
  let consumer: CatalogDepartment;
  let other: CatalogDepartment;
  let requestNo: string;

  beforeAll(async () => {
    const shared = await sharedEntry(t, 'unconditional');
    provider = shared.provider;
    consumer = await catalogDepartment(t);
    other = await catalogDepartment(t);
    requestNo = expectStatus(await submitRequest(t, consumer.user, shared.entry), 201).json<{ no: string }>().no;
  });

  const departmentLog = async (who: { headers: { cookie: string } }, q = '') => {
    const r = expectStatus(
      await t.inject({ method: 'GET', url: `/api/audit/department/events?pageSize=100&${q}`, headers: who.headers }),
      200,
    );
    return r.json<{ items: Array<Record<string, unknown>> }>().items;
  };

  it('shows the provider a request on its resource, made by another department, and the consumer its own', async () => {
    const seenByProvider = await departmentLog(provider.leader, `q=${requestNo}`);
    const create = seenByProvider.find((e) => e.action === 'sharing.request.create');
    expect(create).toMatchObject({ departmentId: consumer.id, targetName: requestNo });
    expect((await departmentLog(consumer.specialist, `q=${requestNo}`)).map((e) => e.action)).toContain(
      'sharing.request.create',
    );
    // A third department sees none of it: a filter on the one log, not the whole log.
    expect(await departmentLog(other.leader, `q=${requestNo}`)).toEqual([]);
    expect((await departmentLog(other.leader)).every((e) => e.departmentId === other.id)).toBe(true);
  });

  it('refuses ordinary users, and lets the auditor read every department’s', async () => {
    const r = await t.inject({ method: 'GET', url: '/api/audit/department/events', headers: provider.user.headers });
    expect(r.statusCode).toBe(403);
    const auditor = await t.login((await t.user(['auditor'])).username);
    const all = await departmentLog({ headers: auditor }, `q=${requestNo}`);
    expect(all.map((e) => e.action)).toContain('sharing.request.create');
  });

  it('exports the department’s part as an archive that verifies offline, and notices a changed byte', async () => {
    const r = expectStatus(
      await t.inject({ method: 'GET', url: '/api/audit/department/events.archive', headers: provider.leader.headers }),
      200,
    );
    const report = await verifyArchive(Readable.from([r.body]));
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.count).toBeGreaterThan(0);
    expect(report.header?.scope).toBe(provider.id);
    const keys = expectStatus(await t.inject({ method: 'GET', url: '/.well-known/govshare-keys.json' }), 200).json<{
      keys: Array<{ publicKey: string }>;
    }>();
    expect(
      (
        await verifyArchive(
          Readable.from([r.body]),
          keys.keys.map((k) => k.publicKey),
        )
      ).ok,
    ).toBe(true);
    expect((await verifyArchive(Readable.from([r.body]), ['04' + 'ab'.repeat(64)])).ok).toBe(false);

    const forged = r.body.replace(
      requestNo,
      requestNo.replace(/\d$/, (d) => String((Number(d) + 1) % 10)),
    );
    expect(forged).not.toBe(r.body);
    const bad = await verifyArchive(Readable.from([forged]));
    expect(bad.ok).toBe(false);
    expect(bad.problems.join('\n')).toMatch(/does not match its hash/);
    const cut = r.body.split('\n').slice(0, -2).join('\n') + '\n';
    expect((await verifyArchive(Readable.from([cut]))).problems.join('\n')).toMatch(/trailer/);

    // The CLI verifies it with no database at all.
    const file = path.join(os.tmpdir(), `govshare-archive-${process.pid}.jsonl`);
    fs.writeFileSync(file, r.body);
    expect(await runCli(['audit', 'verify-archive', file])).toBe(0);
    fs.writeFileSync(file, forged);
    expect(await runCli(['audit', 'verify-archive', file])).toBe(1);
    fs.rmSync(file);
  });
  it('sends each department a signed digest of the past month: inbox, and its webhook', async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: DigestDelivery }> = [];
    const server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(text) as DigestDelivery });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/digests`;
      const put = (who: { headers: { cookie: string } }, u: unknown) =>
        t.inject({ method: 'PUT', url: '/api/audit/department/webhook', headers: who.headers, payload: { url: u } });
      expect((await put(provider.leader, 'ftp://x.example/')).json()).toMatchObject({
        error: { code: 'WEBHOOK_URL_INVALID' },
      });
      expect((await put(provider.specialist, url)).statusCode).toBe(403);
      expectStatus(await put(provider.leader, url), 200);

      t.clock.set(new Date('2026-12-02T01:00:00Z'));
      expect(await sendUsageDigests(t.ctx)).toBeGreaterThanOrEqual(2);
      expect(await sendUsageDigests(t.ctx)).toBe(0); // once per department and month
      await signInAgain(t, ...sessionsOf(consumer, other)); // the clock moved past the sessions' lifetime

      expect(received).toHaveLength(1);
      const { digest, signature } = received[0]!.body;
      expect(digest.department.id).toBe(provider.id);
      expect(digest.period).toEqual({ from: '2026-11-01', to: '2026-12-01' });
      expect(digest.asProvider).toContainEqual(
        expect.objectContaining({ departmentId: consumer.id, action: 'sharing.request.create', target: requestNo }),
      );
      expect(received[0]!.headers['x-govshare-signature']).toBe(signature.signature);
      expect(sm2Verify(digestSigningText(digest), signature.signature, signature.publicKey)).toBe(true);
      expect(
        sm2Verify(digestSigningText({ ...digest, asProvider: [] }), signature.signature, signature.publicKey),
      ).toBe(false);

      // The consumer's digest names what it used; its leaders have it in their inbox, other departments never see it.
      const list = (who: { headers: { cookie: string } }) =>
        t.inject({ method: 'GET', url: '/api/audit/department/digests', headers: who.headers });
      const [mine] = expectStatus(await list(consumer.leader), 200).json<{ items: Array<{ id: string }> }>().items;
      const theirs = expectStatus(
        await t.inject({
          method: 'GET',
          url: `/api/audit/department/digests/${mine!.id}`,
          headers: consumer.specialist.headers,
        }),
        200,
      ).json<DigestDelivery>();
      expect(theirs.digest.asConsumer).toContainEqual(
        expect.objectContaining({ departmentId: provider.id, action: 'sharing.request.create' }),
      );
      expect(
        (
          await t.inject({
            method: 'GET',
            url: `/api/audit/department/digests/${mine!.id}`,
            headers: other.leader.headers,
          })
        ).statusCode,
      ).toBe(404);
      const inbox = await t.ctx.db
        .selectFrom('notification')
        .select('kind')
        .where('user_id', '=', consumer.leader.id)
        .where('kind', '=', 'audit.digest')
        .execute();
      expect(inbox).toHaveLength(1);
    } finally {
      server.close();
    }
  });
});

describe('retention drops whole months under signed checkpoints (R-42, Art 25)', () => {
  const event = (action: string, at?: Date) =>
    recordSystemAudit({ ...t.ctx }, 'job-runner', { category: 'admin', action, detail: { at: at?.toISOString() } });
  const atDay = (iso: string) => t.clock.set(new Date(iso));

  it('keeps at least six months, verifies, archives and drops older months, and the chain still verifies', async () => {
    atDay('2025-01-15T04:00:00Z');
    await ensureAuditPartitions(t.ctx);
    expect(await monthlyPartitions(t.ctx.db)).toEqual(
      expect.arrayContaining(['audit_event_y2025m01', 'audit_event_y2025m02', 'audit_event_y2025m03']),
    );
    for (const a of ['jan.1', 'jan.2', 'jan.3']) await event(a);
    atDay('2025-02-10T04:00:00Z');
    for (const a of ['feb.1', 'feb.2']) await event(a);
    // An event of January sealed after February's (a transaction that committed late): the month's seq numbers are not one run.
    await t.ctx.db.transaction().execute(async (trx) => {
      await recordSystemAudit(
        { ...t.ctx, db: trx, clock: { now: () => new Date('2025-01-31T15:00:00Z') } },
        'job-runner',
        {
          category: 'admin',
          action: 'jan.late',
        },
      );
    });
    await sealAuditLog(t.ctx);
    atDay('2025-03-05T04:00:00Z');
    for (const a of ['mar.1', 'mar.2']) await event(a);
    expect((await verifyAuditChain(t.ctx)).ok).toBe(true);

    // Seven months on, with six kept, January goes (and nothing later).
    atDay('2025-08-20T04:00:00Z');
    await setRetentionMonths(t.ctx, 6, (await t.user(['security_admin'])).id);
    const dropped = await dropExpiredAuditMonths(t.ctx);
    expect(dropped.map((d) => [d.partition, d.count])).toEqual([['audit_event_y2025m01', 4]]);
    expect(await monthlyPartitions(t.ctx.db)).not.toContain('audit_event_y2025m01');
    expect(await monthlyPartitions(t.ctx.db)).toContain('audit_event_y2025m02');
    const after = await verifyAuditChain(t.ctx);
    expect(after).toMatchObject({ ok: true, problems: [] });

    const [checkpoint] = await t.ctx.db.selectFrom('audit_checkpoint').selectAll().execute();
    expect(checkpoint!.runs.length).toBe(2);
    expect(checkpoint!.event_count).toBe('4');

    // The dropped month's archive verifies offline; it is not one piece of the chain (the late event).
    const archive = await verifyArchive(await storageFor(t.ctx.config).get(checkpoint!.archive_file!));
    expect(archive).toMatchObject({ ok: true, count: 4, contiguous: false });

    // A retention setting under six months is refused; a longer one keeps more.
    await expect(setRetentionMonths(t.ctx, 5, checkpoint!.kid)).rejects.toMatchObject({
      code: 'AUDIT_RETENTION_TOO_SHORT',
    });
    atDay('2025-09-20T04:00:00Z');
    await setRetentionMonths(t.ctx, 12, (await t.user(['security_admin'])).id);
    expect(await dropExpiredAuditMonths(t.ctx)).toEqual([]);
    await setRetentionMonths(t.ctx, 6, (await t.user(['security_admin'])).id);
    expect((await dropExpiredAuditMonths(t.ctx)).map((d) => d.partition)).toEqual(['audit_event_y2025m02']);
    expect(await verifyAuditChain(t.ctx)).toMatchObject({ ok: true });
  });

  it('reports a checkpoint that was changed, and the gap it no longer covers', async () => {
    await sql`update audit_checkpoint set runs = '[]'::jsonb where partition_name = 'audit_event_y2025m02'`.execute(
      t.ctx.db,
    );
    const report = await verifyAuditChain(t.ctx);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['checkpoint', 'missing']));
  });
});
