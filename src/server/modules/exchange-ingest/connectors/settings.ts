import type { ConnectionOptions } from 'mysql2';
import type pg from 'pg';
import { CONNECT_TIMEOUT_MS, type ConnectionParams } from './types';

/** How the drivers reach a registered database: the same details for a source and a push target. */
const common = (p: ConnectionParams) => ({
  host: p.host,
  port: p.port,
  database: p.database,
  user: p.username,
  password: p.password,
  ssl: p.options.ssl ? { rejectUnauthorized: false } : undefined,
});

export const pgSettings = (p: ConnectionParams): pg.ClientConfig => ({
  ...common(p),
  connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  application_name: 'govshare',
});

export const mysqlSettings = (p: ConnectionParams): ConnectionOptions => ({
  ...common(p),
  connectTimeout: CONNECT_TIMEOUT_MS,
  charset: 'utf8mb4',
});
