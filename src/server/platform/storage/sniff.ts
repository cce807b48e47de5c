import { TextDecoder } from 'node:util';

/**
 * R-22 type check: what an uploaded file is (a resource file, an attachment), read from its first bytes, never from its name or the
 * browser's claim. Anything outside the allow-list (executables, HTML, scripts …) is refused.
 */

/** How many leading bytes decide the type. */
export const HEAD_BYTES = 4096;

export class UnsupportedTypeError extends Error {
  constructor(readonly reason: 'type' | 'encoding') {
    super(reason === 'type' ? 'File type not allowed' : 'Text files must be UTF-8');
    this.name = 'UnsupportedTypeError';
  }
}

const startsWith = (head: Buffer, bytes: readonly number[]) =>
  head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
const extOf = (name: string) => name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';

const ZIP_KINDS: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  // GB/T 33190 OFD is a ZIP package.
  ofd: 'application/ofd',
};

/** Markup a browser would run; XML is accepted, HTML and SVG are not. */
const ACTIVE_MARKUP = /^<(!doctype\s+html|html|head|body|script|iframe|svg|!--)/i;

/** C0 controls other than tab, LF, FF and CR never occur in CSV or plain text. */
// eslint-disable-next-line no-control-regex
const BINARY_CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

function textKind(text: string, ext: string): string | null {
  if (BINARY_CONTROL.test(text)) return null;
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<')) {
    if (ACTIVE_MARKUP.test(start)) return null;
    return start.startsWith('<?xml') || ext === 'xml' ? 'application/xml' : null;
  }
  if (ext === 'csv') return 'text/csv';
  if (ext !== 'txt' && (start.startsWith('{') || start.startsWith('['))) return 'application/json';
  return 'text/plain';
}

/** The family an allow-listed extension promises; content of another family under it is refused. */
const FAMILY: Record<string, string> = {
  pdf: 'pdf',
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  xlsx: 'zip',
  docx: 'zip',
  ofd: 'zip',
  zip: 'zip',
  csv: 'text',
  txt: 'text',
  json: 'text',
  xml: 'text',
};

function familyOf(mime: string): string {
  if (mime === 'application/pdf') return 'pdf';
  if (mime === 'image/png') return 'png';
  if (mime === 'image/jpeg') return 'jpeg';
  return isText(mime) ? 'text' : 'zip';
}

/**
 * The MIME type of a file from its head (complete = the whole file fits in it), or null when it is
 * not on the allow-list. For text the head must decode as UTF-8; the rest is checked by textCheck.
 */
export function sniffType(head: Buffer, fileName: string, complete: boolean): string | null {
  const ext = extOf(fileName);
  const mime = contentType(head, ext, complete);
  const promised = FAMILY[ext];
  return mime && (!promised || promised === familyOf(mime)) ? mime : null;
}

function contentType(head: Buffer, ext: string, complete: boolean): string | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]))
    return ZIP_KINDS[ext] ?? 'application/zip';
  if (!head.length) return null;
  let text: string;
  try {
    // stream: a multi-byte character cut at the end of the head is not an error (yet).
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
  } catch {
    // Control bytes mean binary (an executable, say); without them it is text in another encoding (GBK …).
    throw new UnsupportedTypeError(BINARY_CONTROL.test(head.toString('latin1')) ? 'type' : 'encoding');
  }
  return textKind(text, ext);
}

export const isText = (mime: string) =>
  mime.startsWith('text/') || mime === 'application/json' || mime === 'application/xml';

/**
 * Passes the upload through while deciding its type from the head; text files are decoded to the
 * end so a binary tail behind a text head is refused too. Throws UnsupportedTypeError.
 */
export async function* sniffedStream(
  source: AsyncIterable<Buffer>,
  fileName: string,
  found: { mime?: string },
): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let headLength = 0;
  const text = { decoder: null as TextDecoder | null };
  const check = (chunk: Buffer) => {
    if (!text.decoder) return;
    let decoded: string;
    try {
      decoded = text.decoder.decode(chunk, { stream: true });
    } catch {
      throw new UnsupportedTypeError('encoding');
    }
    if (BINARY_CONTROL.test(decoded)) throw new UnsupportedTypeError('type');
  };
  const decide = (complete: boolean) => {
    const all = Buffer.concat(head);
    const mime = sniffType(all, fileName, complete);
    if (!mime) throw new UnsupportedTypeError('type');
    found.mime = mime;
    if (isText(mime)) {
      text.decoder = new TextDecoder('utf-8', { fatal: true });
      check(all);
    }
    return all;
  };
  for await (const chunk of source) {
    if (found.mime) {
      check(chunk);
      yield chunk;
      continue;
    }
    head.push(chunk);
    headLength += chunk.length;
    if (headLength >= HEAD_BYTES) yield decide(false);
  }
  if (!found.mime) yield decide(true);
  if (text.decoder) {
    try {
      text.decoder.decode();
    } catch {
      throw new UnsupportedTypeError('encoding');
    }
  }
}
