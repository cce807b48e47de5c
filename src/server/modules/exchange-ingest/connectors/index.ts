import type { ExchangeSourceKind } from '../../../db/types';
import { PostgresTarget } from './pg-target';
import type { TargetSpec, TargetWriter } from './targets';
import { PostgresConnector } from './postgresql';
import type { ConnectionParams, SourceConnector } from './types';

export const SOURCE_KINDS: readonly ExchangeSourceKind[] = ['postgresql', 'mysql'];
export const DEFAULT_PORTS: Record<ExchangeSourceKind, number> = { postgresql: 5432, mysql: 3306 };

// The MySQL driver is loaded when a MySQL source or target is first used: its code (a few MB of heap) is
// not carried by every server (bench/memory).
async function openConnector(p: ConnectionParams): Promise<SourceConnector> {
  switch (p.kind) {
    case 'postgresql':
      return new PostgresConnector(p);
    case 'mysql':
      return new (await import('./mysql')).MysqlConnector(p);
  }
}

/** Runs fn on a fresh connector and always closes it, so no source connection outlives its request. */
export async function withConnector<T>(p: ConnectionParams, fn: (c: SourceConnector) => Promise<T>): Promise<T> {
  const c = await openConnector(p);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

/** A writer for one table of a consumer's database (push jobs), closed after fn. */
export async function withTarget<T>(
  p: ConnectionParams,
  spec: TargetSpec,
  fn: (w: TargetWriter) => Promise<T>,
): Promise<T> {
  const w =
    p.kind === 'postgresql' ? new PostgresTarget(p, spec) : new (await import('./mysql-target')).MysqlTarget(p, spec);
  try {
    return await fn(w);
  } finally {
    await w.close();
  }
}
