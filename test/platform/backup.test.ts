import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/server/app-context';
import { openPglite, openPostgres, type Database } from '../../src/server/db/open';
import type { DB } from '../../src/server/db/types';
import { seedDemoIfEmpty } from '../../src/server/demo/seed';
import { writeBackup } from '../../src/server/platform/backup/backup';
import { restoreBackup, verifyBackupFile } from '../../src/server/platform/backup/restore';
import { verifyAuditChain } from '../../src/server/platform/audit/service';
import { storageFor } from '../../src/server/platform/storage/fs-storage';
import { testApp, type TestApp } from '../helpers/app';
import { onAdmin } from '../helpers/db';
import { runGovshare } from '../helpers/cli';
import { platformAdmin, session, type Session } from '../catalog/factory';

/** Backup and restore (R-45, issue #15 point 3): `govshare backup` / `govshare restore` and the server's download. */

const ADMIN_URL = process.env.TEST_DATABASE_URL;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'govshare-backup-test-'));

let t: TestApp;
let admin: Session;
const targets: Array<{ close(): Promise<void> }> = [];

/** A database with no tables at all: a new PGlite cluster, or a new database on the PostgreSQL server. */
async function emptyDatabase(kind: 'pglite' | 'postgresql' = ADMIN_URL ? 'postgresql' : 'pglite') {
  let d: Database & { url?: string };
  if (kind === 'pglite') d = await openPglite('memory://');
  else {
    const name = `t_restore_${randomBytes(6).toString('hex')}`;
    await onAdmin(ADMIN_URL!, (c) => c.query(`create database ${name}`));
    const url = new URL(ADMIN_URL!);
    url.pathname = `/${name}`;
    const opened = await openPostgres(url.toString(), 2);
    d = {
      ...opened,
      url: url.toString(),
      close: async () => {
        await opened.close();
        await onAdmin(ADMIN_URL!, (c) => c.query(`drop database if exists ${name} with (force)`));
      },
    };
  }
  targets.push(d);
  const filesDir = fs.mkdtempSync(path.join(tmp, 'files-'));
  const ctx: AppContext = { ...t.ctx, db: d.db, dbKind: d.kind, config: { ...t.ctx.config, filesDir } };
  return { ...d, ctx, filesDir };
}

/**
 * What the test itself sees in a database: per table (partitions counted in their parents) its row
 * count and an MD5 of its rows' text in a fixed order; and every sequence's value.
 */
async function contentOf(db: Kysely<DB>) {
  const tables = await sql<{ t: string }>`
    select n.nspname || '.' || c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'rc') and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname not like 'schema_migration%' order by 1`.execute(db);
  const out: Record<string, string> = {};
  for (const { t: name } of tables.rows) {
    const [schema, table] = name.split('.') as [string, string];
    const r = await sql<{ n: number; h: string | null }>`
      select count(*)::int as n, md5(string_agg(x.t, E'\n' order by x.t collate "C")) as h
      from (select r::text as t from ${sql.table(`${schema}.${table}`)} r) x`.execute(db);
    out[name] = `${r.rows[0]!.n}:${r.rows[0]!.h ?? ''}`;
  }
  const seqs = await sql<{ s: string; v: string | null }>`
    select schemaname || '.' || sequencename as s, last_value::text as v from pg_sequences
    where schemaname in ('public', 'rc') order by 1`.execute(db);
  for (const q of seqs.rows) out[`sequence ${q.s}`] = q.v ?? 'null';
  return out;
}

/** Every stored file under a files folder, by key, with the SHA-256 of its content. */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (a === 'tmp') continue;
    for (const b of fs.readdirSync(path.join(dir, a)))
      for (const f of fs.readdirSync(path.join(dir, a, b)))
        out[`${a}/${b}/${f}`] = createHash('sha256')
          .update(fs.readFileSync(path.join(dir, a, b, f)))
          .digest('hex');
  }
  return out;
}

