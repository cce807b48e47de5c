import { describe, expect, it } from 'vitest';
import { bool, CkanError, list, ROWS_MAX, upTo } from './ckan-params';

describe('CKAN parameters, read as CKAN reads them', () => {
  it('cuts rows above the maximum instead of refusing them, and refuses what is not a natural number', () => {
    expect(upTo({ rows: '5000' }, 'rows', 10, ROWS_MAX)).toBe(1000);
    expect(upTo({ rows: 20 }, 'rows', 10, ROWS_MAX)).toBe(20);
    expect(upTo({}, 'rows', 10, ROWS_MAX)).toBe(10);
    for (const rows of ['many', '1.5', '-1'])
      expect(() => upTo({ rows }, 'rows', 10, ROWS_MAX), rows).toThrow(
        expect.objectContaining({ status: 409, ckanType: 'Validation Error' }) as CkanError,
      );
  });

  it('reads booleans and lists in the forms clients send', () => {
    expect(bool({ all_fields: 'True' }, 'all_fields', false)).toBe(true);
    expect(bool({ all_fields: false }, 'all_fields', true)).toBe(false);
    expect(() => bool({ all_fields: 'maybe' }, 'all_fields', false)).toThrow(CkanError);
    expect(list({ f: '["organization","groups"]' }, 'f')).toEqual(['organization', 'groups']);
    expect(list({ f: 'organization, groups' }, 'f')).toEqual(['organization', 'groups']);
    expect(list({ f: ['a', 'b'] }, 'f')).toEqual(['a', 'b']);
  });
});
