import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  platformAdmin,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import { KeyRing, masterKeyOf } from '../../src/server/platform/crypto/key-ring';
import type { Source } from '../../src/server/modules/exchange-ingest/schemas';
import { MARIADB, mariaSource, pgSource, type MariaDatabase, type PgDatabase } from './sources-fixtures';

const secretKey = randomBytes(32).toString('hex');
let t: TestApp;
let maria: MariaDatabase;
let pgsrc: PgDatabase;
let dept: CatalogDepartment;
let other: CatalogDepartment;

beforeAll(async () => {
  [t, maria, pgsrc] = await Promise.all([testApp({ secretKey }), mariaSource(), pgSource()]);
  [dept, other] = await Promise.all([catalogDepartment(t), catalogDepartment(t)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([t?.close(), maria?.drop(), pgsrc?.drop()]);
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who: Session, payload?: object) =>
  t.inject({ method, url: `/api/exchange${url}`, headers: who.headers, ...(payload ? { payload } : {}) });

const mariaInput = (over: object = {}) => ({
  name: `人口库${randomBytes(3).toString('hex')}`,
  kind: 'mysql',
  host: MARIADB.host,
  port: MARIADB.port,
  database: maria.database,
  username: maria.username,
  password: maria.password,
  ...over,
});

async function registerMaria(who: Session = dept.specialist, over: object = {}): Promise<Source> {
  return expectStatus(await call('POST', '/sources', who, mariaInput(over)), 201).json<Source>();
}

describe('source databases (R-21) with encrypted passwords (R-44)', () => {
  it('stores the password only as SM4 ciphertext: not in the row, the response or the audit log', async () => {
    const s = await registerMaria();
    expect(s).toMatchObject({ kind: 'mysql', database: maria.database, departmentId: dept.id, lastTest: null });
    expect(JSON.stringify(s)).not.toContain(maria.password);
    expect(Object.keys(s)).not.toContain('password');
    const row = await t.ctx.db
      .selectFrom('exchange_source')
      .selectAll()
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(row.password_secret).toMatch(/^gs2:[0-9a-f]{16}:/);
    expect(JSON.stringify(row)).not.toContain(maria.password);
    // It is the password under a data key wrapped by the configured master key, bound to this row.
    const ring = new KeyRing([masterKeyOf(Buffer.from(secretKey, 'hex'))]);
    expect(await ring.open(t.ctx.db, row.password_secret, `exchange_source.password:${s.id}`)).toBe(maria.password);
    const list = expectStatus(await call('GET', '/sources', dept.specialist), 200).body;
    expect(list).toContain(s.id);
    expect(list).not.toContain(maria.password);
    expect(list).not.toContain('gs2:');
    const audit = await t.ctx.db.selectFrom('audit_event').selectAll().where('target_id', '=', s.id).execute();
    expect(audit.map((a) => a.action)).toContain('exchange.source.create');
    expect(JSON.stringify(audit)).not.toContain(maria.password);
  });

  it('tests, lists tables and describes columns of a MariaDB source', async () => {
    const s = await registerMaria();
    const ok = expectStatus(await call('POST', `/sources/${s.id}/test`, dept.specialist), 200).json();
    expect(ok).toMatchObject({ ok: true, code: null, serverVersion: expect.stringMatching(/^(MariaDB|MySQL) \d+\./) });
    const after = expectStatus(await call('GET', `/sources/${s.id}`, dept.leader), 200).json<Source>();
    expect(after.lastTest).toMatchObject({ ok: true });

    const tables = expectStatus(await call('GET', `/sources/${s.id}/tables`, dept.specialist), 200).json().items;
    expect(tables).toEqual([
      { schema: maria.database, name: 'person', kind: 'table', rowEstimate: expect.any(Number) },
      { schema: maria.database, name: 'v_person', kind: 'view', rowEstimate: null },
    ]);
    const cols = expectStatus(
      await call('GET', `/sources/${s.id}/columns?table=${maria.database}.person`, dept.specialist),
      200,
    ).json().items;
    expect(cols).toEqual([
      { name: 'id', dataType: expect.stringMatching(/^int/), nullable: false, isKey: true, comment: '编号' },
      { name: 'xm', dataType: 'varchar(50)', nullable: false, isKey: false, comment: '姓名' },
      { name: 'sfzh', dataType: 'char(18)', nullable: true, isKey: false, comment: '公民身份号码' },
      { name: 'csrq', dataType: 'date', nullable: true, isKey: false, comment: '出生日期' },
      { name: 'gxsj', dataType: 'datetime', nullable: true, isKey: false, comment: '更新时间' },
    ]);
    // Without a schema the source's own database is meant; a table outside it is not found.
    expect(
      expectStatus(await call('GET', `/sources/${s.id}/columns?table=person`, dept.specialist), 200).json().items,
    ).toHaveLength(5);
    expect(
      expectStatus(await call('GET', `/sources/${s.id}/columns?table=mysql.user`, dept.specialist), 404).json().error
        .code,
    ).toBe('SOURCE_TABLE_NOT_FOUND');
    expect(
      (
        await call(
          'GET',
          `/sources/${s.id}/columns?table=${maria.database}.nope';drop table person;--`,
          dept.specialist,
        )
      ).statusCode,
    ).toBe(404);
  });

  it('reports a wrong password, an unknown database and an unreachable host clearly, without the password', async () => {
    const s = await registerMaria(dept.specialist, { password: 'Wrong-secret-42' });
    const res = expectStatus(await call('POST', `/sources/${s.id}/test`, dept.specialist), 200).json();
    expect(res).toMatchObject({ ok: false, code: 'EXCHANGE_SOURCE_AUTH', messageZh: '源数据库拒绝了用户名或密码' });
    const tables = expectStatus(await call('GET', `/sources/${s.id}/tables`, dept.specialist), 400);
    expect(tables.json().error.code).toBe('EXCHANGE_SOURCE_AUTH');
    expect(tables.body).not.toContain('Wrong-secret-42');
    expect(
      expectStatus(await call('GET', `/sources/${s.id}`, dept.specialist), 200).json<Source>().lastTest,
    ).toMatchObject({ ok: false, message: expect.stringContaining('EXCHANGE_SOURCE_AUTH') });

    // Fixing the password; omitting it later keeps the fixed one.
    expectStatus(await call('PATCH', `/sources/${s.id}`, dept.specialist, { password: maria.password }), 200);
    expectStatus(await call('PATCH', `/sources/${s.id}`, dept.specialist, { name: `${s.name}-改` }), 200);
    expect(expectStatus(await call('POST', `/sources/${s.id}/test`, dept.specialist), 200).json()).toMatchObject({
      ok: true,
    });

    expectStatus(
      await call('PATCH', `/sources/${s.id}`, dept.specialist, { database: `${maria.database}_missing` }),
      200,
    );
    expect(expectStatus(await call('POST', `/sources/${s.id}/test`, dept.specialist), 200).json()).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SOURCE_DATABASE',
    });
    expectStatus(await call('PATCH', `/sources/${s.id}`, dept.specialist, { database: maria.database, port: 1 }), 200);
    expect(expectStatus(await call('POST', `/sources/${s.id}/test`, dept.specialist), 200).json()).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SOURCE_UNREACHABLE',
    });

    const audit = await t.ctx.db.selectFrom('audit_event').selectAll().where('target_id', '=', s.id).execute();
    expect(audit.filter((a) => a.action === 'exchange.source.test')).toHaveLength(4);
    expect(JSON.stringify(audit)).not.toContain('Wrong-secret-42');
    expect(JSON.stringify(audit)).not.toContain(maria.password);
  });

  it('tests, lists and describes a PostgreSQL source', async () => {
    const s = expectStatus(
      await call('POST', '/sources', dept.specialist, {
        name: `证照库${randomBytes(3).toString('hex')}`,
        kind: 'postgresql',
        host: pgsrc.host,
        port: pgsrc.port,
        database: pgsrc.database,
        username: pgsrc.username,
        password: 'unused-under-trust',
      }),
      201,
    ).json<Source>();
    expect(expectStatus(await call('POST', `/sources/${s.id}/test`, dept.specialist), 200).json()).toMatchObject({
      ok: true,
      serverVersion: expect.stringMatching(/^PostgreSQL \d+/),
    });
    const tables = expectStatus(await call('GET', `/sources/${s.id}/tables`, dept.specialist), 200).json().items;
    expect(tables).toEqual([
      { schema: 'public', name: 'v_license', kind: 'view', rowEstimate: null },
      { schema: '资源', name: 'license', kind: 'table', rowEstimate: 2 },
    ]);
    const cols = expectStatus(
      await call('GET', `/sources/${s.id}/columns?table=${encodeURIComponent('资源.license')}`, dept.specialist),
      200,
    ).json().items;
    expect(cols).toEqual([
      { name: 'license_no', dataType: 'character varying(32)', nullable: false, isKey: true, comment: null },
      { name: 'holder_name', dataType: 'text', nullable: false, isKey: false, comment: '持证人名称' },
      { name: 'issued_on', dataType: 'date', nullable: true, isKey: false, comment: null },
      { name: 'amount', dataType: 'numeric(12,2)', nullable: true, isKey: false, comment: null },
      { name: 'valid', dataType: 'boolean', nullable: true, isKey: false, comment: null },
    ]);
    expect(
      expectStatus(await call('GET', `/sources/${s.id}/columns?table=v_license`, dept.specialist), 200).json().items,
    ).toHaveLength(1);
    expectStatus(
      await call('PATCH', `/sources/${s.id}`, dept.specialist, { database: `${pgsrc.database}_missing` }),
      200,
    );
    expect(expectStatus(await call('POST', `/sources/${s.id}/test`, dept.specialist), 200).json()).toMatchObject({
      ok: false,
      code: 'EXCHANGE_SOURCE_DATABASE',
    });
  });

  it('keeps each department to its own sources; the platform sees and registers for all', async () => {
    const s = await registerMaria();
    for (const [m, u] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/test'],
      ['GET', '/tables'],
      ['GET', '/columns?table=person'],
    ] as const) {
      const res = await call(m, `/sources/${s.id}${u}`, other.specialist, m === 'PATCH' ? { name: 'x' } : undefined);
      expect(res.statusCode, `${m} ${u}`).toBe(404);
    }
    expect(
      expectStatus(await call('GET', '/sources', other.specialist), 200)
        .json()
        .items.map((i: Source) => i.id),
    ).not.toContain(s.id);
    // Leaders read; only specialists manage; ordinary users see nothing.
    expect((await call('POST', `/sources/${s.id}/test`, dept.leader)).statusCode).toBe(403);
    expect((await call('GET', '/sources', dept.user)).statusCode).toBe(403);
    // A specialist cannot register for another department.
    expect((await call('POST', '/sources', dept.specialist, mariaInput({ departmentId: other.id }))).statusCode).toBe(
      403,
    );

    const admin = await platformAdmin(t);
    expect(
      expectStatus(await call('GET', '/sources', admin), 200)
        .json()
        .items.map((i: Source) => i.id),
    ).toContain(s.id);
    expect((await call('POST', '/sources', admin, mariaInput())).json().error.code).toBe('EXCHANGE_SOURCE_DEPARTMENT');
    const forOther = expectStatus(
      await call('POST', '/sources', admin, mariaInput({ departmentId: other.id })),
      201,
    ).json<Source>();
    expect(forOther.departmentId).toBe(other.id);
    expect(
      expectStatus(await call('GET', '/sources', other.specialist), 200)
        .json()
        .items.map((i: Source) => i.id),
    ).toEqual([forOther.id]);
  });

  it('refuses a duplicate name in one department and deletes a source', async () => {
    const s = await registerMaria();
    expect((await call('POST', '/sources', dept.specialist, mariaInput({ name: s.name }))).json().error.code).toBe(
      'EXCHANGE_SOURCE_NAME_TAKEN',
    );
    expectStatus(await call('POST', '/sources', other.specialist, mariaInput({ name: s.name })), 201);
    expectStatus(await call('DELETE', `/sources/${s.id}`, dept.specialist), 200);
    expect((await call('GET', `/sources/${s.id}`, dept.specialist)).statusCode).toBe(404);
  });
});
