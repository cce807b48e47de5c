/**
 * Projects an upstream JSON response onto what a grant covers: only the values at granted mappings'
 * paths survive, each masked by its rule; every other field is dropped, because a field nobody
 * mapped is a field nobody granted.
 *
 * Shape of the output: a copy of the document's structure along the mapped paths.
 * - Objects keep only keys on the way to a matched value; an object in which nothing matched is
 *   left out, so a missing path or a type mismatch simply leaves nothing behind.
 * - An array traversed by `[*]` keeps every element, in order, so row counts stay aligned with the
 *   upstream: an element in which nothing matched becomes `{}` (object), `[]` (array) or null.
 * - `[N]` keeps only element N: `$.a[2]` gives `a: [a[2]]` (several indexes give their elements in
 *   index order) rather than an array with holes. Under `[*]` of the same array, `[N]` only adds
 *   to what element N keeps.
 * - A mapped value is copied whole, objects included; a masked one becomes the masked text of
 *   `maskText(value)`, objects and arrays too (a string, rather than leaking their parts); null stays null.
 * - Overlapping mappings: at one path, a masked mapping wins over an unmasked one and several masks
 *   are applied in turn, so what either hides stays hidden; below an unmasked mapped value, deeper
 *   masked mappings still mask their part of it; below a masked one, deeper mappings add nothing.
 * - A document in which nothing matched gives `{}`, `[]` or null, by its type.
 */
import { maskText } from '../../platform/masking';

export interface FieldMapping {
  path: string;
  field: string;
}

export interface ProjectedField {
  path: string;
  field: string;
  mask: ((text: string) => string) | null;
}

export interface Projection {
  value: unknown;
  rows: number;
}

type Mask = (text: string) => string;
type Segment = { kind: 'key'; name: string } | { kind: 'all' } | { kind: 'index'; index: number };
type Step = { segment: Segment; end: number } | string;

const NAME = /[A-Za-z_$\u4e00-\u9fff][\w$\u4e00-\u9fff-]*/y;
const DIGITS = /\d+/y;

/** Parses a JSONPath of the subset below; returns an error message (English) or null. Used to validate a provider's mapping on save. */
export function jsonPathProblem(path: string): string | null {
  const parsed = parseJsonPath(path);
  return typeof parsed === 'string' ? parsed : null;
}

/** `$`, then `.name`, `['name']` (escapes `\'` and `\\`), `[*]` or `[N]`; the message on failure. */
function parseJsonPath(path: string): Segment[] | string {
  if (path[0] !== '$') return `A path starts with "$" (the whole document), as in "$.data[*].name"`;
  const segments: Segment[] = [];
  for (let i = 1; i < path.length;) {
    const step = path[i] === '.' ? dotStep(path, i) : bracketStep(path, i);
    if (typeof step === 'string') return step;
    segments.push(step.segment);
    i = step.end;
  }
  return segments;
}

function dotStep(path: string, i: number): Step {
  const next = path[i + 1];
  if (next === '.') return `Recursive descent ("..") is not supported (position ${i})`;
  if (next === '*') return `".*" is not supported; use "[*]" for the elements of an array (position ${i})`;
  NAME.lastIndex = i + 1;
  const m = NAME.exec(path);
  if (!m) return `Expected a name after "." at position ${i}; write other keys as ['key']`;
  return { segment: { kind: 'key', name: m[0] }, end: i + 1 + m[0].length };
}

function bracketStep(path: string, i: number): Step {
  if (path[i] !== '[') return `Expected "." or "[" at position ${i}`;
  const next = path[i + 1];
  if (next === undefined) return `Unclosed "[" at position ${i}`;
  if (next === '*') return closed(path, i + 2, { kind: 'all' });
  if (next === "'") return quotedStep(path, i);
  if (next === '?') return `Filter expressions ("[?(...)]") are not supported (position ${i})`;
  if (next === '-') return `Negative indexes are not supported (position ${i})`;
  DIGITS.lastIndex = i + 1;
  const m = DIGITS.exec(path);
  if (!m) return `Expected "*", an index or a quoted name after "[" at position ${i}`;
  const index = Number(m[0]);
  if (!Number.isSafeInteger(index)) return `Index too large at position ${i}`;
  return closed(path, i + 1 + m[0].length, { kind: 'index', index });
}

function quotedStep(path: string, open: number): Step {
  let name = '';
  for (let i = open + 2; i < path.length; i++) {
    const c = path[i]!;
    if (c === "'") return closed(path, i + 1, { kind: 'key', name });
    if (c !== '\\') name += c;
    else if (path[i + 1] === "'" || path[i + 1] === '\\') name += path[++i];
    else return `Unsupported escape at position ${i}; only \\' and \\\\ are allowed`;
  }
  return `Unterminated quoted name starting at position ${open + 1}`;
}

function closed(path: string, at: number, segment: Segment): Step {
  return path[at] === ']' ? { segment, end: at + 1 } : `Expected "]" at position ${at}`;
}

/** One step of the merged paths; `slots` are the mapped paths ending here, counted for `rows`. */
interface PathNode {
  slots: number[];
  masks: Mask[];
  keys: Map<string, PathNode>;
  all: PathNode | null;
  indexes: Map<number, PathNode>;
  // Set by `finalize`:
  mask: Mask | null;
  keyList: [string, PathNode][];
  indexList: [number, PathNode][];
  leaf: boolean;
}

function pathNode(): PathNode {
  return {
    slots: [],
    masks: [],
    keys: new Map(),
    all: null,
    indexes: new Map(),
    mask: null,
    keyList: [],
    indexList: [],
    leaf: true,
  };
}

