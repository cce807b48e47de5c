import { describe, expect, it } from 'vitest';
import { defaultTerms, ipAllowed, termsProblems } from '../../src/server/modules/sharing/grant-terms';

const GATEWAY_DEFAULTS = { callsPerMinute: null, dailyCallQuota: null, operations: null };

describe('grant terms (R-16)', () => {
  it('matches addresses against CIDR ranges, single addresses and IPv6, with IPv4 clients on dual-stack sockets', () => {
    const ranges = ['10.20.0.0/16', '192.168.1.7', '2001:db8::/32'];
    expect(ipAllowed(ranges, '10.20.255.1')).toBe(true);
    expect(ipAllowed(ranges, '::ffff:10.20.0.9')).toBe(true);
    expect(ipAllowed(ranges, '10.21.0.1')).toBe(false);
    expect(ipAllowed(ranges, '192.168.1.7')).toBe(true);
    expect(ipAllowed(ranges, '192.168.1.8')).toBe(false);
    expect(ipAllowed(ranges, '2001:db8:1::5')).toBe(true);
    expect(ipAllowed(ranges, '2001:db9::5')).toBe(false);
    expect(ipAllowed(ranges, undefined)).toBe(false);
    expect(ipAllowed([], undefined)).toBe(true);
  });

  it('gives each method its defaults and refuses terms that do not fit it', () => {
    expect(defaultTerms('table')).toEqual({ ...GATEWAY_DEFAULTS, bulkExport: true, dailyRowCap: null, ipRanges: [] });
    expect(defaultTerms('api')).toEqual({ ...GATEWAY_DEFAULTS, bulkExport: false, dailyRowCap: null, ipRanges: [] });
    expect(termsProblems({ bulkExport: true }, 'api').map((p) => p.code)).toEqual(['SHARING_TERMS_EXPORT_NEEDS_TABLE']);
    expect(termsProblems({ dailyRowCap: 10 }, 'api')).toEqual([]);
    expect(termsProblems({ ipRanges: ['10.0.0.0/33', '::1/129', '10.0.0.0/8'] }, 'api').map((p) => p.field)).toEqual([
      'terms.ipRanges[0]',
      'terms.ipRanges[1]',
    ]);
    expect(termsProblems({ callsPerMinute: 60, dailyCallQuota: 1000, operations: ['getPerson'] }, 'api')).toEqual([]);
    expect(termsProblems({ callsPerMinute: 60, operations: [] }, 'table').map((p) => p.field)).toEqual([
      'terms.callsPerMinute',
      'terms.operations',
    ]);
  });
});
