/**
 * Projects an upstream XML (SOAP) response onto what a grant covers, as response-projection.ts does
 * for JSON: nodes no granted XPath selects are left out, selected ones are masked by their rule.
 *
 * Kept: each selected element with its whole subtree, each selected attribute, and their ancestors
 * as the path to them. A path element keeps only namespace declarations and selected attributes,
 * since its other attributes (an id, a card number) were not granted; text, comments and whitespace
 * outside selected nodes go. A masked element's content becomes one text node, the masked text of
 * its content; its unselected attributes go too (they would leak what the mask hides). At one node a
 * masked selection wins over an unmasked one; inside an unmasked element, deeper masked selections
 * still mask their part. The root element is always kept (empty if nothing matched) so that the
 * output stays a document; of the prolog only the XML declaration stays (no DOCTYPE, no comments).
 *
 * xmldom does not read external entities and does not expand entities declared in a DTD: a
 * reference to one is reported as an error, so such a response is refused as not well-formed.
 */
import { createRequire } from 'node:module';
import { DOMParser, XMLSerializer, type Attr, type Document, type Element, type Node } from '@xmldom/xmldom';

/**
 * Loaded around its typings: xpath.d.ts references the browser's DOM lib, which importing it would add
 * to every server file's globals (`document`, `Element`…). What it walks at run time are xmldom nodes.
 */
const xpath = createRequire(import.meta.url)('xpath') as {
  useNamespaces(namespaces: Record<string, string>): (expr: string, node: Node) => unknown;
};

export interface XmlProjectedField {
  xpath: string;
  field: string;
  mask: ((text: string) => string) | null;
}

/** The response body could not be parsed as XML; the gateway answers with an upstream error. */
export class XmlProjectionError extends Error {
  override name = 'XmlProjectionError';
}

type Mask = (text: string) => string;
type Select = (expr: string, doc: Document) => unknown;

const ELEMENT = 1;
const ATTRIBUTE = 2;
const TEXT = 3;
const CDATA = 4;
const PROCESSING_INSTRUCTION = 7;
const DOCUMENT = 9;
const PRECEDING = 2;
const FOLLOWING = 4;

/** Evaluating against a tiny document catches what parsing alone does not: unknown functions, variables, non-node results. */
const PROBE = new DOMParser().parseFromString('<probe/>', 'text/xml');

/** Validates an XPath (with the given namespace prefixes) on save; returns an English error message or null. */
export function xpathProblem(expr: string, namespaces: Record<string, string>): string | null {
  if (expr.trim() === '') return 'An XPath is required';
  // The library resolves a prefix only when a step reaches a node to test, so an undeclared one
  // could otherwise pass on save and fail on the first real response.
  const prefix = prefixesOf(expr).find((p) => !Object.hasOwn(namespaces, p));
  if (prefix !== undefined) return `Namespace prefix "${prefix}" is not declared`;
  let result: unknown;
  try {
    result = selector(namespaces)(expr, PROBE);
  } catch (e) {
    return `Invalid XPath "${expr}": ${e instanceof Error ? e.message : String(e)}`;
  }
  return Array.isArray(result) ? null : `"${expr}" must select elements or attributes, not compute a ${typeof result}`;
}

/** QName prefixes outside string literals; `::` (an axis) is not a prefix separator. */
function prefixesOf(expr: string): string[] {
  const code = expr.replace(/'[^']*'|"[^"]*"/g, ' ').replaceAll('::', ' ');
  const names = code.matchAll(/(?<![\p{L}\p{N}_.\-:])([\p{L}_][\p{L}\p{N}_.-]*):(?=[\p{L}_*])/gu);
  return [...names].map((m) => m[1]!);
}

function selector(namespaces: Record<string, string>): Select {
  // A null-prototype copy: the library looks prefixes up with `mappings[prefix]`, and "constructor"
  // must not resolve to Object's.
  return xpath.useNamespaces(Object.assign(Object.create(null) as Record<string, string>, namespaces));
}

/** Compiles once; applied per response body (string). Throws XmlProjectionError when the body is not well-formed XML. */
export function compileXmlProjection(
  fields: readonly XmlProjectedField[],
  namespaces: Record<string, string>,
): (xml: string) => { xml: string; rows: number } {
  for (const f of fields) {
    const problem = xpathProblem(f.xpath, namespaces);
    if (problem) throw new Error(`Invalid XPath for field ${f.field}: ${problem}`);
  }
  const select = selector(namespaces);
  return (xml) => {
    const doc = parse(xml);
    numberNodes(doc);
    const marks: Marks = { doc, selected: new Map(), path: new Set() };
    let rows = 0;
    for (const f of fields) {
      const found = select(f.xpath, doc);
      const nodes = Array.isArray(found) ? (found as Node[]) : [];
      rows = Math.max(rows, nodes.length);
      for (const n of nodes) mark(marks, n, f.mask);
    }
    return { xml: serializeKept(doc, marks), rows };
  };
}

function parse(xml: string): Document {
  let reported: string | null = null;
  const onError = (level: 'warning' | 'error' | 'fatalError', msg: string): void => {
    if (level === 'warning') return;
    reported ??= msg;
    throw new XmlProjectionError(msg);
  };
  try {
    return new DOMParser({ onError, locator: false }).parseFromString(xml, 'text/xml');
  } catch (e) {
    // xmldom wraps what onError throws; the first report is the useful message.
    const why = reported ?? (e instanceof Error ? e.message : String(e));
    throw new XmlProjectionError(`The response is not well-formed XML: ${why}`, { cause: e });
  }
}

