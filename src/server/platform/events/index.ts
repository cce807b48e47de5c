import type { AppContext } from '../../app-context';
import { registerJobHandler, scheduleJob } from '../jobs/service';

/**
 * Domain events through the job table (an outbox). A module publishes an event in the transaction
 * of the change it describes; each subscriber gets a job of its own in that same transaction, so
 * the event exists exactly when the change committed, and a failing subscriber is retried by the
 * job runner (at least once, with the runner's backoff) without touching the publisher's change or
 * the other subscribers. Handlers run in a transaction with marking their job done, and must be
 * idempotent: a handler may see an event again after a crash between its work and that commit.
 *
 * Modules declare their events by augmenting EventMap from their own index.ts:
 *   declare module '../../platform/events' { interface EventMap { 'catalog.version.published': {…} } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface EventMap {}

export type EventName = keyof EventMap & string;

/** What a subscriber receives: the payload plus when and in which event it was published. */
export interface EventEnvelope<E extends EventName = EventName> {
  name: E;
  publishedAt: string;
  payload: EventMap[E];
}

export type EventHandler<E extends EventName> = (ctx: AppContext, event: EventEnvelope<E>) => Promise<void>;

/** One module's reaction to one event; `subscriber` names it in the job table (e.g. 'exchange-ingest.follow-version'). */
export interface Subscription {
  event: EventName;
  subscriber: string;
  handler: (ctx: AppContext, event: { name: string; publishedAt: string; payload: any }) => Promise<void>;
  /** Attempts before the delivery fails for good (default: the job table's 5). */
  maxAttempts?: number;
}

/** A typed subscription: the handler sees the payload its event declares. */
export function on<E extends EventName>(
  event: E,
  subscriber: string,
  handler: EventHandler<E>,
  opts: { maxAttempts?: number } = {},
): Subscription {
  return { event, subscriber, handler: handler as Subscription['handler'], ...opts };
}

const subscribers = new Map<string, Subscription[]>();

export const eventJobKind = (subscriber: string) => `event:${subscriber}`;

/** Registers a subscription (the composition root does this at start, in every process that publishes or handles events). */
export function subscribe(s: Subscription): void {
  const list = (subscribers.get(s.event) ?? []).filter((x) => x.subscriber !== s.subscriber);
  list.push(s);
  subscribers.set(s.event, list);
  registerJobHandler(eventJobKind(s.subscriber), s.handler, { maxAttempts: s.maxAttempts });
}

/**
 * Publishes an event in ctx.db, which should be the transaction of the change: one job per
 * subscriber, due at once. Returns how many subscribers will hear of it.
 */
export async function publish<E extends EventName>(ctx: AppContext, name: E, payload: EventMap[E]): Promise<number> {
  const list = subscribers.get(name) ?? [];
  const now = ctx.clock.now();
  const envelope: EventEnvelope<E> = { name, publishedAt: now.toISOString(), payload };
  for (const s of list) await scheduleJob(ctx, { kind: eventJobKind(s.subscriber), runAt: now, payload: envelope });
  return list.length;
}

/** Subscribers of an event, for the architecture test and the docs. */
export const subscribersOf = (name: EventName): string[] => (subscribers.get(name) ?? []).map((s) => s.subscriber);
