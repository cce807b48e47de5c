import { CkanError } from './ckan-params';

/**
 * The Solr query syntax CKAN clients send in `fq` (and in `q` when it names fields), as far as
 * harvesters use it: `field:value`, `field:"quoted value"`, ranges `field:[a TO b]` (`*` open),
 * `field:(a OR b)`, negation (`-field:x`, `NOT`), `+`, `AND`/`OR` and parentheses; clauses side by
 * side must all hold (ckanext-harvest joins its terms with spaces: `-organization:a metadata_modified:[… TO *]`).
 */
export type Clause =
  | { kind: 'all' }
  | { kind: 'term'; field: string; value: string }
  | { kind: 'range'; field: string; from: string | null; to: string | null; fromIncl: boolean; toIncl: boolean }
  | { kind: 'not'; of: Clause }
  | { kind: 'and'; of: Clause[] }
  | { kind: 'or'; of: Clause[] };

/** A query CKAN's Solr would refuse: 409 with CKAN's `Search Query Error`. */
export class SearchQueryError extends CkanError {
  constructor(detail: string) {
    super(409, 'Search Query Error', `Search Query is invalid: ${detail}`);
  }
}

type Token = { t: 'word' | 'quoted' | '(' | ')' | '[' | ']' | '{' | '}' | ':' | '-' | '+'; v: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        v += s[i++];
      }
      if (i >= s.length) throw new SearchQueryError('unterminated quote');
      i++;
      out.push({ t: 'quoted', v });
    } else if ('()[]{}:'.includes(c)) {
      out.push({ t: c as Token['t'], v: c });
      i++;
    } else if ((c === '-' || c === '+') && (i === 0 || /[\s(]/.test(s[i - 1]!))) {
      // A sign before a clause; inside a word (2026-12-05) it is part of the word.
      out.push({ t: c, v: c });
      i++;
    } else {
      let v = '';
      // A word ends at space, bracket or a field's colon; a colon inside a time (T10:00:00Z) is kept
      // by joining such words back in the range reader.
      while (i < s.length && !/\s/.test(s[i]!) && !'()[]{}":'.includes(s[i]!)) {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        v += s[i++];
      }
      out.push({ t: 'word', v });
    }
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly ts: Token[]) {}

  parse(): Clause {
    const c = this.or();
    if (this.i < this.ts.length) throw new SearchQueryError(`unexpected "${this.ts[this.i]!.v}"`);
    return c;
  }

  private peek(): Token | undefined {
    return this.ts[this.i];
  }
  private isWord(v: string): boolean {
    const p = this.peek();
    return p?.t === 'word' && p.v === v;
  }

  private or(): Clause {
    const of = [this.and()];
    while (this.isWord('OR') || this.isWord('||')) {
      this.i++;
      of.push(this.and());
    }
    return of.length === 1 ? of[0]! : { kind: 'or', of };
  }

  private and(): Clause {
    const of = [this.unary()];
    for (;;) {
      const p = this.peek();
      if (!p || p.t === ')' || this.isWord('OR') || this.isWord('||')) break;
      if (this.isWord('AND') || this.isWord('&&')) this.i++;
      of.push(this.unary());
    }
    return of.length === 1 ? of[0]! : { kind: 'and', of };
  }

  private unary(): Clause {
    const p = this.peek();
    if (!p) throw new SearchQueryError('a clause is missing');
    if (p.t === '-' || (p.t === 'word' && p.v === 'NOT')) {
      this.i++;
      return { kind: 'not', of: this.unary() };
    }
    if (p.t === '+') {
      this.i++;
      return this.unary();
    }
    if (p.t === '(') {
      this.i++;
      const c = this.or();
      this.expect(')');
      return c;
    }
    return this.term();
  }

  private expect(t: Token['t']): Token {
    const p = this.peek();
    if (p?.t !== t) throw new SearchQueryError(`"${t}" expected${p ? ` before "${p.v}"` : ' at the end'}`);
    this.i++;
    return p;
  }

  private term(): Clause {
    const f = this.peek();
    if (f?.t !== 'word' && f?.t !== 'quoted') throw new SearchQueryError(`unexpected "${f?.v}"`);
    this.i++;
    // *:* is every document; a bare word without a field searches text (the caller decides).
    if (f.v === '*' && this.peek()?.t === ':' && this.ts[this.i + 1]?.v === '*') {
      this.i += 2;
      return { kind: 'all' };
    }
    if (this.peek()?.t !== ':') return { kind: 'term', field: 'text', value: f.v };
    this.i++;
    const field = f.v;
    const v = this.peek();
    if (v?.t === '[' || v?.t === '{') return this.range(field);
    if (v?.t === '(') {
      // field:(a OR b c): the field applies to each value.
      this.i++;
      const values: Clause[] = [];
      let op: 'or' | 'and' | undefined;
      while (this.peek() && this.peek()!.t !== ')') {
        if (this.isWord('OR') || this.isWord('AND')) {
          op = this.peek()!.v === 'OR' ? 'or' : 'and';
          this.i++;
          continue;
        }
        values.push({ kind: 'term', field, value: this.value() });
      }
      this.expect(')');
      if (!values.length) throw new SearchQueryError(`no value for ${field}`);
      return values.length === 1 ? values[0]! : { kind: op ?? 'or', of: values };
    }
    return { kind: 'term', field, value: this.value() };
  }

  /** A value: a quoted string, or words joined by colons (a time such as 2026-12-05T10:00:00Z). */
  private value(): string {
    const p = this.peek();
    if (p?.t === 'quoted') {
      this.i++;
      return p.v;
    }
    if (p?.t !== 'word') throw new SearchQueryError(`a value is missing${p ? ` before "${p.v}"` : ''}`);
    this.i++;
    let v = p.v;
    while (this.peek()?.t === ':' && this.ts[this.i + 1]?.t === 'word' && /^\d/.test(this.ts[this.i + 1]!.v)) {
      v += `:${this.ts[this.i + 1]!.v}`;
      this.i += 2;
    }
    return v;
  }

  private range(field: string): Clause {
    const open = this.peek()!;
    this.i++;
    const from = this.value();
    if (!this.isWord('TO')) throw new SearchQueryError(`TO expected in the range of ${field}`);
    this.i++;
    const to = this.value();
    const close = this.peek();
    if (close?.t !== ']' && close?.t !== '}') throw new SearchQueryError(`the range of ${field} is not closed`);
    this.i++;
    return {
      kind: 'range',
      field,
      from: from === '*' ? null : from,
      to: to === '*' ? null : to,
      fromIncl: open.t === '[',
      toIncl: close.t === ']',
    };
  }
}

