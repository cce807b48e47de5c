import { randomBytes } from 'node:crypto';
import type { TestApp } from '../helpers/app';
import { expectStatus, type CatalogDepartment } from '../catalog/factory';
import { MARIADB, mariaDatabase, pgDatabase } from './sources-fixtures';

/** A consumer department's own database, empty, that a push job creates its table in. */
export interface TargetDb {
  kind: 'mysql' | 'postgresql';
  /** Registered as a source of the consumer department through the API. */
  sourceId: string;
  query(text: string): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

export async function mariaTarget(t: TestApp, consumer: CatalogDepartment): Promise<TargetDb> {
  const db = await mariaDatabase('p', 'all');
  const sourceId = await register(t, consumer, {
    kind: 'mysql',
    host: MARIADB.host,
    port: MARIADB.port,
    database: db.database,
    username: db.username,
    password: db.password,
  });
  return { kind: 'mysql', sourceId, query: (text) => db.query(text), drop: () => db.drop() };
}

export async function pgTarget(t: TestApp, consumer: CatalogDepartment): Promise<TargetDb> {
  const db = await pgDatabase('p');
  const sourceId = await register(t, consumer, {
    kind: 'postgresql',
    host: db.host,
    port: db.port,
    database: db.database,
    username: db.username,
    password: 'unused-under-trust',
  });
  return { kind: 'postgresql', sourceId, query: (text) => db.query(text), drop: () => db.drop() };
}

async function register(t: TestApp, consumer: CatalogDepartment, conn: Record<string, unknown>): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/exchange/sources',
    headers: consumer.specialist.headers,
    payload: { name: `本部门库${randomBytes(3).toString('hex')}`, ...conn },
  });
  return expectStatus(res, 201).json<{ id: string }>().id;
}
