import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Nullable, Obj, PageQuery, Paged, Uuid } from '../../platform/http/schemas';
import { badRequest } from '../../platform/errors';
import {
  FORMAT_KIND_CODES,
  OPEN_TYPE_CODES,
  SHARE_METHOD_CODES,
  SHARE_TYPE_CODES,
  UPDATE_CYCLE_CODES,
} from '../../../shared/catalog/enums';
import { searchTokens } from './segment';
import { escapeLike } from '../../db/like';
import { isPinyinQuery } from '../../../shared/search/pinyin';

/**
 * The unified catalog search: its request and response shapes, and the translation of the
 * user's Chinese text into a tsquery over the jieba tokens of search_doc (written per version by
 * writeSearchDoc, copied into catalog_search by the triggers of migration 0004).
 */
const OneOf = <T extends string>(codes: readonly T[]) =>
  Type.Union(codes.map((c) => Type.Literal(c))) as unknown as TSchema & { static: T };

export const MAX_QUERY_LENGTH = 100;

export const SearchQuery = Obj({
  // The 100-character limit is checked in parseSearchText so the caller gets a specific Chinese message.
  q: Type.Optional(
    Type.String({ description: `Chinese search text, at most ${MAX_QUERY_LENGTH} characters; empty = browse` }),
  ),
  departmentId: Type.Optional(Uuid),
  regionCode: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: "provider department's region" })),
  classCode: Type.Optional(
    Type.String({ pattern: '^[1-3]\\d{0,14}$', description: 'class code prefix: 1 matches 101, 101001, …' }),
  ),
  shareType: Type.Optional(OneOf(SHARE_TYPE_CODES)),
  openType: Type.Optional(OneOf(OPEN_TYPE_CODES)),
  formatKind: Type.Optional(OneOf(FORMAT_KIND_CODES)),
  shareMethod: Type.Optional(OneOf(SHARE_METHOD_CODES)),
  openDomain: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  updateCycle: Type.Optional(OneOf(UPDATE_CYCLE_CODES)),
  portal: Type.Optional(
    Type.Union([Type.Literal('share'), Type.Literal('open')], {
      description:
        'share: every published entry (the sharing portal lists open ones too); open: only entries open to the public (R-06)',
    }),
  ),
  sort: Type.Optional(
    Type.Union([Type.Literal('relevance'), Type.Literal('published_desc'), Type.Literal('name')], {
      description: 'default: relevance with q, published_desc without',
    }),
  ),
  ...PageQuery,
});
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchHit = Obj({
  entryId: Uuid,
  code: Type.String(),
  name: Type.String(),
  summary: Type.String({ description: 'shortened to about 120 characters' }),
  providerDepartmentId: Uuid,
  providerName: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  classCode: Type.String(),
  className: Type.String(),
  shareType: Type.String(),
  openType: Type.String(),
  formatKind: Type.String(),
  shareMethods: Type.Array(Type.String()),
  updateCycle: Type.String(),
  openDomains: Type.Array(Type.String()),
  publishedAt: Nullable(Type.String({ format: 'date-time' })),
  highlights: Type.Optional(
    Obj(
      {
        name: Type.Optional(Type.String()),
        items: Type.Optional(Type.Array(Type.String())),
        summary: Type.Optional(
          Type.String({ description: 'the summary around the match, when only the summary matched' }),
        ),
      },
      { description: 'HTML-escaped text in which the matched words are wrapped in <mark></mark>; no other markup' },
    ),
  ),
});
export type SearchHit = Static<typeof SearchHit>;

const FacetValues = Type.Array(Obj({ value: Type.String(), label: Type.String(), count: Type.Integer() }));
export type FacetValue = Static<typeof FacetValues>[number];

export const FACET_NAMES = [
  'department',
  'region',
  'class',
  'shareType',
  'openType',
  'formatKind',
  'shareMethod',
  'openDomain',
  'updateCycle',
] as const;
export type FacetName = (typeof FACET_NAMES)[number];

export const SearchResult = Type.Composite([
  Paged(SearchHit),
  Obj({
    facets: Obj(Object.fromEntries(FACET_NAMES.map((f) => [f, FacetValues])) as Record<FacetName, typeof FacetValues>),
    approximate: Type.Boolean({
      description: 'true for a broad search: total and facet counts are estimates from a sample (shown as 约)',
    }),
    didYouMean: Type.Optional(
      Type.Array(Type.String(), {
        description: 'when nothing matched: visible names most like the text (您是不是要找)',
      }),
    ),
  }),
]);
export type SearchResult = Static<typeof SearchResult>;
export type Facets = Record<FacetName, FacetValue[]>;

/**
 * Words that mean the same (社保 = 社会保险), from the admin-edited dictionary (search_synonym): each
 * word maps to the others of its groups. Applied when a query is parsed, so the index needs nothing.
 */
export type Synonyms = ReadonlyMap<string, readonly string[]>;

/** Single-character function words that jieba emits on their own; requiring them would match almost nothing. */
const STOP_WORDS = new Set(['的', '和', '与', '及', '或', '之', '在', '了', '是', '等', '对', '为']);

