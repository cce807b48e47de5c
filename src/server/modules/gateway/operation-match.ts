import type { GwOperation, RetiringOperation } from '../../db/types';

/**
 * Which registered operation a call's method and path (below /gw/{code}) are: path templates like
 * /persons/{id} match one segment per parameter. SOAP operations share one path and are told apart
 * by the SOAPAction header (SOAP 1.1) or the action parameter of the content type (SOAP 1.2).
 * Operations being retired match after the current ones, until their day.
 */
export interface OperationMatcher {
  match(method: string, path: string, soapAction: string | null, now: Date): GwOperation | null;
}

export function compileMatcher(
  operations: readonly GwOperation[],
  retiring: readonly RetiringOperation[] = [],
): OperationMatcher {
  const offered = [
    ...operations.map((op) => ({ op, until: Infinity })),
    ...retiring.map((op) => ({ op, until: Date.parse(op.retireAt) })),
  ];
  const compiled = offered.map(({ op, until }) => ({
    op,
    until,
    re: new RegExp(
      `^${op.path
        .split(/(\{[^}]*\})/)
        .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('')}/?$`,
    ),
  }));
  return {
    match(method, path, soapAction, now) {
      const t = now.getTime();
      const found = compiled.filter((c) => c.until > t && c.op.method === method && c.re.test(path));
      if (found.length <= 1) return found[0]?.op ?? null;
      return found.find((c) => (c.op.soapAction ?? '') === (soapAction ?? ''))?.op ?? null;
    },
  };
}

/** The SOAP action a request names, without quotes; null when it names none. */
export function soapActionOf(headers: Record<string, string | string[] | undefined>): string | null {
  const header = headers.soapaction;
  if (typeof header === 'string') return header.replace(/^"|"$/g, '');
  const type = headers['content-type'];
  const m = typeof type === 'string' ? /;\s*action="?([^";]*)"?/i.exec(type) : null;
  return m ? m[1]! : null;
}
