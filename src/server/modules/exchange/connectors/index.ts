import type { ExchangeSourceKind } from '../../../db/types';
import { MysqlConnector } from './mysql';
import { PostgresConnector } from './postgresql';
import type { ConnectionParams, SourceConnector } from './types';

export const SOURCE_KINDS: readonly ExchangeSourceKind[] = ['postgresql', 'mysql'];
export const DEFAULT_PORTS: Record<ExchangeSourceKind, number> = { postgresql: 5432, mysql: 3306 };

export function openConnector(p: ConnectionParams): SourceConnector {
  switch (p.kind) {
    case 'postgresql':
      return new PostgresConnector(p);
    case 'mysql':
      return new MysqlConnector(p);
  }
}

/** Runs fn on a fresh connector and always closes it, so no source connection outlives its request. */
export async function withConnector<T>(p: ConnectionParams, fn: (c: SourceConnector) => Promise<T>): Promise<T> {
  const c = openConnector(p);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}
