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

export interface MariaSource {
  database: string;
  username: string;
  password: string;
  drop(): Promise<void>;
}

export async function mariaSource(): Promise<MariaSource> {
  const suffix = randomBytes(5).toString('hex');
  const database = `t_${suffix}`;
  const username = `gs_${suffix}`;
  const password = `Pw-${randomBytes(9).toString('base64url')}`;
  const root = await mysql.createConnection({ ...MARIADB, user: 'root', multipleStatements: true });
  try {
    await root.query(`create database ${database} character set utf8mb4`);
    await root.query(`
      create table ${database}.person (
        id int primary key comment '编号',
        xm varchar(50) not null comment '姓名',
        sfzh char(18) comment '公民身份号码',
        csrq date comment '出生日期',
        gxsj datetime comment '更新时间'
      ) comment '人员';
      insert into ${database}.person values
        (1, '张三', '361102199001011234', '1990-01-01', '2026-11-01 08:00:00'),
        (2, '李四', '361102198505054321', '1985-05-05', '2026-11-02 09:30:00'),
        (3, '王五', null, null, null);
      create view ${database}.v_person as select id, xm from ${database}.person;
      create user '${username}'@'%' identified by '${password}';
      grant select, show view on ${database}.* to '${username}'@'%';
    `);
  } finally {
    await root.end();
  }
  return {
    database,
    username,
    password,
    async drop() {
      const r = await mysql.createConnection({ ...MARIADB, user: 'root' });
      await r.query(`drop user if exists '${username}'@'%'`);
      await r.query(`drop database if exists ${database}`);
      await r.end();
    },
  };
}

export interface PgSource {
  host: string;
  port: number;
  database: string;
  username: string;
  drop(): Promise<void>;
}

export async function pgSource(): Promise<PgSource> {
  const database = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  await c.query(`
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
    create view public.v_license as select license_no from "资源".license;
  `);
  await c.end();
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    database,
    username: decodeURIComponent(url.username || 'postgres'),
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${database} with (force)`);
      await a.end();
    },
  };
}
