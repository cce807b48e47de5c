import path from 'node:path/posix';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { strFromU8, strToU8, unzipSync, zipSync, type Unzipped } from 'fflate';
import { markHex, markOfHex } from './mark';
import { markLine, type DocumentMarkLabel } from './label';

/**
 * An OFD (GB/T 33190, the national fixed-layout format: a ZIP of XML parts) carries its mark as a
 * PDF does: visibly, a line at the foot of every page (a new layer of the page's content, in a font
 * the document's public resources gain), and in the document information (a custom datum and a
 * keyword of each DocInfo in OFD.xml), which survives copying the file.
 */

const OFD_NS = 'http://www.ofdspec.org/2016';
const CUSTOM_NAME = 'GovshareDownload';
const KEYWORD = 'govshare-download:';

/** The package's parts by path; null when the file is not an OFD we can read. */
export function readOfd(file: Buffer): Unzipped | null {
  try {
    const parts = unzipSync(file);
    return parts['OFD.xml'] ? parts : null;
  } catch {
    return null;
  }
}

const parse = (parts: Unzipped, name: string): Document | null => {
  const bytes = parts[name];
  if (!bytes) return null;
  try {
    return new DOMParser().parseFromString(strFromU8(bytes), 'text/xml');
  } catch {
    return null;
  }
};
const put = (parts: Unzipped, name: string, doc: Document) => {
  parts[name] = strToU8(new XMLSerializer().serializeToString(doc));
};

/** Elements by local name, whatever prefix the producer chose. */
const all = (root: Document | Element, local: string): Element[] =>
  Array.from(root.getElementsByTagNameNS(OFD_NS, local)).filter((e): e is Element => e !== null);
const first = (root: Document | Element, local: string) => all(root, local)[0];

/** A new OFD element under `parent`, with the prefix the document uses. */
function add(doc: Document, parent: Element, local: string, text?: string): Element {
  const prefix = doc.documentElement?.prefix;
  const e = doc.createElementNS(OFD_NS, prefix ? `${prefix}:${local}` : local);
  if (text !== undefined) e.appendChild(doc.createTextNode(text));
  parent.appendChild(e);
  return e;
}

/** Where a part names another, relative to its own folder (or from the package root with a leading /). */
const resolve = (from: string, loc: string) =>
  (loc.startsWith('/') ? loc.slice(1) : path.join(path.dirname(from), loc)).replace(/^\.\//, '');

/** The package with the mark in every document's information and on every page. */
export function stampOfd(parts: Unzipped, mark: bigint, label: DocumentMarkLabel): Buffer {
  const hex = markHex(mark);
  const ofd = parse(parts, 'OFD.xml')!;
  for (const body of all(ofd, 'DocBody')) {
    const info = first(body, 'DocInfo') ?? add(ofd, body, 'DocInfo');
    add(ofd, first(info, 'Keywords') ?? add(ofd, info, 'Keywords'), 'Keyword', `${KEYWORD}${hex}`);
    add(ofd, first(info, 'CustomDatas') ?? add(ofd, info, 'CustomDatas'), 'CustomData', hex).setAttribute(
      'Name',
      CUSTOM_NAME,
    );
    const root = first(body, 'DocRoot')?.textContent?.trim();
    if (root) stampPages(parts, resolve('OFD.xml', root), markLine(label, hex));
  }
  put(parts, 'OFD.xml', ofd);
  return Buffer.from(zipSync(parts));
}

function stampPages(parts: Unzipped, documentPath: string, line: string): void {
  const doc = parse(parts, documentPath);
  const common = doc && first(doc, 'CommonData');
  if (!doc || !common) return;
  const maxUnit = first(common, 'MaxUnitID') ?? add(doc, common, 'MaxUnitID', '0');
  let nextId = Number(maxUnit.textContent ?? '0') || 0;
  const id = () => String(++nextId);
  const fontId = id();
  addFont(parts, doc, common, documentPath, fontId);
  const defaultBox = boxOf(first(common, 'PageArea'));
  for (const page of all(doc, 'Page')) {
    const loc = page.getAttribute('BaseLoc');
    if (!loc) continue;
    const contentPath = resolve(documentPath, loc);
    const content = parse(parts, contentPath);
    const pageEl = content?.documentElement;
    if (!content || !pageEl) continue;
    const [, , width = 210, height = 297] = boxOf(first(pageEl, 'Area')) ?? defaultBox ?? [];
    const layers = first(pageEl, 'Content') ?? add(content, pageEl, 'Content');
    const layer = add(content, layers, 'Layer');
    layer.setAttribute('ID', id());
    const text = add(content, layer, 'TextObject');
    text.setAttribute('ID', id());
    text.setAttribute('Boundary', `3 ${Math.max(0, height - 5)} ${Math.max(10, width - 6)} 4`);
    text.setAttribute('Font', fontId);
    text.setAttribute('Size', '2.2');
    add(content, text, 'FillColor').setAttribute('Value', '140 140 140');
    const code = add(content, text, 'TextCode', line);
    code.setAttribute('X', '0');
    code.setAttribute('Y', '3');
    put(parts, contentPath, content);
  }
  maxUnit.textContent = String(nextId);
  put(parts, documentPath, doc);
}

const boxOf = (area: Element | undefined): number[] | undefined => {
  const box = area && first(area, 'PhysicalBox')?.textContent?.trim().split(/\s+/).map(Number);
  return box?.length === 4 && box.every(Number.isFinite) ? box : undefined;
};

/** A font for the line in the document's first public resources (made when it has none). */
function addFont(parts: Unzipped, doc: Document, common: Element, documentPath: string, fontId: string) {
  let resLoc = first(common, 'PublicRes')?.textContent?.trim();
  if (!resLoc) {
    resLoc = 'PublicRes_govshare.xml';
    add(doc, common, 'PublicRes', resLoc);
  }
  const resPath = resolve(documentPath, resLoc);
  const res =
    parse(parts, resPath) ??
    new DOMParser().parseFromString(`<ofd:Res xmlns:ofd="${OFD_NS}" BaseLoc="Res"></ofd:Res>`, 'text/xml');
  const root = res.documentElement!;
  const fonts = first(root, 'Fonts') ?? add(res, root, 'Fonts');
  const font = add(res, fonts, 'Font');
  font.setAttribute('ID', fontId);
  font.setAttribute('FontName', 'SimSun');
  font.setAttribute('FamilyName', '宋体');
  put(parts, resPath, res);
}

/** The marks an OFD's document information names. */
export function ofdMarks(file: Buffer): bigint[] {
  const parts = readOfd(file);
  const ofd = parts && parse(parts, 'OFD.xml');
  if (!ofd) return [];
  const found = new Set<bigint>();
  const add = (s: string | null | undefined) => {
    const mark = s ? markOfHex(s.trim()) : null;
    if (mark !== null) found.add(mark);
  };
  for (const datum of all(ofd, 'CustomData')) if (datum.getAttribute('Name') === CUSTOM_NAME) add(datum.textContent);
  for (const keyword of all(ofd, 'Keyword')) {
    const text = keyword.textContent ?? '';
    if (text.startsWith(KEYWORD)) add(text.slice(KEYWORD.length));
  }
  return [...found];
}
