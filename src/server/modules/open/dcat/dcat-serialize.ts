import type { Term, Triple } from './dcat-graph';
import { NS } from './dcat-vocab';

/** The three serializations the catalog is offered in, by file extension. */
export const FORMATS = {
  ttl: 'text/turtle; charset=utf-8',
  jsonld: 'application/ld+json; charset=utf-8',
  rdf: 'application/rdf+xml; charset=utf-8',
} as const;
export type Format = keyof typeof FORMATS;

const isIri = (t: Term): t is { iri: string } => 'iri' in t;
const RDF_TYPE = `${NS.rdf}type`;
const PREFIXES = Object.entries(NS);

/** An IRI as a compact IRI (prefix:local) when a prefix of NS covers it with a plain local name. */
function compactOrNull(iri: string): string | null {
  for (const [prefix, ns] of PREFIXES) {
    if (iri.startsWith(ns) && /^[A-Za-z_][\w-]*$/.test(iri.slice(ns.length)))
      return `${prefix}:${iri.slice(ns.length)}`;
  }
  return null;
}
const compact = (iri: string): string => compactOrNull(iri) ?? iri;

/**
 * A chunk's triples by subject, then predicate, in the order they first appear: each serialization
 * writes a subject once per chunk with its predicates and their objects.
 */
function grouped(triples: Triple[]): Map<string, Map<string, Term[]>> {
  const bySubject = new Map<string, Map<string, Term[]>>();
  for (const t of triples) {
    let byPredicate = bySubject.get(t.s);
    if (!byPredicate) bySubject.set(t.s, (byPredicate = new Map()));
    const objects = byPredicate.get(t.p);
    if (objects) objects.push(t.o);
    else byPredicate.set(t.p, [t.o]);
  }
  return bySubject;
}

// Turtle. Written directly rather than through an RDF library's term objects: a full catalog walk
// writes millions of triples, and every object made per triple is garbage the server must collect.

/** In an IRI (IRIREF) the characters Turtle excludes, written as \uXXXX (UCHAR). */
// eslint-disable-next-line no-control-regex -- the control characters are what IRIREF excludes
const IRI_EXCLUDED = /[\u0000-\u0020<>"{}|^`\\]/g;
const uchar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
/** In a string the quote, the backslash and line ends, written as ECHAR. */
const ESCAPED = /["\\\n\r]/g;
const ECHAR: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r' };

const turtleIri = (iri: string) => compactOrNull(iri) ?? `<${iri.replace(IRI_EXCLUDED, uchar)}>`;

function turtleObject(o: Term): string {
  if (isIri(o)) return turtleIri(o.iri);
  const s = `"${o.value.replace(ESCAPED, (c) => ECHAR[c]!)}"`;
  return o.lang ? `${s}@${o.lang}` : o.datatype ? `${s}^^${turtleIri(o.datatype)}` : s;
}

/** Turtle statements: a subject's predicates joined by `;`, a predicate's objects by `,`. */
function turtle(triples: Triple[]): string {
  let out = '';
  for (const [s, byPredicate] of grouped(triples)) {
    const predicates: string[] = [];
    for (const [p, objects] of byPredicate)
      predicates.push(`${p === RDF_TYPE ? 'a' : turtleIri(p)} ${objects.map(turtleObject).join(', ')}`);
    out += `${turtleIri(s)} ${predicates.join(' ;\n  ')} .\n`;
  }
  return out;
}
const TURTLE_PREFIXES = PREFIXES.map(([p, u]) => `@prefix ${p}: <${u}> .\n`).join('');

/** JSON-LD node objects, one per subject of the chunk (a subject in several chunks has several: JSON-LD merges them). */
function jsonLdNodes(triples: Triple[]): string[] {
  const nodes: string[] = [];
  for (const [s, byPredicate] of grouped(triples)) {
    const node: Record<string, unknown> = { '@id': s };
    for (const [p, objects] of byPredicate) {
      if (p === RDF_TYPE && objects.every(isIri)) node['@type'] = objects.map((o) => compact(o.iri));
      else
        node[compact(p)] = objects.map((o) =>
          isIri(o)
            ? { '@id': o.iri }
            : {
                '@value': o.value,
                ...(o.lang ? { '@language': o.lang } : {}),
                ...(o.datatype ? { '@type': compact(o.datatype) } : {}),
              },
        );
    }
    nodes.push(JSON.stringify(node));
  }
  return nodes;
}

/** XML's escapes; a carriage return as a reference, or the parser's end-of-line handling turns it into \n. */
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };
const xml = (s: string) => s.replace(/[&<>"\r]/g, (c) => XML_ESCAPES[c]!);

/** A predicate as an XML element name (prefix:local); every predicate here is from NS. */
function qname(iri: string): string {
  const q = compactOrNull(iri);
  if (!q) throw new Error(`no prefix for ${iri}`);
  return q;
}

/** RDF/XML rdf:Description elements, one per subject of the chunk, in the order subjects first appear. */
function rdfXmlDescriptions(triples: Triple[]): string {
  const out: string[] = [];
  for (const [s, byPredicate] of grouped(triples)) {
    out.push(`<rdf:Description rdf:about="${xml(s)}">`);
    for (const [p, objects] of byPredicate) {
      const el = qname(p);
      for (const o of objects) {
        if (isIri(o)) out.push(`  <${el} rdf:resource="${xml(o.iri)}"/>`);
        else {
          const attr = o.lang ? ` xml:lang="${o.lang}"` : o.datatype ? ` rdf:datatype="${xml(o.datatype)}"` : '';
          out.push(`  <${el}${attr}>${xml(o.value)}</${el}>`);
        }
      }
    }
    out.push('</rdf:Description>\n');
  }
  return out.join('\n');
}

/**
 * A document in the format, written chunk by chunk as the chunks come: a page of the catalog is never
 * held whole (each chunk's triples are garbage once written), so a long harvest keeps memory flat.
 */
export async function* rdfDocument(
  format: Format,
  chunks: AsyncIterable<Triple[]> | Iterable<Triple[]>,
): AsyncGenerator<string> {
  if (format === 'ttl') {
    yield TURTLE_PREFIXES;
    for await (const c of chunks) yield turtle(c);
    return;
  }
  if (format === 'jsonld') {
    yield `{"@context":${JSON.stringify(NS)},"@graph":[`;
    let first = true;
    for await (const c of chunks) {
      const nodes = jsonLdNodes(c);
      if (!nodes.length) continue;
      yield `${first ? '' : ','}\n${nodes.join(',\n')}`;
      first = false;
    }
    yield '\n]}\n';
    return;
  }
  const ns = PREFIXES.map(([p, u]) => `xmlns:${p}="${u}"`).join('\n  ');
  yield `<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF\n  ${ns}>\n`;
  for await (const c of chunks) yield rdfXmlDescriptions(c);
  yield '</rdf:RDF>\n';
}
