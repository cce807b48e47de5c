import { describe, expect, it } from 'vitest';
import { parseSolr, solrDate, SearchQueryError } from './ckan-query';

describe('the Solr syntax of CKAN clients', () => {
  it('reads the fq that ckanext-harvest sends', () => {
    expect(parseSolr('organization:a OR organization:b')).toEqual({
      kind: 'or',
      of: [
        { kind: 'term', field: 'organization', value: 'a' },
        { kind: 'term', field: 'organization', value: 'b' },
      ],
    });
    expect(parseSolr('-organization:a -organization:b metadata_modified:[2026-12-05T10:00:00.123456Z TO *]')).toEqual({
      kind: 'and',
      of: [
        { kind: 'not', of: { kind: 'term', field: 'organization', value: 'a' } },
        { kind: 'not', of: { kind: 'term', field: 'organization', value: 'b' } },
        {
          kind: 'range',
          field: 'metadata_modified',
          from: '2026-12-05T10:00:00.123456Z',
          to: null,
          fromIncl: true,
          toIncl: true,
        },
      ],
    });
  });

  it('reads quotes, value lists, NOT, AND, + and parentheses, and *:*', () => {
    expect(parseSolr('organization:"11361100b000000007"')).toEqual({
      kind: 'term',
      field: 'organization',
      value: '11361100b000000007',
    });
    expect(parseSolr('res_format:(CSV OR JSON)')).toEqual({
      kind: 'or',
      of: [
        { kind: 'term', field: 'res_format', value: 'CSV' },
        { kind: 'term', field: 'res_format', value: 'JSON' },
      ],
    });
    expect(parseSolr('+groups:credit AND NOT (tags:x OR tags:y)')).toEqual({
      kind: 'and',
      of: [
        { kind: 'term', field: 'groups', value: 'credit' },
        {
          kind: 'not',
          of: {
            kind: 'or',
            of: [
              { kind: 'term', field: 'tags', value: 'x' },
              { kind: 'term', field: 'tags', value: 'y' },
            ],
          },
        },
      ],
    });
    expect(parseSolr('*:*')).toEqual({ kind: 'all' });
    expect(parseSolr('')).toEqual({ kind: 'all' });
    expect(parseSolr('metadata_created:{* TO NOW-1DAY}')).toMatchObject({ from: null, to: 'NOW-1DAY', toIncl: false });
  });

  it('refuses what Solr would refuse, as a Search Query Error', () => {
    for (const bad of ['organization:', 'metadata_modified:[2026 TO', '(groups:a', 'groups:a)', 'name:"open'])
      expect(() => parseSolr(bad), bad).toThrow(SearchQueryError);
  });

  it('reads Solr dates: ISO with or without a zone (UTC), NOW and NOW with units', () => {
    const now = new Date('2026-12-05T12:00:00Z');
    expect(solrDate('2026-12-01T08:00:00.5Z', now).toISOString()).toBe('2026-12-01T08:00:00.500Z');
    expect(solrDate('2026-12-01T08:00:00', now).toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(solrDate('2026-12-01', now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(solrDate('NOW', now)).toEqual(now);
    expect(solrDate('NOW-2DAYS', now).toISOString()).toBe('2026-12-03T12:00:00.000Z');
    expect(solrDate('NOW+1HOUR/DAY', now).toISOString()).toBe('2026-12-05T13:00:00.000Z');
    expect(() => solrDate('yesterday', now)).toThrow(SearchQueryError);
  });
});
