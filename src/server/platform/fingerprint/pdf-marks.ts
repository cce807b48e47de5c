import { PDFDict, PDFDocument, PDFName, PDFString, StandardFonts, rgb } from 'pdf-lib';
import { markHex, markOfHex } from './mark';

/**
 * A PDF carries its mark twice: visibly, a line at the foot of every page naming the download (a
 * photographed or printed page still names it), and in the document information (keywords and an
 * entry of its own), which survives copying the file. The visible line is in a standard font, which
 * has no Chinese: it names the department by its 统一社会信用代码 and the user by account name.
 */

const KEYWORD = 'govshare-download:';
const INFO_KEY = PDFName.of('GovshareDownload');

/** The document information dictionary (pdf-lib keeps its own accessor private). */
const infoOf = (doc: PDFDocument) => doc.context.lookupMaybe(doc.context.trailerInfo.Info, PDFDict);

export interface PdfMarkLabel {
  /** The department's 统一社会信用代码 or id, the grant's number, the user's account name: ASCII. */
  department: string | null;
  grantNo: string | null;
  username: string | null;
  at: Date;
}

/** Shanghai wall-clock time, as the page's reader reads it. */
const beijing = (at: Date) =>
  `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} UTC+8`;

/** Drops what the standard fonts cannot draw (they encode WinAnsi only). */
const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');

/** The file as a PDF to mark, or null when it cannot be read as one (it is then delivered as stored). */
export async function readPdf(file: Buffer): Promise<PDFDocument | null> {
  try {
    const doc = await PDFDocument.load(file, { updateMetadata: false });
    // pdf-lib reads leniently: a file with no page tree loads, then fails on its first page.
    return doc.getPageCount() > 0 ? doc : null;
  } catch {
    return null;
  }
}

/** The PDF with the mark on every page and in its document information. */
export async function stampPdf(doc: PDFDocument, mark: bigint, label: PdfMarkLabel): Promise<Buffer> {
  const hex = markHex(mark);
  const keywords = doc.getKeywords();
  doc.setKeywords([...(keywords ? [keywords] : []), `${KEYWORD}${hex}`]);
  // setKeywords has made the dictionary when the file had none.
  infoOf(doc)?.set(INFO_KEY, PDFString.of(hex));
  const line = ascii(
    [
      'govshare download',
      label.grantNo && `grant ${label.grantNo}`,
      label.department && `dept ${label.department}`,
      label.username && `user ${label.username}`,
      beijing(label.at),
      `mark ${hex}`,
    ]
      .filter(Boolean)
      .join(' | '),
  );
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const page of doc.getPages()) {
    const { x, y } = page.getCropBox();
    page.drawText(line, { x: x + 12, y: y + 8, size: 6, font, color: rgb(0.55, 0.55, 0.55) });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** The marks a PDF's document information names. */
export async function pdfMarks(file: Buffer): Promise<bigint[]> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(file, { updateMetadata: false, ignoreEncryption: true });
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
  const own = infoOf(doc)?.lookup(INFO_KEY);
  if (own instanceof PDFString) add(own.decodeText());
  return [...found];
}