/**
 * xpath sorts each node set into document order with compareDocumentPosition, which xmldom answers by
 * scanning the siblings: 4,000 rows took 8 s, 20,000 minutes. Numbering the nodes once answers it in
 * constant time (xpath then takes 0.4 s for 20,000 rows, most of it its own quadratic de-duplication). The
 * document is this response's own, so giving its nodes their own method affects nothing else.
 */
function numberNodes(doc: Document): void {
  const order = new Map<Node, number>();
  const byDom = doc.compareDocumentPosition;
  function compare(this: Node, other: Node): number {
    const a = order.get(this);
    const b = order.get(other);
    // Only order is asked for; the containment bits xmldom adds do not change it.
    if (a === undefined || b === undefined) return byDom.call(this, other);
    return a === b ? 0 : b < a ? PRECEDING : FOLLOWING;
  }
  // Not enumerable, so that xmldom's cloneNode, which copies own enumerable properties, leaves it behind.
  const own = { value: compare, enumerable: false, configurable: true, writable: true };
  const number = (n: Node): void => {
    order.set(n, order.size);
    Object.defineProperty(n, 'compareDocumentPosition', own);
  };
  const pending: Node[] = [doc];
  for (let n = pending.pop(); n; n = pending.pop()) {
    number(n);
    const attributes = n.nodeType === ELEMENT ? (n as Element).attributes : null;
    for (let i = 0; attributes && i < attributes.length; i++) number(attributes[i]!);
    for (let c = n.lastChild; c; c = c.previousSibling) pending.push(c);
  }
}

/** `selected`: nodes kept whole (elements, text) or attributes, with their mask (null: unmasked). */
interface Marks {
  doc: Document;
  selected: Map<Node, Mask | null>;
  path: Set<Node>;
}

function mark(marks: Marks, found: Node, mask: Mask | null): void {
  const node = found.nodeType === DOCUMENT ? (found as Document).documentElement : found;
  if (!node || ![ELEMENT, ATTRIBUTE, TEXT, CDATA].includes(node.nodeType)) return;
  marks.selected.set(node, combine(marks.selected.get(node), mask));
  let up = node.nodeType === ATTRIBUTE ? (node as Attr).ownerElement : node.parentNode;
  while (up && up.nodeType === ELEMENT && !marks.path.has(up)) {
    marks.path.add(up);
    up = up.parentNode;
  }
}

/** Masked wins; two masks apply in turn so that what either hides stays hidden. */
function combine(prev: Mask | null | undefined, next: Mask | null): Mask | null {
  if (prev === undefined || prev === null) return next;
  return next === null ? prev : (t) => next(prev(t));
}

/**
 * The output is built from copies rather than by removing nodes: xmldom re-indexes a parent's
 * children on every removal (quadratic over 20,000 rows) but appends in constant time.
 */
function serializeKept(doc: Document, marks: Marks): string {
  const serializer = new XMLSerializer();
  const first = doc.firstChild;
  const declaration = first?.nodeType === PROCESSING_INSTRUCTION && first.nodeName === 'xml';
  const root = doc.documentElement;
  return (
    (declaration ? serializer.serializeToString(first) : '') +
    (root ? serializer.serializeToString(copyPath(root, marks)) : '')
  );
}

/** An element on the way to selected nodes (or the root). */
function copyPath(el: Element, marks: Marks): Node {
  const mask = marks.selected.get(el);
  if (mask !== undefined) return copySelected(el, mask, marks);
  const copy = shallowCopy(el, marks, false);
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === ELEMENT && marks.path.has(c)) copy.appendChild(copyPath(c as Element, marks));
    else if (marks.selected.has(c)) copy.appendChild(copySelected(c, marks.selected.get(c) ?? null, marks));
  }
  return copy;
}

/** A selected node, or a node inside an unmasked selected element, with deeper masks applied. */
function copySelected(node: Node, mask: Mask | null, marks: Marks): Node {
  if (node.nodeType !== ELEMENT || (!mask && !marks.path.has(node))) {
    const copy = node.cloneNode(true);
    if (mask) copy.textContent = mask(node.textContent ?? '');
    return copy;
  }
  const el = node as Element;
  const copy = shallowCopy(el, marks, !mask);
  if (mask) copy.appendChild(marks.doc.createTextNode(mask(el.textContent ?? '')));
  else
    for (let c = el.firstChild; c; c = c.nextSibling)
      copy.appendChild(copySelected(c, marks.selected.get(c) ?? null, marks));
  return copy;
}

/** The element without children; `allAttributes` false keeps only namespace declarations and selected attributes. */
function shallowCopy(el: Element, marks: Marks, allAttributes: boolean): Element {
  const copy = marks.doc.createElementNS(el.namespaceURI, el.tagName);
  for (const a of [...el.attributes]) {
    const m = marks.selected.get(a);
    const granted = allAttributes || m !== undefined || a.name === 'xmlns' || a.name.startsWith('xmlns:');
    if (granted) copy.setAttributeNS(a.namespaceURI, a.name, m ? m(a.value) : a.value);
  }
  return copy;
}
