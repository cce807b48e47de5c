import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app-context';
import type { Subscription } from './events';
import type { HandlerOptions, JobHandler } from './jobs/service';

/**
 * What a module hands the composition root (src/server/compose.ts): its HTTP routes, the jobs it
 * runs and the events it reacts to. A module's index.ts exports register() returning this; nothing
 * else of the module is wired by anyone else.
 */
export interface ModuleDefinition {
  name: string;
  routes?: { prefix: string; plugin: (ctx: AppContext) => FastifyPluginAsyncTypebox }[];
  jobs?: JobDefinition[];
  events?: Subscription[];
}

/** A job kind with its handler; with `everyMs` a periodic task. */
export interface JobDefinition {
  kind: string;
  handler: JobHandler;
  everyMs?: number;
  options?: HandlerOptions;
}
