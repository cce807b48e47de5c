import { BlockList, isIP } from 'node:net';
import type { ShareMethod } from '../../../shared/catalog/enums';

/**
 * R-16/R-19 (Art 14, 18): what a grant's method lets out, and the terms chosen at approval that
 * every data path enforces besides the free-text conditions.
 */

/** The share method each use of the data needs: 服务接口 the query API, 库表 push and bulk export, 文件 downloads. */
export const METHOD_OF_USE = {
  query: 'api',
  export: 'table',
  push: 'table',
  download: 'file',
} as const satisfies Record<string, ShareMethod>;
export type DataUse = keyof typeof METHOD_OF_USE;

export interface GrantTerms {
  /** A 库表 grant may also be taken whole as a CSV/XLSX/JSON export; off: push only. */
  bulkExport: boolean;
  /** Rows the query API may return per day (Beijing date) under a 服务接口 grant; null: no cap. */
  dailyRowCap: number | null;
  /** CIDR ranges calls under the grant may come from; empty: anywhere. */
  ipRanges: string[];
  /** 服务接口 grants, through the gateway: calls per minute; null: the upstream's default. */
  callsPerMinute: number | null;
  /** 服务接口 grants: calls per day (Beijing date); null: the upstream's default. */
  dailyCallQuota: number | null;
  /** 服务接口 grants: the gateway operations (ids) it may call; null: every one offered. */
  operations: string[] | null;
}

export const MAX_DAILY_ROW_CAP = 100_000_000;
export const MAX_IP_RANGES = 20;
export const MAX_CALLS_PER_MINUTE = 1_000_000;
export const MAX_DAILY_CALL_QUOTA = 1_000_000_000;

/** What an approval that names no terms gets: a table grant may be exported, nothing capped or fenced. */
export function defaultTerms(method: string): GrantTerms {
  return {
    bulkExport: method === 'table',
    dailyRowCap: null,
    ipRanges: [],
    callsPerMinute: null,
    dailyCallQuota: null,
    operations: null,
  };
}

/** A CIDR range ("10.1.0.0/16", "2001:db8::/32") or a single address, as a [network, prefix] pair. */
function parseRange(text: string): [string, number, 'ipv4' | 'ipv6'] | null {
  const [addr = '', bits] = text.trim().split('/');
  const v = isIP(addr);
  if (!v) return null;
  const max = v === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return [addr, prefix, v === 4 ? 'ipv4' : 'ipv6'];
}

export interface TermsProblem {
  field: string;
  code: string;
  message: string;
  messageZh: string;
}

/** Why terms do not fit the grant's method (empty when they do). */
export function termsProblems(terms: Partial<GrantTerms>, method: string): TermsProblem[] {
  const problems: TermsProblem[] = [];
  if (terms.bulkExport && method !== 'table')
    problems.push({
      field: 'terms.bulkExport',
      code: 'SHARING_TERMS_EXPORT_NEEDS_TABLE',
      message: 'Bulk export comes only with the table method',
      messageZh: '只有“库表”共享方式可以允许批量导出',
    });
  if (terms.dailyRowCap != null && method !== 'api')
    problems.push({
      field: 'terms.dailyRowCap',
      code: 'SHARING_TERMS_CAP_NEEDS_API',
      message: 'A daily row cap applies to the service API method only',
      messageZh: '每日调用行数上限只适用于“服务接口”共享方式',
    });
  for (const f of ['callsPerMinute', 'dailyCallQuota', 'operations'] as const)
    if (terms[f] != null && method !== 'api')
      problems.push({
        field: `terms.${f}`,
        code: 'SHARING_TERMS_GATEWAY_NEEDS_API',
        message: 'Call limits and operations apply to the service API method only',
        messageZh: '调用频率、每日调用次数和可调用的操作只适用于“服务接口”共享方式',
      });
  for (const [i, r] of (terms.ipRanges ?? []).entries())
    if (!parseRange(r))
      problems.push({
        field: `terms.ipRanges[${i}]`,
        code: 'SHARING_TERMS_IP_RANGE',
        message: `Not an IP address or CIDR range: ${r}`,
        messageZh: `不是有效的 IP 地址或网段（CIDR）：${r}`,
      });
  return problems;
}

/** Whether an address lies in one of the ranges (no ranges: any address). */
export function ipAllowed(ranges: readonly string[], ip: string | null | undefined): boolean {
  if (!ranges.length) return true;
  if (!ip) return false;
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
  const addr = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const kind = isIP(addr) === 4 ? 'ipv4' : isIP(addr) === 6 ? 'ipv6' : null;
  if (!kind) return false;
  const list = new BlockList();
  for (const r of ranges) {
    const parsed = parseRange(r);
    if (parsed) list.addSubnet(parsed[0], parsed[1], parsed[2]);
  }
  return list.check(addr, kind);
}
