import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { TestApp } from '../helpers/app';
import { expectStatus, type CatalogDepartment } from '../catalog/factory';
import { MARIADB, PG_ADMIN_URL } from './sources-fixtures';

/** A consumer department's own database, empty, that a push job creates its table in. */
export interface TargetDb {
  kind: 'mysql' | 'postgresql';
  /** Registered as a source of the consumer department through the API. */
  sourceId: string;
  query(text: string): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

export async function mariaTarget(t: TestApp, consumer: CatalogDepartment): Promise<TargetDb> {
  const suffix = randomBytes(5).toString('hex');
  const database = `p_${suffix}`;
  const username = `gp_${suffix}`;
  const password = `Pw-${randomBytes(9).toString('base64url')}`;
  const root = await mysql.createConnection({ ...MARIADB, user: 'root', multipleStatements: true });
  await root.query(`create database ${database} character set utf8mb4;
    create user '${username}'@'%' identified by '${password}';
    grant all on ${database}.* to '${username}'@'%';`);
  await root.end();
  const sourceId = await register(t, consumer, { kind: 'mysql', host: MARIADB.host, port: MARIADB.port, database, username, password });
  return {
    kind: 'mysql',
    sourceId,
    async query(text) {
      const c = await mysql.createConnection({ ...MARIADB, user: 'root', database, dateStrings: true });
      try {
        const [rows] = (await c.query(text)) as unknown as [Array<Record<string, unknown>>];
        return rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = await mysql.createConnection({ ...MARIADB, user: 'root' });
      await c.query(`drop user if exists '${username}'@'%'`);
      await c.query(`drop database if exists ${database}`);
      await c.end();
    },
  };
}

export async function pgTarget(t: TestApp, consumer: CatalogDepartment): Promise<TargetDb> {
  const database = `p_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const sourceId = await register(t, consumer, { kind: 'postgresql', host: url.hostname, port: Number(url.port || 5432), database, username: decodeURIComponent(url.username || 'postgres'), password: 'unused-under-trust' });
  return {
    kind: 'postgresql',
    sourceId,
    async query(text) {
      const c = new pg.Client({ connectionString: url.toString() });
      c.setTypeParser(1082, (v) => v);
      await c.connect();
      try {
        return (await c.query(text)).rows as Array<Record<string, unknown>>;
      } finally {
        await c.end();
      }
    },
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${database} with (force)`);
      await a.end();
    },
  };
}

async function register(t: TestApp, consumer: CatalogDepartment, conn: Record<string, unknown>): Promise<string> {
  const res = await t.inject({ method: 'POST', url: '/api/exchange/sources', headers: consumer.specialist.headers, payload: { name: `本部门库${randomBytes(3).toString('hex')}`, ...conn } });
  return expectStatus(res, 201).json<{ id: string }>().id;
}
