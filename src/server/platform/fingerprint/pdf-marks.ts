import type { PDFDocument } from 'pdf-lib';
import { markHex, markOfHex } from './mark';
import { markLine, type DocumentMarkLabel } from './label';

/**
 * A PDF carries its mark twice: visibly, a line at the foot of every page naming the download (a
 * photographed or printed page still names it), and in the document information (keywords and an
 * entry of its own), which survives copying the file. The visible line is in a standard font, which
 * has no Chinese: it names the department by its 统一社会信用代码 and the user by account name.
 */

const KEYWORD = 'govshare-download:';
const INFO_KEY = 'GovshareDownload';

/** pdf-lib, loaded on first use: a server that delivers no PDF need not carry it (bench/memory). */
type PdfLib = typeof import('pdf-lib');
let loaded: Promise<PdfLib> | undefined;
const pdfLib = () => (loaded ??= import('pdf-lib'));

/** The document information dictionary (pdf-lib keeps its own accessor private). */
const infoOf = (lib: PdfLib, doc: PDFDocument) => doc.context.lookupMaybe(doc.context.trailerInfo.Info, lib.PDFDict);

/** Drops what the standard fonts cannot draw (they encode WinAnsi only). */
const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');

/** The file as a PDF to mark, or null when it cannot be read as one (it is then delivered as stored). */
export async function readPdf(file: Buffer): Promise<PDFDocument | null> {
  try {
    const doc = await (await pdfLib()).PDFDocument.load(file, { updateMetadata: false });
    // pdf-lib reads leniently: a file with no page tree loads, then fails on its first page.
    return doc.getPageCount() > 0 ? doc : null;
  } catch {
    return null;
  }
}

/** The PDF with the mark on every page and in its document information. */
export async function stampPdf(doc: PDFDocument, mark: bigint, label: DocumentMarkLabel): Promise<Buffer> {
  const lib = await pdfLib();
  const hex = markHex(mark);
  const keywords = doc.getKeywords();
  doc.setKeywords([...(keywords ? [keywords] : []), `${KEYWORD}${hex}`]);
  // setKeywords has made the dictionary when the file had none.
  infoOf(lib, doc)?.set(lib.PDFName.of(INFO_KEY), lib.PDFString.of(hex));
  const line = ascii(markLine(label, hex));
  const font = await doc.embedFont(lib.StandardFonts.Helvetica);
  for (const page of doc.getPages()) {
    const { x, y } = page.getCropBox();
    page.drawText(line, { x: x + 12, y: y + 8, size: 6, font, color: lib.rgb(0.55, 0.55, 0.55) });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** The marks a PDF's document information names. */
export async function pdfMarks(file: Buffer): Promise<bigint[]> {
  const lib = await pdfLib();
  let doc: PDFDocument;
  try {
    doc = await lib.PDFDocument.load(file, { updateMetadata: false, ignoreEncryption: true });
  } catch {
    return [];
  }
  const found = new Set<bigint>();
  const add = (s: string | undefined) => {
    for (const m of (s ?? '').matchAll(/[0-9a-f]{16}/gi)) {
      const mark = markOfHex(m[0]);
      if (mark !== null) found.add(mark);
    }
  };
  const keywords = doc.getKeywords() ?? '';
  if (keywords.includes(KEYWORD)) add(keywords.slice(keywords.indexOf(KEYWORD)));
  const own = infoOf(lib, doc)?.lookup(lib.PDFName.of(INFO_KEY));
  if (own instanceof lib.PDFString) add(own.decodeText());
  return [...found];
}
