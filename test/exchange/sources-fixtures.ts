import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Real source databases for the connector tests: a throwaway MariaDB database with its own
 * read-only user, and a throwaway PostgreSQL database on the local server (trust auth there,
 * so a wrong password is tested against MariaDB).
 */

export const MARIADB = { host: '127.0.0.1', port: 3306 };
/** The PostgreSQL server CI and developer machines run; TEST_DATABASE_URL's when given. */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A MariaDB source with a table of people (column comments, a view) and a read-only user. */
export async function mariaSource(): Promise<MariaDatabase> {
  const db = await mariaDatabase('t', 'select, show view');
  await db.query(`
    create table person (
      id int primary key comment '编号',
      xm varchar(50) not null comment '姓名',
      sfzh char(18) comment '公民身份号码',
      csrq date comment '出生日期',
      gxsj datetime comment '更新时间'
    ) comment '人员';
    insert into person values
      (1, '张三', '361102199001011234', '1990-01-01', '2026-11-01 08:00:00'),
      (2, '李四', '361102198505054321', '1985-05-05', '2026-11-02 09:30:00'),
      (3, '王五', null, null, null);
    create view v_person as select id, xm from person;`);
  return db;
}

/** A PostgreSQL source with a table of licences in a schema of its own, and a view. */
export async function pgSource(): Promise<PgDatabase> {
  const db = await pgDatabase('t');
  await db.query(`
    create schema "资源";
    create table "资源".license (
      license_no varchar(32) primary key,
      holder_name text not null,
      issued_on date,
      amount numeric(12,2),
      valid boolean
    );
    comment on column "资源".license.holder_name is '持证人名称';
    insert into "资源".license values ('L1', '某公司', '2026-01-01', 100.50, true), ('L2', '某合作社', null, null, false);
    analyze "资源".license;
    create view public.v_license as select license_no from "资源".license;`);
  return db;
}

type Rows = Array<Record<string, unknown>>;

/** A throwaway MariaDB database with a user of its own; query() runs as root (several statements allowed). */
export interface MariaDatabase {
  database: string;
  username: string;
  password: string;
  query(text: string, values?: unknown[]): Promise<Rows>;
  drop(): Promise<void>;
}

/** `grant`: what the user may do in the database, as a department's DBA would grant it the platform. */
export async function mariaDatabase(prefix: string, grant = 'select'): Promise<MariaDatabase> {
  const suffix = randomBytes(5).toString('hex');
  const database = `${prefix}_${suffix}`;
  const username = `g${prefix}_${suffix}`;
  const password = `Pw-${randomBytes(9).toString('base64url')}`;
  const asRoot = async <T>(fn: (c: mysql.Connection) => Promise<T>, db?: string) => {
    const c = await mysql.createConnection({
      ...MARIADB,
      user: 'root',
      database: db,
      dateStrings: true,
      multipleStatements: true,
    });
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  await asRoot((c) =>
    c.query(`create database ${database} character set utf8mb4;
      create user '${username}'@'%' identified by '${password}';
      grant ${grant} on ${database}.* to '${username}'@'%';`),
  );
  return {
    database,
    username,
    password,
    query: (text, values = []) =>
      asRoot(async (c) => ((await c.query(text, values)) as unknown as [Rows])[0], database),
    drop: () =>
      asRoot(async (c) => {
        await c.query(`drop user if exists '${username}'@'%'`);
        await c.query(`drop database if exists ${database}`);
      }),
  };
}

/** A throwaway database on the local PostgreSQL server (trust auth); query() keeps dates as text. */
export interface PgDatabase {
  database: string;
  host: string;
  port: number;
  username: string;
  query(text: string, values?: unknown[]): Promise<Rows>;
  drop(): Promise<void>;
}

export async function pgDatabase(prefix: string): Promise<PgDatabase> {
  const database = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = async (text: string) => {
    const a = new pg.Client({ connectionString: PG_ADMIN_URL });
    await a.connect();
    try {
      await a.query(text);
    } finally {
      await a.end();
    }
  };
  await admin(`create database ${database}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return {
    database,
    host: url.hostname,
    port: Number(url.port || 5432),
    username: decodeURIComponent(url.username || 'postgres'),
    async query(text, values = []) {
      const c = new pg.Client({ connectionString: url.toString() });
      c.setTypeParser(1082, (v) => v);
      await c.connect();
      try {
        return (await c.query(text, values)).rows as Rows;
      } finally {
        await c.end();
      }
    },
    drop: () => admin(`drop database if exists ${database} with (force)`),
  };
}