function child(node: PathNode, s: Segment): PathNode {
  if (s.kind === 'all') return (node.all ??= pathNode());
  const map: Map<string | number, PathNode> = s.kind === 'key' ? node.keys : node.indexes;
  const key = s.kind === 'key' ? s.name : s.index;
  let next = map.get(key);
  if (!next) map.set(key, (next = pathNode()));
  return next;
}

/** A new node mapping everything `a` and `b` map (either may be null). */
function merge(a: PathNode | null, b: PathNode | null): PathNode {
  const out = pathNode();
  for (const n of [a, b]) {
    if (!n) continue;
    out.slots.push(...n.slots);
    for (const m of n.masks) addMask(out, m);
    for (const [k, c] of n.keys) out.keys.set(k, merge(out.keys.get(k) ?? null, c));
    for (const [i, c] of n.indexes) out.indexes.set(i, merge(out.indexes.get(i) ?? null, c));
    if (n.all) out.all = merge(out.all, n.all);
  }
  return out;
}

/** The same rule reached twice (`[*]` and `[N]`, or two fields) is applied once: not every rule is idempotent. */
function addMask(node: PathNode, mask: Mask): void {
  if (!node.masks.includes(mask)) node.masks.push(mask);
}

function finalize(node: PathNode): void {
  // Element N of an array also read by [*] gets both subtrees, so the walk picks one node per element.
  if (node.all) for (const [i, c] of node.indexes) node.indexes.set(i, merge(node.all, c));
  const masks = node.masks;
  node.mask = masks.length === 0 ? null : masks.length === 1 ? masks[0]! : (t) => masks.reduce((s, m) => m(s), t);
  node.keyList = [...node.keys];
  node.indexList = [...node.indexes].sort((x, y) => x[0] - y[0]);
  node.leaf = node.keyList.length === 0 && node.indexList.length === 0 && !node.all;
  for (const [, c] of node.keyList) finalize(c);
  for (const [, c] of node.indexList) finalize(c);
  if (node.all) finalize(node.all);
}

function compileTree(fields: readonly ProjectedField[]): { root: PathNode; slots: number } {
  const root = pathNode();
  let slots = 0;
  for (const f of fields) {
    const parsed = parseJsonPath(f.path);
    if (typeof parsed === 'string') throw new Error(`Invalid JSONPath "${f.path}" for field ${f.field}: ${parsed}`);
    const end = parsed.reduce(child, root);
    end.slots.push(slots++);
    if (f.mask) addMask(end, f.mask);
  }
  finalize(root);
  return { root, slots };
}

/** Compiles once per (operation, grant); the returned function is applied per response. */
export function compileJsonProjection(fields: readonly ProjectedField[]): (doc: unknown) => Projection {
  const { root, slots } = compileTree(fields);
  return (doc) => {
    const counts = new Array<number>(slots).fill(0);
    const out = walk(root, doc, counts, false);
    return { value: out === ABSENT ? emptyLike(doc) : out, rows: Math.max(0, ...counts) };
  };
}

/** Nothing matched here; null cannot say so, being a value the upstream may send. */
const ABSENT: unique symbol = Symbol('absent');

/** `whole`: an unmasked mapped value encloses `v`, so everything is kept and only deeper masks apply. */
function walk(node: PathNode, v: unknown, counts: number[], whole: boolean): unknown {
  if (node.slots.length > 0) {
    for (const s of node.slots) counts[s]!++;
    if (node.mask) return v === null || v === undefined ? null : node.mask(maskText(v));
    whole = true;
  }
  if (whole && node.leaf) return v;
  if (Array.isArray(v)) return walkArray(node, v, counts, whole);
  if (v !== null && typeof v === 'object') return walkObject(node, v as Record<string, unknown>, counts, whole);
  return whole ? v : ABSENT;
}

function walkObject(node: PathNode, obj: Record<string, unknown>, counts: number[], whole: boolean): unknown {
  let out: Record<string, unknown> | null = null;
  if (whole) {
    out = {};
    for (const k of Object.keys(obj)) put(out, k, obj[k]);
  }
  for (const [k, c] of node.keyList) {
    // Own keys only: "constructor" or "__proto__" must not reach Object.prototype.
    if (!Object.hasOwn(obj, k)) continue;
    const r = walk(c, obj[k], counts, whole);
    if (r === ABSENT) continue;
    out ??= {};
    put(out, k, r);
  }
  return out ?? ABSENT;
}

function walkArray(node: PathNode, arr: readonly unknown[], counts: number[], whole: boolean): unknown {
  const { all, indexes } = node;
  if (all || whole) {
    const out = new Array<unknown>(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const c = (indexes.size > 0 ? indexes.get(i) : undefined) ?? all;
      const r = c ? walk(c, arr[i], counts, whole) : arr[i];
      out[i] = r === ABSENT ? emptyLike(arr[i]) : r;
    }
    return out;
  }
  const out: unknown[] = [];
  for (const [i, c] of node.indexList) {
    if (i >= arr.length) continue;
    const r = walk(c, arr[i], counts, false);
    if (r !== ABSENT) out.push(r);
  }
  return out.length > 0 ? out : ABSENT;
}

/** Plain assignment to "__proto__" would set the prototype instead of copying the key. */
function put(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

function emptyLike(v: unknown): unknown {
  if (Array.isArray(v)) return [];
  return v !== null && typeof v === 'object' ? {} : null;
}
