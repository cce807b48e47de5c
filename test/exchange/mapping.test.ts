import { describe, expect, it } from 'vitest';
import {
  CATALOG_TO_PG_TYPE,
  isCompatible,
  pgColumnType,
  similarity,
  suggestColumnMapping,
  typeFamily,
  type MappableItem,
} from '../../src/server/modules/exchange-ingest/mapping';
import { DATA_TYPES } from '../../src/shared/catalog/enums';
import type { SourceColumn } from '../../src/server/modules/exchange-ingest/connectors/types';

const col = (name: string, dataType: string, comment: string | null = null): SourceColumn => ({
  name,
  dataType,
  nullable: true,
  isKey: false,
  comment,
});
const item = (id: string, name: string, fieldName: string, dataType: MappableItem['dataType']): MappableItem => ({
  id,
  name,
  fieldName,
  dataType,
});

describe('catalog type → PostgreSQL type', () => {
  it('covers every catalog data type', () => {
    expect(Object.keys(CATALOG_TO_PG_TYPE).sort()).toEqual(Object.keys(DATA_TYPES).sort());
    expect(pgColumnType('C', 18)).toBe('varchar(18)');
    expect(pgColumnType('C', null)).toBe('text');
    expect(pgColumnType('Y')).toBe('numeric(20,4)');
    expect(pgColumnType('T')).toBe('timestamp');
  });

  it('classifies PostgreSQL and MySQL type spellings', () => {
    expect(['character varying(32)', 'varchar(50)', 'char(18)', 'text', 'longtext', 'uuid'].map(typeFamily)).toEqual(
      Array(6).fill('text'),
    );
    expect(['int(11)', 'int(10) unsigned', 'bigint', 'integer', 'smallint'].map(typeFamily)).toEqual(
      Array(5).fill('integer'),
    );
    expect(['tinyint(1)', 'boolean', 'bit(1)'].map(typeFamily)).toEqual(Array(3).fill('boolean'));
    expect(typeFamily('tinyint(4)')).toBe('integer');
    expect(['timestamp without time zone', 'timestamp(6) with time zone', 'datetime'].map(typeFamily)).toEqual(
      Array(3).fill('timestamp'),
    );
    expect(['numeric(12,2)', 'decimal(10,2)'].map(typeFamily)).toEqual(['decimal', 'decimal']);
    expect(['double precision', 'float', 'real'].map(typeFamily)).toEqual(['float', 'float', 'float']);
    expect(['bytea', 'longblob'].map(typeFamily)).toEqual(['binary', 'binary']);
    expect(typeFamily('geometry')).toBe('other');
  });

  it('accepts only compatible source types for an item type', () => {
    expect(isCompatible('I', 'int(11)')).toBe(true);
    expect(isCompatible('I', 'varchar(10)')).toBe(false);
    expect(isCompatible('D', 'datetime')).toBe(true);
    expect(isCompatible('D', 'text')).toBe(false);
    expect(isCompatible('C', 'date')).toBe(true);
    expect(isCompatible('L', 'tinyint(1)')).toBe(true);
    expect(isCompatible('G', 'text')).toBe(false);
  });
});

describe('suggestColumnMapping', () => {
  it('scores name similarity between 0 and 1', () => {
    expect(similarity('holder_name', 'HolderName')).toBe(1);
    expect(similarity('license_no', 'licence_no')).toBeGreaterThan(0.6);
    expect(similarity('abc', 'xyz')).toBe(0);
  });

  it('maps by field name, then by comment against the Chinese name, then by similarity, with compatible types only', () => {
    const columns = [
      col('ID', 'int(11)'),
      col('xm', 'varchar(50)', '姓名'),
      col('sfzh', 'char(18)', '公民身份号码'),
      col('csrq', 'date', '出生日期'),
      col('licence_no', 'varchar(32)'),
      col('zt', 'varchar(2)', '状态'),
    ];
    const items = [
      item('1', '编号', 'id', 'I'),
      item('2', '姓名', 'name', 'C'),
      item('3', '公民身份号码', 'id_card_no', 'C'),
      item('4', '出生日期', 'birth_date', 'D'),
      item('5', '证照编号', 'license_no', 'C'),
      item('6', '是否有效', 'valid', 'L'),
    ];
    expect(suggestColumnMapping(columns, items).map((s) => [s.itemId, s.column, s.basis])).toEqual([
      ['1', 'ID', 'field_name'],
      ['2', 'xm', 'comment'],
      ['3', 'sfzh', 'comment'],
      ['4', 'csrq', 'comment'],
      ['5', 'licence_no', 'similar_name'],
      ['6', null, null],
    ]);
  });

  it('skips an incompatible exact name and uses each column once, best score first', () => {
    // birth_date exists but as text: a D item cannot take it.
    expect(
      suggestColumnMapping([col('birth_date', 'varchar(20)')], [item('d', '出生日期', 'birth_date', 'D')])[0],
    ).toMatchObject({ column: null, score: 0 });
    const s = suggestColumnMapping(
      [col('name', 'varchar(50)')],
      [item('a', '名称', 'name_cn', 'C'), item('b', '姓名', 'name', 'C')],
    );
    expect(s.map((x) => x.column)).toEqual([null, 'name']);
  });
});