const managedTables = async (db: Kysely<DB>) =>
  (await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'rc'`.execute(db)).rows[0]!.n;

async function expectRefused(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toMatchObject({ code });
}

beforeAll(async () => {
  t = await testApp({ demoRows: 0.02 });
  expect(await seedDemoIfEmpty(t.ctx)).toBe(true);
  admin = await platformAdmin(t);
  // Resource files and attachments as the store keeps them: one small, one of several chunks.
  const store = storageFor(t.ctx.config);
  await store.put(Readable.from([Buffer.from('统一社会信用代码,名称\n91361100MA35XXXX0X,上饶示例\n')]), {
    maxBytes: 1 << 30,
  });
  await store.put(Readable.from([randomBytes(300_000)]), { maxBytes: 1 << 30 });
}, 180_000);
afterAll(async () => {
  for (const d of targets.reverse()) await d.close().catch(() => undefined);
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('backup and restore', () => {
  let plain: string;

  it('restores the demo data, the center tables and the stored files exactly, into an empty database and files folder', async () => {
    expect(await managedTables(t.ctx.db)).toBeGreaterThan(5);
    plain = path.join(tmp, 'demo.gsbak');
    const lines: string[] = [];
    const m = await writeBackup(t.ctx, plain, { progress: (l) => lines.push(l) });
    expect(m.databaseKind).toBe(t.ctx.dbKind);
    expect(m.migration).toMatch(/^\d{4}_/);
    expect(m.tables.some((x) => x.schema === 'rc' && x.rows > 0)).toBe(true);
    expect(m.files).toHaveLength(2);
    expect(lines.some((l) => l.includes('rc.'))).toBe(true);
    // Nothing but the finished file is left beside it (no spool, no partial file).
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('demo.gsbak'))).toEqual(['demo.gsbak']);

    const target = await emptyDatabase();
    const r = await restoreBackup(target.ctx, plain);
    expect(r.rows).toBe(m.tables.reduce((n, x) => n + x.rows, 0));
    expect(await contentOf(target.db)).toEqual(await contentOf(t.ctx.db));
    expect(filesOf(target.filesDir)).toEqual(filesOf(t.ctx.config.filesDir));
    expect(Object.keys(filesOf(target.filesDir))).toHaveLength(2);

    // The audit log's chain holds, and its append-only guard is back.
    expect((await verifyAuditChain(target.ctx)).ok).toBe(true);
    await expect(sql`update audit_event set action = 'forged'`.execute(target.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_event`.execute(target.db)).rejects.toThrow(/append-only/);
    // Foreign keys are back too.
    await expect(
      sql`insert into region (code, name, level, parent_code) values ('999999', '测试', 'city', '888888')`.execute(
        target.db,
      ),
    ).rejects.toThrow(/foreign key/);
  }, 180_000);

  it('takes one snapshot while writes go on: the backup matches its manifest and the writes appear whole', async () => {
    let stop = false;
    let written = 0;
    // Each write puts a calendar day and raises a counter in another table, in one transaction: a backup
    // reading the two tables at different moments would hold more or fewer days than the counter says.
    const writer = (async () => {
      while (!stop) {
        written++;
        const day = new Date(Date.UTC(2031, 0, 1) + written * 86_400_000).toISOString().slice(0, 10);
        await t.ctx.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('calendar_day')
            .values({ day, is_off_day: false, name: 'backup test', source: 'manual' })
            .execute();
          await trx
            .insertInto('setting')
            .values({ key: 'backup.test.count', value: JSON.stringify(written) })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(written) }))
            .execute();
        });
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    const file = path.join(tmp, 'busy.gsbak');
    const before = written;
    const m = await writeBackup(t.ctx, file);
    const during = written - before;
    stop = true;
    await writer;
    if (t.ctx.dbKind === 'postgresql') expect(during).toBeGreaterThan(0);

    expect((await verifyBackupFile(file, undefined)).tables).toEqual(m.tables);
    const target = await emptyDatabase();
    await restoreBackup(target.ctx, file);
    const days = await target.db
      .selectFrom('calendar_day')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('name', '=', 'backup test')
      .executeTakeFirstOrThrow();
    const counter = await target.db
      .selectFrom('setting')
      .select('value')
      .where('key', '=', 'backup.test.count')
      .executeTakeFirstOrThrow();
    expect(Number(days.n)).toBeGreaterThan(0);
    expect(Number(days.n)).toBe(Number(counter.value));
    expect(Number(days.n)).toBeLessThan(written);
  }, 180_000);

  it('encrypts with SM4 and refuses a wrong key or a changed byte before writing anything', async () => {
    const key = randomBytes(32);
    const file = path.join(tmp, 'sealed.gsbak');
    await writeBackup(t.ctx, file, { key });
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 40).toString()).toContain('sm4-ctr+hmac-sm3');
    // No table name or row text readable in the file.
    expect(bytes.includes(Buffer.from('app_user'))).toBe(false);
    expect(bytes.includes(Buffer.from('上饶'))).toBe(false);

    const target = await emptyDatabase();
    await expectRefused(restoreBackup(target.ctx, file), 'BACKUP_KEY_REQUIRED');
    await expectRefused(restoreBackup(target.ctx, file, { key: randomBytes(32) }), 'BACKUP_KEY_WRONG');
    const flipped = path.join(tmp, 'flipped.gsbak');
    const changed = Buffer.from(bytes);
    changed[Math.floor(changed.length / 2)]! ^= 0x01;
    fs.writeFileSync(flipped, changed);
    await expectRefused(restoreBackup(target.ctx, flipped, { key }), 'BACKUP_ALTERED');
    // A changed byte in a plain file is caught by gzip's CRC or the manifest's checksums.
    const plainBytes = fs.readFileSync(plain);
    const plainChanged = Buffer.from(plainBytes);
    plainChanged[Math.floor(plainChanged.length * 0.6)]! ^= 0x01;
    fs.writeFileSync(flipped, plainChanged);
    await expectRefused(restoreBackup(target.ctx, flipped), 'BACKUP_ALTERED');
    // Nothing was written by the refused restores.
    expect(
      (
        await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'public'`.execute(
          target.db,
        )
      ).rows[0]!.n,
    ).toBe(0);
    expect(filesOf(target.filesDir)).toEqual({});

    await restoreBackup(target.ctx, file, { key });
    expect(await contentOf(target.db)).toEqual(await contentOf(t.ctx.db));
  }, 180_000);

  it('refuses a backup from a newer version (a migration this one does not have)', async () => {
    const [magic, ...rest] = fs.readFileSync(plain).toString('latin1').split('\n');
    const body = gunzipSync(Buffer.from(rest.join('\n'), 'latin1')).toString('utf8');
    const nl = body.indexOf('\n');
    const manifest = JSON.parse(body.slice(0, nl)) as { migration: string };
    manifest.migration = '9999_from_the_future';
    const file = path.join(tmp, 'future.gsbak');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from(`${magic}\n`), gzipSync(`${JSON.stringify(manifest)}${body.slice(nl)}`)]),
    );
    const target = await emptyDatabase();
    await expectRefused(restoreBackup(target.ctx, file), 'BACKUP_TOO_NEW');
  }, 60_000);

  it('refuses a database that holds data unless forced, and then replaces it whole', async () => {
    const target = await emptyDatabase();
    await restoreBackup(target.ctx, plain);
    await target.db.insertInto('setting').values({ key: 'backup.test.extra', value: '1' }).execute();
    await expectRefused(restoreBackup(target.ctx, plain), 'RESTORE_TARGET_NOT_EMPTY');
    expect(
      await target.db.selectFrom('setting').select('key').where('key', '=', 'backup.test.extra').execute(),
    ).toHaveLength(1);
    const source = await emptyDatabase();
    await restoreBackup(source.ctx, plain);
    await restoreBackup(target.ctx, plain, { force: true });
    expect(await contentOf(target.db)).toEqual(await contentOf(source.db));
  }, 180_000);

  it('downloads the same backup from the running server, for platform and security administrators only', async () => {
    const clerk = await session(t, ['dept_user']);
    expect((await t.inject({ method: 'GET', url: '/api/system/backup', headers: clerk.headers })).statusCode).toBe(403);
    const res = await t.inject({ method: 'GET', url: '/api/system/backup', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="govshare-\d{8}T\d{6}\.gsbak"/);
    const file = path.join(tmp, 'downloaded.gsbak');
    fs.writeFileSync(file, res.rawPayload);
    const m = await verifyBackupFile(file, undefined);
    expect(m.tables.find((x) => x.name === 'app_user')!.rows).toBeGreaterThan(0);
    const logged = await t.ctx.db
      .selectFrom('audit_event')
      .select(['username', 'outcome'])
      .where('action', '=', 'backup.download')
      .execute();
    expect(logged.map((e) => e.outcome).sort()).toEqual(['denied', 'success']);
  }, 180_000);
});

describe.skipIf(!ADMIN_URL)('between the embedded database and PostgreSQL', () => {
  it('restores a PGlite backup into PostgreSQL and that one back into PGlite', async () => {
    // The source of this file's other tests is PostgreSQL here: its backup goes to PGlite and back.
    const source = path.join(tmp, 'from-postgres.gsbak');
    await writeBackup(t.ctx, source);
    const embedded = await emptyDatabase('pglite');
    await restoreBackup(embedded.ctx, source);
    const expected = await contentOf(t.ctx.db);
    expect(await contentOf(embedded.db)).toEqual(expected);

    const fromPglite = path.join(tmp, 'from-pglite.gsbak');
    const m = await writeBackup(embedded.ctx, fromPglite);
    expect(m.databaseKind).toBe('pglite');
    const production = await emptyDatabase('postgresql');
    await restoreBackup(production.ctx, fromPglite);
    expect(await contentOf(production.db)).toEqual(expected);
    expect(filesOf(production.filesDir)).toEqual(filesOf(t.ctx.config.filesDir));
  }, 240_000);
});

describe('govshare backup and govshare restore', () => {
  let key: string;
  const cliEnvs: NodeJS.ProcessEnv[] = [];

  /** A place for a CLI run's database: an empty PGlite folder, or an empty PostgreSQL database. */
  async function cliTarget(): Promise<NodeJS.ProcessEnv> {
    const dir = fs.mkdtempSync(path.join(tmp, 'cli-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dir,
      FILES_DIR: path.join(dir, 'files'),
      DATABASE_URL: '',
      DEMO: '0',
      GOVSHARE_BACKUP_KEY: '',
    };
    if (ADMIN_URL) {
      const d = await emptyDatabase('postgresql');
      env.DATABASE_URL = d.url;
      await d.db.destroy().catch(() => undefined);
    }
    cliEnvs.push(env);
    return env;
  }

  /** The database and files a CLI run left, opened by the test. */
  async function openTarget<T>(env: NodeJS.ProcessEnv, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    const d = env.DATABASE_URL ? await openPostgres(env.DATABASE_URL, 1) : await openPglite(env.DATA_DIR!);
    try {
      return await fn(d.db);
    } finally {
      await d.close();
    }
  }

  const govshare = (args: string[], env: NodeJS.ProcessEnv) => runGovshare(args, env, 120_000);

  let source: NodeJS.ProcessEnv;
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/ensure-server-build.mjs'], { stdio: 'inherit' });
    key = path.join(tmp, 'backup.key');
    fs.writeFileSync(key, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    // The CLI's source: this file's demo data, put into a database the CLI can open by the library's restore.
    source = await cliTarget();
    const file = path.join(tmp, 'cli-source.gsbak');
    await writeBackup(t.ctx, file);
    const d = source.DATABASE_URL ? await openPostgres(source.DATABASE_URL, 1) : await openPglite(source.DATA_DIR!);
    try {
      await restoreBackup({ db: d.db, config: { ...t.ctx.config, filesDir: source.FILES_DIR! } }, file);
    } finally {
      await d.close();
    }
  }, 240_000);

  it('backs up with a key file, restores into an empty database, and both are audited', async () => {
    const file = path.join(tmp, 'cli.gsbak');
    const backup = await govshare(['backup', file, '--key-file', key], source);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/Backed up \d+ tables \(\d+ rows\) and 2 files at \d{4}_\w+ to .*\(encrypted\)/);
    expect(backup.stderr).toMatch(/backup: rc\.\w+ \d+ rows/);

    const target = await cliTarget();
    const restored = await govshare(['restore', file, '--key-file', key], target);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('every table matches the manifest');
    expect(restored.stderr).toContain('restore: verifying');

    const before = await openTarget(source, contentOf);
    const after = await openTarget(target, contentOf);
    // The audit log differs by the events of the two commands only; every other table is the same.
    const {
      ['public.audit_event']: a,
      ['public.audit_head']: ah,
      ['sequence public.audit_event_id_seq']: as,
      ...rest
    } = after;
    const {
      ['public.audit_event']: b,
      ['public.audit_head']: bh,
      ['sequence public.audit_event_id_seq']: bs,
      ...same
    } = before;
    expect(rest).toEqual(same);
    expect([a, ah, as, b, bh, bs].every(Boolean)).toBe(true);
    expect(filesOf(target.FILES_DIR!)).toEqual(filesOf(source.FILES_DIR!));
    const actions = (env: NodeJS.ProcessEnv) =>
      openTarget(env, async (db) =>
        (
          await db
            .selectFrom('audit_event')
            .select(['action', 'username'])
            .where('action', 'like', 'backup.%')
            .where('username', '=', 'cli')
            .execute()
        ).map((e) => `${e.username} ${e.action}`),
      );
    expect(await actions(source)).toEqual(['cli backup.create']);
    // The restored log holds the source's events up to its backup, then the restore.
    expect(await actions(target)).toEqual(['cli backup.restore']);

    // A second restore into the same database is refused, unless --force.
    const again = await govshare(['restore', file, '--key-file', key], target);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');
    const forced = await govshare(['restore', file, '--key-file', key, '--force'], target);
    expect(forced.code, forced.stderr).toBe(0);

    // A wrong key: refused with a clear message, the database untouched.
    const wrong = path.join(tmp, 'wrong.key');
    fs.writeFileSync(wrong, randomBytes(32).toString('hex'));
    const refused = await govshare(['restore', file, '--key-file', wrong, '--force'], target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('wrong key');
    expect(await actions(target)).toEqual(['cli backup.restore']);

    const verified = await govshare(['backup', 'verify', file], {
      ...target,
      GOVSHARE_BACKUP_KEY: fs.readFileSync(key, 'utf8'),
    });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('Backup intact');
  }, 300_000);

  it.skipIf(!!ADMIN_URL)(
    'points to the server’s download when a running server holds the embedded database',
    async () => {
      // The test holds the folder as a running server would.
      const held = await openPglite(source.DATA_DIR!);
      try {
        const r = await govshare(['backup', path.join(tmp, 'locked.gsbak')], source);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('in use by another govshare process');
        expect(r.stderr).toContain('GET /api/system/backup');
        expect(fs.existsSync(path.join(tmp, 'locked.gsbak'))).toBe(false);
      } finally {
        await held.close();
      }
    },
    120_000,
  );
});
