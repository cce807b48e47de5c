import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, type CatalogDepartment } from '../catalog/factory';
import { OPERATIONS, call, consumerOf, serviceEntry, upstreamInput, type AppCredentials } from '../gateway/fixtures';
import { startUpstream, type UpstreamDouble } from '../gateway/upstream-double';
import { MARIADB, mariaSource, type MariaDatabase } from '../exchange/sources-fixtures';
import type { AppContext } from '../../src/server/app-context';
import { KEYS_COMMANDS } from '../../src/cli/keys-commands';
import { signAsInstance, verifyInstanceSignature } from '../../src/server/platform/crypto/instance-keys';
import { KeyRing, isSealed, masterKeyOf, secrets } from '../../src/server/platform/crypto/key-ring';
import { currentTotp } from '../../src/server/platform/auth/totp';
import { rotateDataKey } from '../../src/server/platform/crypto/key-rotation';
import { sealedColumnName, sealedColumns } from '../../src/server/platform/crypto/sealed-columns';
import { allValues } from '../../src/server/platform/crypto/sealed-values-repo';
import { SecretBox } from '../../src/server/platform/crypto/secret-box';

/**
 * R-44 key rotation while the platform runs: the app below is the running server; each rotation runs
 * as `govshare keys rotate` would, with a configuration of its own (so a key ring of its own: the
 * server has never seen the keys it makes), while the server keeps opening secrets through its real
 * services in a loop — gateway calls (app secret and upstream credential), a source database's
 * connection test (MariaDB checks the password), instance signatures — and a second server starting
 * meanwhile does the same.
 */

const masterHex = randomBytes(32).toString('hex');
let t: TestApp;
let up: UpstreamDouble;
let maria: MariaDatabase;
let base: string;
let dept: CatalogDepartment;
let system: AppCredentials;
let gwPath: string;
let sourceId: string;
let mfaUser: { id: string; username: string };
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DP';

