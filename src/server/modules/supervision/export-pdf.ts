import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../platform/errors';

/**
 * A PDF with Chinese text: pdf-lib with fontkit embeds a subset of WenQuanYi Micro Hei (Debian's
 * fonts-wqy-microhei), so the file carries the glyphs it uses and reads the same everywhere. Without
 * the font the export fails with a clear error rather than printing empty boxes.
 */

export const CJK_FONT_PATHS = [
  process.env.GOVSHARE_CJK_FONT,
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/wqy-microhei/wqy-microhei.ttc',
].filter((p): p is string => Boolean(p));
/** The face inside the collection (the .ttc also holds a monospaced one). */
const FACE = 'WenQuanYiMicroHei';

let fontBytes: Promise<Buffer> | undefined;

export function loadCjkFont(paths = CJK_FONT_PATHS): Promise<Buffer> {
  const found = paths.find((p) => existsSync(p));
  if (!found) {
    return Promise.reject(
      new AppError(
        503,
        'SUPERVISION_PDF_FONT_MISSING',
        `No Chinese font for the PDF: install fonts-wqy-microhei (looked in ${paths.join(', ')})`,
        '服务器缺少生成 PDF 所需的中文字体（请安装 fonts-wqy-microhei）',
      ),
    );
  }
  return (fontBytes ??= readFile(found));
}

export interface PdfTable {
  title: string;
  subtitle: string;
  columns: { label: string; width: number; align?: 'left' | 'right' }[];
  rows: string[][];
  footer: string[];
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 40;
const ROW = 18;

/** A simple paginated table: title, subtitle, a header row repeated on each page, notes at the end. */
export async function renderTablePdf(table: PdfTable): Promise<Buffer> {
  const bytes = await loadCjkFont();
  const [{ PDFDocument, rgb }, fontkit] = await Promise.all([import('pdf-lib'), import('@pdf-lib/fontkit')]);
  const doc = await PDFDocument.create();
  const fk = (fontkit as unknown as { default?: typeof fontkit }).default ?? fontkit;
  // pdf-lib asks fontkit for "the" font; a collection needs the face named.
  doc.registerFontkit({ create: (buf: Uint8Array) => fk.create(buf as Buffer, FACE) } as never);
  const font = await doc.embedFont(bytes, { subset: true });
  doc.setTitle(table.title);
  doc.setCreator('govshare');

  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const text = (s: string, x: number, size: number, color = rgb(0, 0, 0)) =>
    page.drawText(s, { x, y, size, font, color });
  const fit = (s: string, width: number, size: number) => {
    let out = s;
    while (out.length > 1 && font.widthOfTextAtSize(out, size) > width - 4) out = out.slice(0, -1);
    return out === s ? s : `${out.slice(0, -1)}…`;
  };
  const header = () => {
    let x = MARGIN;
    for (const c of table.columns) {
      text(fit(c.label, c.width, 10), x, 10, rgb(0.25, 0.25, 0.25));
      x += c.width;
    }
    y -= 6;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: A4[0] - MARGIN, y }, thickness: 0.5 });
    y -= ROW - 4;
  };

  text(table.title, MARGIN, 16);
  y -= 22;
  text(table.subtitle, MARGIN, 10, rgb(0.35, 0.35, 0.35));
  y -= 26;
  header();
  for (const row of table.rows) {
    if (y < MARGIN + ROW) {
      page = doc.addPage(A4);
      y = A4[1] - MARGIN;
      header();
    }
    let x = MARGIN;
    row.forEach((cell, i) => {
      const c = table.columns[i]!;
      const s = fit(cell, c.width, 10);
      const dx = c.align === 'right' ? c.width - 8 - font.widthOfTextAtSize(s, 10) : 0;
      text(s, x + dx, 10);
      x += c.width;
    });
    y -= ROW;
  }
  y -= 10;
  for (const line of table.footer) {
    if (y < MARGIN) {
      page = doc.addPage(A4);
      y = A4[1] - MARGIN;
    }
    text(line, MARGIN, 9, rgb(0.35, 0.35, 0.35));
    y -= 14;
  }
  return Buffer.from(await doc.save());
}
