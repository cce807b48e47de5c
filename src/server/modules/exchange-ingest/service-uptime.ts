import type { AppContext } from '../../app-context';

/**
 * R-27 availability of a resource shared by 服务接口: the share of the gateway's probes its service
 * answered, per Beijing day. The gateway knows it, but the gateway depends on this module (through
 * exchange-delivery), so this module cannot import it: the composition root (src/server/compose.ts)
 * hands the gateway's public function in through register().
 */
export interface ServiceUptime {
  days: number;
  checks: number;
  up: number;
  ratio: number | null;
  daily: Array<{ day: string; checks: number; up: number; ratio: number }>;
}
export type ServiceUptimeSource = (ctx: AppContext, entryId: string, days: number) => Promise<ServiceUptime | null>;

let source: ServiceUptimeSource | undefined;

export function wireServiceUptime(fn: ServiceUptimeSource): void {
  source = fn;
}

export function serviceUptimeOf(ctx: AppContext, entryId: string, days: number): Promise<ServiceUptime | null> {
  if (!source) throw new Error('exchange-ingest: service uptime is not wired (src/server/compose.ts)');
  return source(ctx, entryId, days);
}
