import type { AppContext } from '../../app-context';
import { AppError } from '../../platform/errors';
import { DATA_TYPES, type DataType } from '../../../shared/catalog/enums';
import { OPEN_LICENCE, OPEN_LICENCE_PATH } from '../../../shared/open/licence';
import { queryRecords, type ExportFormat, type ExportRecipient, type XlsxSheet } from '../exchange-delivery';
import type { Dictionary, DictionaryItem, Licence } from './open-api-schemas';
import type { PortalDataset } from './portal-schemas';
import { portalDataset, portalDownload, type OpenReader } from './portal-service';

/**
 * what goes with open data wherever it leaves the platform — the data dictionary (its open
 * items, their types and whether the public gets them masked) and the licence it is opened under.
 */

export const licence = (): Licence => ({
  id: OPEN_LICENCE.id,
  version: OPEN_LICENCE.version,
  title: OPEN_LICENCE.titleZh,
  titleEn: OPEN_LICENCE.titleEn,
  text: OPEN_LICENCE.textZh,
  textEn: OPEN_LICENCE.textEn,
  url: OPEN_LICENCE_PATH,
});

export const licenceRef = () => ({ id: OPEN_LICENCE.id, title: OPEN_LICENCE.titleZh, url: OPEN_LICENCE_PATH });

/** The public's columns as the data resource center serves them (no rows read), or null before the first load. */
async function servedColumns(ctx: AppContext, code: string) {
  try {
    return (await queryRecords(ctx, { portal: true }, code, { limit: 0 })).body.columns;
  } catch (e) {
    if (e instanceof AppError && e.status === 404) return null;
    throw e;
  }
}

/**
 * The dictionary of a dataset on the portal. `masked` is the rule the open channel really applies
 * once data is loaded (a rule may be configured on an item the catalog calls ordinary); before, the
 * catalog's sensitivity, which the confidentiality review requires a rule for.
 */
export async function dictionaryItems(ctx: AppContext, d: PortalDataset): Promise<DictionaryItem[]> {
  const columns = await servedColumns(ctx, d.code);
  const byName = new Map((columns ?? []).map((c) => [c.name, c]));
  return d.items.map((i) => {
    const c = byName.get(i.name);
    return {
      name: i.name,
      field: c?.field ?? null,
      dataType: i.dataType,
      dataTypeName: DATA_TYPES[i.dataType as DataType]?.zh ?? i.dataType,
      length: i.length,
      description: i.description,
      masked: c ? c.masked : i.masked,
    };
  });
}

export async function datasetDictionary(ctx: AppContext, code: string): Promise<Dictionary> {
  const d = await portalDataset(ctx, code);
  return { code: d.code, name: d.name, items: await dictionaryItems(ctx, d), licence: licenceRef() };
}

const DICTIONARY_HEAD = ['数据项名称', '字段名', '数据类型', '长度', '说明', '是否脱敏'];
const dictionaryRow = (i: DictionaryItem) => [
  i.name,
  i.field ?? '',
  i.dataTypeName,
  i.length ?? '',
  i.description ?? '',
  i.masked ? '是' : '否',
];

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The dictionary as CSV (UTF-8 with BOM, so Excel opens the Chinese right). */
export function dictionaryCsv(d: Dictionary): string {
  const lines = [DICTIONARY_HEAD, ...d.items.map(dictionaryRow)].map((r) => r.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The two sheets an XLSX download of open data ends with: 数据字典 and 许可协议. */
export function downloadSheets(d: Dictionary): XlsxSheet[] {
  const widths = [22, 18, 12, 8, 40, 10];
  return [
    {
      name: '数据字典',
      columns: DICTIONARY_HEAD.map((header, i) => ({ header, width: widths[i]! })),
      rows: d.items.map(dictionaryRow),
    },
    {
      name: '许可协议',
      columns: [
        { header: OPEN_LICENCE.titleZh, width: 100 },
        { header: `版本 ${OPEN_LICENCE.version}`, width: 14 },
      ],
      rows: [
        ...OPEN_LICENCE.textZh.split('\n').map((line) => [line, null]),
        [null, null],
        [`数据来源：上饶市公共数据开放平台，${d.name}（${d.code}）`, null],
        [`许可协议全文：${OPEN_LICENCE_PATH}`, null],
      ],
    },
  ];
}

/** Link header values that point a CSV or JSON Lines download at its dictionary and licence (RFC 8288). */
export function downloadLinks(code: string): string {
  const base = `/api/portal/datasets/${code}/dictionary`;
  return [
    `<${base}?format=csv>; rel="describedby"; type="text/csv"`,
    `<${base}?format=json>; rel="describedby"; type="application/json"`,
    `<${OPEN_LICENCE_PATH}>; rel="license"`,
  ].join(', ');
}

/**
 * A download of open data with its terms: an XLSX carries the dictionary and licence as sheets,
 * CSV and JSON Lines (whose formats have no room for them) link to both from the response.
 */
export async function openDownload(
  ctx: AppContext,
  code: string,
  format: ExportFormat,
  reader: OpenReader,
  recipient: ExportRecipient | null = null,
) {
  const appendix = format === 'xlsx' ? downloadSheets(await datasetDictionary(ctx, code)) : undefined;
  const d = await portalDownload(ctx, code, format, appendix, reader, recipient);
  return { ...d, links: downloadLinks(code) };
}
