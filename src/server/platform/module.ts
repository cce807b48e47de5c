import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app-context';
import type { AuditTargetNames } from './audit/targets';
import type { SealedColumn } from './crypto/sealed-columns';
import type { Subscription } from './events';
import type { HandlerOptions, JobHandler } from './jobs/service';
import type { SupervisionSource } from './supervision/sources';
import type { OverviewSource, TodoSource } from './todo/types';

/**
 * What a module hands the composition root (src/server/compose.ts): its HTTP routes, the jobs it
 * runs, the events it reacts to, what it adds to the to-do home, and its audit targets' names. A module's index.ts exports register() returning this; nothing
 * else of the module is wired by anyone else.
 */
export interface ModuleDefinition {
  name: string;
  routes?: { prefix: string; plugin: (ctx: AppContext) => FastifyPluginAsyncTypebox }[];
  jobs?: JobDefinition[];
  events?: Subscription[];
  /** Its part of every user's to-do home (待办). */
  todos?: TodoSource;
  /** Its city-wide counts for the platform's overview. */
  overview?: OverviewSource;
  /** How the audit log names the targets its routes and recorders declare, by targetType. */
  auditTargets?: AuditTargetNames;
  /** Where it stores sealed secrets, so that a data-key rotation re-encrypts them. */
  sealedColumns?: SealedColumn[];
  /** Its indicators and violation detectors for assessment (Chapter 6), handed to supervision by compose.ts. */
  supervision?: SupervisionSource;
}

/** A job kind with its handler; with `everyMs` a periodic task. */
export interface JobDefinition {
  kind: string;
  handler: JobHandler;
  everyMs?: number;
  options?: HandlerOptions;
}