/** The search text turned into what the repository matches and ranks with. */
export interface TextMatch {
  text: string;
  /**
   * tsquery literal: every token group must match, each lexeme exactly. No prefix matching: jieba's
   * search mode already indexes the parts of compound words, a partial word in a name is found by
   * namePattern, and a prefix (`:*`) costs the GIN index a range scan and every candidate a recheck
   * (2–3× the matching time at 100k entries, bench/portal). Null when
   * the text has no letter or digit (punctuation only): then the name pattern alone decides.
   */
  tsquery: string | null;
  /** The same query restricted to name (weight A) and to name-or-items (A, B): the ranking tiers. */
  tsqueryName: string | null;
  tsqueryNameItems: string | null;
  /** ILIKE pattern on the name for strings jieba splits oddly (饶市婚 in 上饶市婚姻登记), or null when too short for the trigram index. */
  namePattern: string | null;
  /** Words to mark in highlights, longest first. */
  marks: string[];
  /** LIKE pattern on the names' pinyin (catalog/pinyin.ts) when the text is letters only (`shangrao`, `qydj`). */
  pinyinPattern: string | null;
}

const chars = (s: string) => Array.from(s).length;

/**
 * jieba tokens → lexemes as PostgreSQL's parser stores them. Only letters and digits are kept, so a
 * lexeme never needs escaping in the tsquery literal (the parser splits e-mail into e and mail too).
 */
function lexemes(text: string): string[] {
  const out = new Set<string>();
  for (const token of searchTokens(text)) {
    for (const part of token.split(/[^\p{L}\p{N}]+/u)) if (part) out.add(part);
  }
  const all = [...out];
  const meaningful = all.filter((t) => !STOP_WORDS.has(t));
  return meaningful.length ? meaningful : all;
}

/** One alternative: lexemes that must all match (a synonym jieba splits, 企业登记 → 企业 & 登记). */
type Alternative = string[];

function tsqueryOf(groups: Alternative[][], weights: string): string {
  const term = (t: string) => (weights ? `'${t}':${weights}` : `'${t}'`);
  const alternative = (a: Alternative) => (a.length > 1 ? `(${a.map(term).join(' & ')})` : term(a[0]!));
  return groups
    .map((alts) => (alts.length > 1 ? `(${alts.map(alternative).join(' | ')})` : alternative(alts[0]!)))
    .join(' & ');
}

/**
 * The lexemes a text must match: jieba's search mode emits a word with its parts (不动产 → 不动, 动产,
 * 不动产) in the query as in every indexed text, so requiring the parts adds nothing but cost (ranking
 * one term instead of three is three times cheaper). The parts still count for highlighting.
 */
function required(all: string[]): string[] {
  return all.filter((t) => !all.some((u) => u !== t && u.includes(t)));
}

/** Validates and segments q; undefined for browsing (no or blank q). */
export function parseSearchText(q: string | undefined, synonyms: Synonyms = new Map()): TextMatch | undefined {
  const text = (q ?? '').trim().replace(/\s+/g, ' ');
  if (!text) return undefined;
  if (chars(text) > MAX_QUERY_LENGTH) {
    throw badRequest(
      'SEARCH_QUERY_TOO_LONG',
      `Search text must be at most ${MAX_QUERY_LENGTH} characters`,
      `搜索内容不能超过${MAX_QUERY_LENGTH}个字`,
      {
        field: 'q',
      },
    );
  }
  const all = lexemes(text);
  const alternativesOf = (word: string): Alternative[] =>
    (synonyms.get(word) ?? []).map((w) => required(lexemes(w))).filter((a) => a.length);
  let groups: Alternative[][] = required(all).map((t) => [[t], ...alternativesOf(t)]);
  // The whole text may be a dictionary word jieba splits (营业执照 ↔ 企业登记): the text's own tokens, or a synonym's.
  const whole = alternativesOf(text.toLowerCase());
  if (whole.length && groups.length > 1) groups = [[groups.map((g) => g[0]!).flat(), ...whole]];
  const namePattern = chars(text) >= 3 || groups.length === 0 ? `%${escapeLike(text)}%` : null;
  const words = [...(synonyms.get(text.toLowerCase()) ?? []), ...all.flatMap((t) => synonyms.get(t) ?? [])];
  const marks = [...new Set([text, ...all, ...words, ...groups.flat(2)])].sort((a, b) => chars(b) - chars(a));
  return {
    text,
    tsquery: groups.length ? tsqueryOf(groups, '') : null,
    tsqueryName: groups.length ? tsqueryOf(groups, 'A') : null,
    tsqueryNameItems: groups.length ? tsqueryOf(groups, 'AB') : null,
    namePattern,
    marks,
    pinyinPattern: isPinyinQuery(text) ? `%${text.toLowerCase()}%` : null,
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text HTML-escaped with each occurrence of a mark wrapped in <mark>; undefined when nothing matches. */
export function highlight(text: string, marks: string[]): string | undefined {
  if (!marks.length) return undefined;
  const re = new RegExp(marks.map(escapeRegExp).join('|'), 'giu');
  let out = '';
  let last = 0;
  let hit = false;
  for (const m of text.matchAll(re)) {
    if (!m[0]) continue;
    hit = true;
    out += escapeHtml(text.slice(last, m.index)) + `<mark>${escapeHtml(m[0])}</mark>`;
    last = m.index + m[0].length;
  }
  return hit ? out + escapeHtml(text.slice(last)) : undefined;
}
