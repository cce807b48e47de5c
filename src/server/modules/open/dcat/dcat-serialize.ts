import { DataFactory, Writer } from 'n3';
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

/** Turtle statements, by N3.js's writer (prefixed names from NS; the @prefix lines are written once, first). */
function turtle(triples: Triple[]): string {
  const { namedNode, literal, quad } = DataFactory;
  return new Writer({ prefixes: { ...NS } }).quadsToString(
    triples.map((t) =>
      quad(
        namedNode(t.s),
        namedNode(t.p),
        isIri(t.o)
          ? namedNode(t.o.iri)
          : literal(t.o.value, t.o.lang ?? (t.o.datatype ? namedNode(t.o.datatype) : undefined)),
      ),
    ),
  );
}
const TURTLE_PREFIXES = Object.entries(NS)
  .map(([p, u]) => `@prefix ${p}: <${u}> .\n`)
  .join('');

/** An IRI as a compact IRI when a prefix of NS covers it (JSON-LD keys and @type values). */
function compact(iri: string): string {
  for (const [prefix, ns] of Object.entries(NS)) {
    const local = iri.slice(ns.length);
    if (iri.startsWith(ns) && /^[A-Za-z_][\w-]*$/.test(local)) return `${prefix}:${local}`;
  }
  return iri;
}

/** JSON-LD node objects, one per subject of the chunk (a subject in several chunks has several: JSON-LD merges them). */
function jsonLdNodes(triples: Triple[]): string[] {
  const nodes = new Map<string, Record<string, unknown>>();
  for (const t of triples) {
    let node = nodes.get(t.s);
    if (!node) nodes.set(t.s, (node = { '@id': t.s }));
    if (t.p === `${NS.rdf}type` && isIri(t.o)) {
      node['@type'] = [...((node['@type'] as string[] | undefined) ?? []), compact(t.o.iri)];
      continue;
    }
    const value = isIri(t.o)
      ? { '@id': t.o.iri }
      : {
          '@value': t.o.value,
          ...(t.o.lang ? { '@language': t.o.lang } : {}),
          ...(t.o.datatype ? { '@type': compact(t.o.datatype) } : {}),
        };
    const key = compact(t.p);
    node[key] = [...((node[key] as unknown[] | undefined) ?? []), value];
  }
  return [...nodes.values()].map((n) => JSON.stringify(n));
}

const xml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A predicate as an XML element name (prefix:local); every predicate here is from NS. */
function qname(iri: string): string {
  const q = compact(iri);
  if (q === iri) throw new Error(`no prefix for ${iri}`);
  return q;
}

/** RDF/XML rdf:Description elements, one per subject of the chunk, in the order subjects first appear. */
function rdfXmlDescriptions(triples: Triple[]): string {
  const bySubject = new Map<string, Triple[]>();
  for (const t of triples) {
    const list = bySubject.get(t.s);
    if (list) list.push(t);
    else bySubject.set(t.s, [t]);
  }
  const out: string[] = [];
  for (const [s, ts] of bySubject) {
    out.push(`<rdf:Description rdf:about="${xml(s)}">`);
    for (const t of ts) {
      const el = qname(t.p);
      if (isIri(t.o)) out.push(`  <${el} rdf:resource="${xml(t.o.iri)}"/>`);
      else {
        const attr = t.o.lang ? ` xml:lang="${t.o.lang}"` : t.o.datatype ? ` rdf:datatype="${xml(t.o.datatype)}"` : '';
        out.push(`  <${el}${attr}>${xml(t.o.value)}</${el}>`);
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
  const ns = Object.entries(NS)
    .map(([p, u]) => `xmlns:${p}="${u}"`)
    .join('\n  ');
  yield `<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF\n  ${ns}>\n`;
  for await (const c of chunks) yield rdfXmlDescriptions(c);
  yield '</rdf:RDF>\n';
}
