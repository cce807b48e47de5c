import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import { rowBit, voteOf, type Vote } from './mark';

/**
 * CSV's channel: whether a row's carrier field is quoted. The carrier is the row's first field that
 * is not empty and needs no quotes, so quoting it changes nothing any CSV reader (Excel, WPS,
 * csv-parse, PostgreSQL's COPY) takes from it. Empty fields are never carriers: a quoted empty field
 * is an empty string to COPY, an unquoted one is NULL.
 */

export interface CsvField {
  /** Where the field's text is in its record, quotes included. */
  start: number;
  end: number;
  quoted: boolean;
  value: string;
}

/** One record's fields (RFC 4180; a stray quote inside an unquoted field is taken as text). */
export function fieldsOf(record: string): CsvField[] {
  const fields: CsvField[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    if (record[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = record.indexOf('"', j);
        if (q < 0) {
          value += record.slice(j);
          j = record.length;
          break;
        }
        value += record.slice(j, q);
        if (record[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      // Text after the closing quote (malformed) belongs to the field.
      const comma = record.indexOf(',', j);
      const end = comma < 0 ? record.length : comma;
      value += record.slice(j, end);
      fields.push({ start, end, quoted: true, value });
      if (comma < 0) return fields;
      i = comma + 1;
    } else {
      const comma = record.indexOf(',', i);
      const end = comma < 0 ? record.length : comma;
      fields.push({ start, end, quoted: false, value: record.slice(i, end) });
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

/** The values a reader takes from a record, one string, as the row's keyed-hash input. */
const canonicalOf = (fields: CsvField[]) => fields.map((f) => f.value).join('\u001f');

const carrierOf = (fields: CsvField[]) => fields.find((f) => f.value !== '' && !/[",\r\n]/.test(f.value));

/** The record with its carrier quoted or not, as its bit says; unchanged when it has none. */
export function markCsvRecord(key: Buffer, mark: bigint, record: string): string {
  const fields = fieldsOf(record);
  const carrier = carrierOf(fields);
  if (!carrier) return record;
  const quoted = rowBit(key, mark, canonicalOf(fields)) === 1;
  if (quoted === carrier.quoted) return record;
  const text = quoted ? `"${carrier.value}"` : carrier.value;
  return record.slice(0, carrier.start) + text + record.slice(carrier.end);
}

/**
 * Splits CSV text into records at line breaks outside quotes, across chunk boundaries. `onRecord`
 * gets each record without its line break; what it returns is written instead.
 */
class RecordSplitter {
  #buf = '';
  #pos = 0;
  #inQuotes = false;

  constructor(private readonly onRecord: (record: string) => string) {}

  /** The complete records of what has come so far, each followed by its line break. */
  push(text: string): string {
    this.#buf += text;
    let out = '';
    let start = 0;
    const buf = this.#buf;
    for (let i = this.#pos; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c === 34) this.#inQuotes = !this.#inQuotes;
      else if (c === 10 && !this.#inQuotes) {
        const cr = i > start && buf.charCodeAt(i - 1) === 13;
        out += `${this.onRecord(buf.slice(start, cr ? i - 1 : i))}${cr ? '\r\n' : '\n'}`;
        start = i + 1;
      }
    }
    this.#buf = buf.slice(start);
    this.#pos = this.#buf.length;
    return out;
  }

  /** The last record, when the text does not end with a line break. */
  end(): string {
    const rest = this.#buf;
    this.#buf = '';
    return rest ? this.onRecord(rest) : '';
  }
}

/**
 * A CSV stream with each data record's bit set; a leading BOM passes through (it is not part of the
 * first field). The header record stays as written: it is the same in every export of the resource,
 * and people (and their scripts) compare it as text. Tracing counts it as one vote at random.
 */
export function csvMarker(key: Buffer, mark: bigint): Transform {
  const decoder = new StringDecoder('utf8');
  let header = true;
  const split = new RecordSplitter((r) => {
    if (!header) return markCsvRecord(key, mark, r);
    header = false;
    return r;
  });
  let first = true;
  const take = (text: string) => {
    if (first && text) {
      first = false;
      if (text.startsWith('\uFEFF')) return `\uFEFF${split.push(text.slice(1))}`;
    }
    return split.push(text);
  };
  return new Transform({
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      done(null, take(decoder.write(chunk)));
    },
    flush(done) {
      done(null, take(decoder.end()) + split.end());
    },
  });
}

/** What each record of a CSV text says about the mark. */
export function csvVotes(key: Buffer, text: string): Vote[] {
  const votes: Vote[] = [];
  const split = new RecordSplitter((r) => {
    const fields = fieldsOf(r);
    const carrier = carrierOf(fields);
    if (carrier) votes.push(voteOf(key, canonicalOf(fields), carrier.quoted ? 1 : 0));
    return '';
  });
  split.push(text.replace(/^\uFEFF/, ''));
  split.end();
  return votes;
}
