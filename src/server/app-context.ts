import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config';
import type { DB } from './db/types';
import type { DbKind } from './db/open';
import type { Clock } from './platform/clock';

/** What every service function receives first: the database, settings, the clock and a logger. */
export interface AppContext {
  db: Kysely<DB>;
  dbKind: DbKind;
  config: Config;
  clock: Clock;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
}

export type Db = Kysely<DB>;