beforeAll(async () => {
  [t, up, maria] = await Promise.all([testApp({ secretKey: masterHex }), startUpstream(), mariaSource()]);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/gw`;
  const { entry, provider } = await serviceEntry(t, up.url);
  ({ system } = await consumerOf(t, entry));
  // A change taking an operation from a grant holder waits for review, its new credential sealed in it.
  const pending = await t.inject({
    method: 'PUT',
    url: `/api/gateway/upstreams/${entry.id}`,
    headers: provider.specialist.headers,
    payload: upstreamInput(up.url, {
      operations: OPERATIONS.filter((o) => o.id !== 'echo'),
      auth: { kind: 'header', name: 'X-Upstream-Key', value: 'credential-in-review' },
    }),
  });
  expect(expectStatus(pending, 200).json<{ pendingChange: unknown }>().pendingChange).not.toBeNull();
  gwPath = `/${entry.code}/persons/0`;
  dept = await catalogDepartment(t);
  const source = await t.inject({
    method: 'POST',
    url: '/api/exchange/sources',
    headers: dept.specialist.headers,
    payload: {
      name: `人口库${randomBytes(3).toString('hex')}`,
      kind: 'mysql',
      host: MARIADB.host,
      port: MARIADB.port,
      database: maria.database,
      username: maria.username,
      password: maria.password,
    },
  });
  sourceId = expectStatus(source, 201).json<{ id: string }>().id;
  // A value from before envelope encryption: sealed with the master key itself (gs1).
  const legacy = new SecretBox(Buffer.from(masterHex, 'hex')).seal(
    maria.password,
    `exchange_source.password:${sourceId}`,
  );
  await t.ctx.db.updateTable('exchange_source').set({ password_secret: legacy }).where('id', '=', sourceId).execute();
  await signAsInstance(t.ctx, 'warm-up');
  // A TOTP secret kept in clear, as they were before R-44 sealed them.
  const u = await t.user(['platform_admin']);
  mfaUser = u;
  await t.ctx.db.updateTable('app_user').set({ mfa_secret: TOTP, mfa_enabled: true }).where('id', '=', u.id).execute();
}, 60_000);
afterAll(async () => {
  await Promise.all([t?.close(), up?.close(), maria?.drop()]);
});

/** A process of its own: another configuration object is another key ring. */
const processCtx = (over: Partial<AppContext['config']> = {}): AppContext => ({
  ...t.ctx,
  config: { ...t.ctx.config, ...over },
  log: { info: () => undefined, warn: () => undefined, error: () => undefined },
});

/** Every sealed value, opened with a ring that has only this master key (what a freshly started server has). */
async function openAll(hex: string): Promise<Map<string, string>> {
  const ring = new KeyRing([masterKeyOf(Buffer.from(hex, 'hex'))]);
  const out = new Map<string, string>();
  for (const c of sealedColumns())
    for (const v of await allValues(t.ctx.db, c))
      out.set(
        `${sealedColumnName(c)} ${JSON.stringify(v.key)}`,
        c.plainLegacy && !isSealed(v.sealed) ? v.sealed : await ring.open(t.ctx.db, v.sealed, c.context(v.key)),
      );
  return out;
}

/**
 * Reads through the real services until stopped; every failure is kept. `secondServer`: a server
 * starting meanwhile with the same configuration reads too (not during a master-key rotation: a server
 * starts with the key that wraps the data keys at that moment, and is restarted with the new one after).
 */
function readLoop(secondServer = true) {
  const failures: string[] = [];
  let reads = 0;
  let stop = false;
  const roundDone: Array<() => void> = [];
  const once = async (label: string, fn: () => Promise<boolean>) => {
    try {
      if (!(await fn())) failures.push(`${label}: wrong answer`);
    } catch (e) {
      failures.push(`${label}: ${(e as Error).message}`);
    }
    reads++;
  };
  const loop = (async () => {
    while (!stop) {
      await Promise.all([
        once('gateway call', async () => (await call(t, base, system, gwPath)).status === 200),
        once('source test', async () => {
          const r = await t.inject({
            method: 'POST',
            url: `/api/exchange/sources/${sourceId}/test`,
            headers: dept.specialist.headers,
          });
          return r.statusCode === 200 && r.json<{ ok: boolean }>().ok;
        }),
        once('instance signature', async () => {
          const sig = await signAsInstance(t.ctx, 'message');
          return verifyInstanceSignature(t.ctx, 'message', sig);
        }),
        // A second server started during the rotation: it meets every key for the first time.
        once('second server', async () => {
          if (!secondServer) return true;
          const sig = await signAsInstance(processCtx(), 'message');
          return verifyInstanceSignature(t.ctx, 'message', sig);
        }),
      ]);
      for (const done of roundDone.splice(0)) done();
    }
  })();
  return {
    /** Resolves when a whole round of reads has run after this call: a rotation's batch waits for one. */
    nextRound: () => new Promise<void>((resolve) => roundDone.push(resolve)),
    async finish() {
      stop = true;
      await loop;
      return { failures, reads };
    },
  };
}

const cli = async (ctx: AppContext, ...flags: string[]) => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    const code = await KEYS_COMMANDS['keys rotate']!.run!(ctx, {
      positional: [],
      flags: Object.fromEntries(flags.map((f) => [f, true])),
    });
    return { code, out: lines.join('\n') };
  } finally {
    console.log = log;
  }
};

const dataKeys = () =>
  t.ctx.db.selectFrom('data_key').selectAll().where('purpose', '=', 'data').orderBy('created_at').execute();

const cliAudit = (action: string) =>
  t.ctx.db.selectFrom('audit_event').select(['username', 'target_id', 'detail']).where('action', '=', action).execute();

describe('key rotation while the platform runs (R-44)', () => {
  it('a data-key rotation re-encrypts every value (the old gs1 form too) while reads go on; none fails', async () => {
    const before = await openAll(masterHex);
    expect([...before.keys()].some((k) => k.startsWith('exchange_source.password_secret'))).toBe(true);
    expect([...before.keys()].some((k) => k.startsWith('gw_system.secret'))).toBe(true);
    expect([...before.keys()].some((k) => k.startsWith('gw_upstream.auth_secret'))).toBe(true);
    expect([...before.keys()].some((k) => k.startsWith('instance_key.private_key_sealed'))).toBe(true);
    expect([...before.entries()].find(([k]) => k.startsWith('gw_upstream_revision.proposed->auth_secret'))?.[1]).toBe(
      'credential-in-review',
    );
    const [oldKey] = await dataKeys();

    const reads = readLoop();
    let batches = 0;
    const r = await rotateDataKey(processCtx(), {
      batchSize: 1,
      onBatch: async () => {
        batches++;
        await reads.nextRound();
      },
    });
    const { failures, reads: n } = await reads.finish();
    expect(failures).toEqual([]);
    // Reads ran between every two batches (4 reads a round).
    expect(batches).toBeGreaterThanOrEqual(before.size);
    expect(n).toBeGreaterThanOrEqual(4 * batches);

    expect(r).toMatchObject({ resumed: false, retired: [oldKey!.kid] });
    expect(r.kid).not.toBe(oldKey!.kid);
    expect(await openAll(masterHex)).toEqual(before);
    for (const c of sealedColumns())
      for (const v of await allValues(t.ctx.db, c)) expect(v.sealed.startsWith(`gs2:${r.kid}:`)).toBe(true);
    const keys = await dataKeys();
    expect(keys.map((k) => [k.kid, k.superseded_at !== null, k.retired_at !== null])).toEqual([
      [oldKey!.kid, true, true],
      [r.kid, false, false],
    ]);
    // The server keeps working after it; the TOTP secret that was in clear is sealed and still checks codes.
    expect((await call(t, base, system, gwPath)).status).toBe(200);
    expect(before.get(`app_user.mfa_secret ${JSON.stringify({ id: mfaUser.id })}`)).toBe(TOTP);
    const { cookie } = await t.login(mfaUser.username);
    const verify = await t.inject({
      method: 'POST',
      url: '/api/auth/mfa/verify',
      headers: { cookie },
      payload: { code: currentTotp(TOTP, t.clock.now()) },
    });
    expect(verify.statusCode).toBe(200);
  });

  it('an interrupted data-key rotation is finished by the next run, without a third key', async () => {
    const before = await openAll(masterHex);
    const [, current] = await dataKeys();
    let batches = 0;
    await expect(
      rotateDataKey(processCtx(), {
        batchSize: 1,
        onBatch: () => {
          if (++batches === 2) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    let keys = await dataKeys();
    expect(keys).toHaveLength(3);
    const newKid = keys[2]!.kid;
    const kids = new Set<string>();
    for (const c of sealedColumns()) for (const v of await allValues(t.ctx.db, c)) kids.add(v.sealed.split(':')[1]!);
    expect(kids).toEqual(new Set([current!.kid, newKid]));

    const reads = readLoop();
    const again = await cli(processCtx(), 'data-key');
    expect((await reads.finish()).failures).toEqual([]);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`Data key ${newKid} current (interrupted rotation finished)`);
    keys = await dataKeys();
    expect(keys).toHaveLength(3);
    expect(keys.filter((k) => k.retired_at === null).map((k) => k.kid)).toEqual([newKid]);
    expect(await openAll(masterHex)).toEqual(before);
    expect(await cliAudit('keys.rotate_data_key')).toEqual([
      expect.objectContaining({
        username: 'cli',
        target_id: newKid,
        detail: expect.objectContaining({ resumed: true }),
      }),
    ]);
  });

  it('an instance-key rotation while signing goes on: the new key signs, the old signatures verify', async () => {
    const old = await signAsInstance(t.ctx, 'kept');
    const reads = readLoop();
    const r = await cli(processCtx(), 'instance-key');
    expect((await reads.finish()).failures).toEqual([]);
    expect(r.code).toBe(0);
    const now = await signAsInstance(t.ctx, 'kept');
    expect(now.kid).not.toBe(old.kid);
    expect(r.out).toContain(now.kid);
    expect(await verifyInstanceSignature(t.ctx, 'kept', old)).toBe(true);
    expect(await cliAudit('keys.rotate_instance_key')).toEqual([expect.objectContaining({ target_id: now.kid })]);
  });

  it('a master-key rotation re-wraps the data keys while reads go on; afterwards the old master key opens nothing', async () => {
    // One value still in the first form, sealed with the old master key directly.
    await t.ctx.db
      .updateTable('exchange_source')
      .set({
        password_secret: new SecretBox(Buffer.from(masterHex, 'hex')).seal(
          maria.password,
          `exchange_source.password:${sourceId}`,
        ),
      })
      .where('id', '=', sourceId)
      .execute();
    const before = await openAll(masterHex);
    const wrappedByOld = await t.ctx.db.selectFrom('data_key').select('kid').execute();
    const newHex = randomBytes(32).toString('hex');
    const rotating = processCtx({ secretKey: newHex });

    await expect(cli(rotating, 'master-key')).rejects.toThrow('GOVSHARE_PREVIOUS_SECRET_KEY');
    const reads = readLoop(false);
    process.env.GOVSHARE_PREVIOUS_SECRET_KEY = masterHex;
    let r;
    try {
      r = await cli(rotating, 'master-key');
    } finally {
      delete process.env.GOVSHARE_PREVIOUS_SECRET_KEY;
    }
    // The running server (still configured with the old key) had its keys in memory: nothing failed.
    expect((await reads.finish()).failures).toEqual([]);
    expect(r.code).toBe(0);
    // The lookup key did not exist yet: made wrapped by the new key, not re-wrapped.
    expect(r.out).toContain(`${wrappedByOld.length} data key(s) re-wrapped, 1 old-form value(s) re-encrypted`);

    const newFp = masterKeyOf(Buffer.from(newHex, 'hex')).fingerprint;
    expect(
      new Set(
        (await t.ctx.db.selectFrom('data_key').select('master_fingerprint').execute()).map((k) => k.master_fingerprint),
      ),
    ).toEqual(new Set([newFp]));
    expect(await openAll(newHex)).toEqual(before);
    // The old master key opens nothing: not one value, not one data key.
    const oldRing = new KeyRing([masterKeyOf(Buffer.from(masterHex, 'hex'))]);
    for (const c of sealedColumns())
      for (const v of await allValues(t.ctx.db, c))
        await expect(oldRing.open(t.ctx.db, v.sealed, c.context(v.key)), sealedColumnName(c)).rejects.toMatchObject({
          code: expect.stringMatching(/^SECRET_(KEY_MISMATCH|INVALID|FORMAT)$/),
        });
    // A server started with the old key is told why.
    await expect(signAsInstance(processCtx(), 'x')).rejects.toMatchObject({ code: 'SECRET_KEY_MISMATCH' });
    // One started with the new key opens everything.
    const fresh = processCtx({ secretKey: newHex });
    expect(await verifyInstanceSignature(t.ctx, 'x', await signAsInstance(fresh, 'x'))).toBe(true);
    // Digests made before keys were wrapped (an identity number registered) still match afterwards.
    const id = '361102199001011234';
    expect(await secrets(fresh).lookupDigest(id)).toBe(new SecretBox(Buffer.from(masterHex, 'hex')).lookupDigest(id));

    // Run again: nothing left to do.
    process.env.GOVSHARE_PREVIOUS_SECRET_KEY = masterHex;
    try {
      expect((await cli(rotating, 'master-key')).out).toContain('nothing to do');
    } finally {
      delete process.env.GOVSHARE_PREVIOUS_SECRET_KEY;
    }
    expect(await cliAudit('keys.rotate_master_key')).toHaveLength(2);
  });
});