/** The free words of a query (terms without a field), each once. */
export function freeWords(c: Clause): string[] {
  switch (c.kind) {
    case 'term':
      return c.field === 'text' ? [c.value] : [];
    case 'not':
      return freeWords(c.of);
    case 'and':
    case 'or':
      return [...new Set(c.of.flatMap(freeWords))];
    case 'all':
    case 'range':
      return [];
  }
}

/** One query's clauses; an empty string is every document. */
export function parseSolr(s: string): Clause {
  const ts = tokenize(s);
  return ts.length ? new Parser(ts).parse() : { kind: 'all' };
}

/**
 * A Solr date as an instant: ISO 8601 (a time without zone is UTC, as Solr has it), NOW, or NOW with
 * whole units added or taken (NOW-1DAY, NOW-12HOURS); /DAY rounding is ignored.
 */
export function solrDate(v: string, now: Date): Date {
  const m = /^NOW(?:([+-])(\d+)(YEARS?|MONTHS?|DAYS?|HOURS?|MINUTES?|SECONDS?))?(?:\/\w+)?$/.exec(v);
  if (m) {
    const d = new Date(now);
    if (m[1]) {
      const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
      const unit = m[3]!.replace(/S$/, '');
      if (unit === 'YEAR') d.setUTCFullYear(d.getUTCFullYear() + n);
      else if (unit === 'MONTH') d.setUTCMonth(d.getUTCMonth() + n);
      else d.setTime(d.getTime() + n * { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1_000 }[unit]!);
    }
    return d;
  }
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(v) || !v.includes('T') ? v : `${v}Z`;
  const d = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new SearchQueryError(`"${v}" is not a date`);
  return d;
}
