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

/** Turtle, by N3.js's writer (prefixes from NS). */
export function toTurtle(triples: Triple[]): Promise<string> {
  const { namedNode, literal, quad } = DataFactory;
  const w = new Writer({ prefixes: { ...NS } });
  for (const t of triples) {
    const o = isIri(t.o)
      ? namedNode(t.o.iri)
      : literal(t.o.value, t.o.lang ?? (t.o.datatype ? namedNode(t.o.datatype) : undefined));
    w.addQuad(quad(namedNode(t.s), namedNode(t.p), o));
  }
  return new Promise((resolve, reject) => w.end((err, out: string) => (err ? reject(err) : resolve(out))));
}

/** An IRI as a compact IRI when a prefix of NS covers it (JSON-LD keys and @type values). */
function compact(iri: string): string {
  for (const [prefix, ns] of Object.entries(NS)) {
    const local = iri.slice(ns.length);
    if (iri.startsWith(ns) && /^[A-Za-z_][\w-]*$/.test(local)) return `${prefix}:${local}`;
  }
  return iri;
}

/** JSON-LD: one node object per subject in a @graph, with the prefixes as its @context. */
export function toJsonLd(triples: Triple[]): string {
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
  return JSON.stringify({ '@context': { ...NS }, '@graph': [...nodes.values()] }, null, 1);
}

const xml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A predicate as an XML element name (prefix:local); every predicate here is from NS. */
function qname(iri: string): string {
  const q = compact(iri);
  if (q === iri) throw new Error(`no prefix for ${iri}`);
  return q;
}

/** RDF/XML: an rdf:Description per subject, in the order subjects first appear. */
export function toRdfXml(triples: Triple[]): string {
  const bySubject = new Map<string, Triple[]>();
  for (const t of triples) {
    const list = bySubject.get(t.s);
    if (list) list.push(t);
    else bySubject.set(t.s, [t]);
  }
  const ns = Object.entries(NS)
    .map(([p, u]) => `xmlns:${p}="${u}"`)
    .join('\n  ');
  const out = [`<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF\n  ${ns}>`];
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
    out.push('</rdf:Description>');
  }
  out.push('</rdf:RDF>\n');
  return out.join('\n');
}

export function serialize(format: Format, triples: Triple[]): Promise<string> | string {
  if (format === 'ttl') return toTurtle(triples);
  return format === 'jsonld' ? toJsonLd(triples) : toRdfXml(triples);
}
