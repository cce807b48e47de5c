import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jsonld from 'jsonld';
import { Parser, type Quad } from 'n3';
import rdf from 'rdf-ext';
import { Validator } from 'shacl-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { seedDemoIfEmpty } from '../../src/server/demo/seed';
import { catalogPage } from '../../src/server/modules/open/dcat/dcat-service';
import type { Triple } from '../../src/server/modules/open/dcat/dcat-graph';
import { rdfDocument } from '../../src/server/modules/open/dcat/dcat-serialize';

/**
 * R-35 (issue #13 point 3): the catalog in DCAT-AP 3 as Turtle, JSON-LD and RDF/XML, each parsed by
 * another implementation than ours (rapper from raptor2 for Turtle and RDF/XML, jsonld.js for JSON-LD)
 * into the same triples, and a full page validated against the official DCAT-AP 3.0.1 shapes
 * (../shared/standards) by shacl-engine with no violation; Hydra paging walked to its end.
 */

let t: TestApp;
let base: string;
const SHAPES = path.resolve(__dirname, '../../../shared/standards/dcat-ap-3.0.1/shapes.ttl');
const DCAT = 'http://www.w3.org/ns/dcat#';
const HYDRA = 'http://www.w3.org/ns/hydra/core#';

beforeAll(async () => {
  t = await testApp({ demoRows: 0 });
  await seedDemoIfEmpty(t.ctx);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t?.close());

async function get(url: string, type: string): Promise<string> {
  const res = await fetch(`${base}${url}`);
  expect(res.status, url).toBe(200);
  expect(res.headers.get('content-type')).toContain(type);
  return res.text();
}

/** N-Triples lines of a document, as raptor's rapper reads it (a parse error fails the test). */
function rapper(input: string, syntax: 'turtle' | 'rdfxml'): string[] {
  const out = execFileSync('rapper', ['-q', '-i', syntax, '-o', 'ntriples', '-', `${base}/`], { input });
  // N-Triples escapes non-ASCII characters (\uXXXX); jsonld.js writes them as they are.
  const unescaped = out
    .toString('utf8')
    .replace(/\\u([0-9A-F]{4})|\\U([0-9A-F]{8})/g, (_, a?: string, b?: string) =>
      String.fromCodePoint(parseInt(a ?? b!, 16)),
    );
  return [...new Set(unescaped.trim().split('\n').filter(Boolean))].sort();
}

/** The same document as jsonld.js reads JSON-LD, in N-Triples lines. */
async function jsonldTriples(input: string): Promise<string[]> {
  const nquads = (await jsonld.toRDF(JSON.parse(input) as jsonld.JsonLdDocument, {
    format: 'application/n-quads',
  })) as unknown as string;
  return [...new Set(nquads.trim().split('\n').filter(Boolean))].sort();
}

const quadsOf = (turtle: string): Quad[] => new Parser().parse(turtle);

/** A catalog page's chunks written as one Turtle document. */
async function turtleOf(chunks: AsyncIterable<Triple[]>): Promise<string> {
  let out = '';
  for await (const part of rdfDocument('ttl', chunks)) out += part;
  return out;
}

describe('DCAT-AP 3 catalog (R-35)', () => {
  it('serves one catalog page as Turtle, RDF/XML and JSON-LD that other parsers read as the same triples', async () => {
    const ttl = await get('/catalog.ttl', 'text/turtle');
    const rdfxml = await get('/catalog.rdf', 'application/rdf+xml');
    const ld = await get('/catalog.jsonld', 'application/ld+json');
    // The page's own paging names its own format's addresses; every other triple is the same.
    const samePart = (lines: string[]) => lines.filter((l) => !l.startsWith(`<${base}/catalog.`));
    const fromTurtle = samePart(rapper(ttl, 'turtle'));
    expect(fromTurtle.length).toBeGreaterThan(100);
    expect(samePart(rapper(rdfxml, 'rdfxml'))).toEqual(fromTurtle);
    expect(samePart(await jsonldTriples(ld))).toEqual(fromTurtle);
    const names = (await (await fetch(`${base}/api/3/action/package_list`)).json()) as { result: string[] };
    const datasets = quadsOf(ttl).filter((q) => q.predicate.value === `${DCAT}dataset`);
    expect(datasets.map((q) => q.object.value).sort()).toEqual(names.result.map((n) => `${base}/dataset/${n}`).sort());
  });

  it('conforms to the official DCAT-AP 3.0.1 shapes: no violation on a full page', async () => {
    const shapes = rdf.dataset(new Parser().parse(fs.readFileSync(SHAPES, 'utf8')));
    const data = rdf.dataset(quadsOf(await get('/catalog.ttl', 'text/turtle')));
    const report = await new Validator(shapes, { factory: rdf }).validate({ dataset: data });
    const problems = report.results.map(
      (r) => `${r.focusNode?.value} ${r.path?.[0]?.predicates[0]?.value} ${r.message?.map((m) => m.value).join(' ')}`,
    );
    expect(problems).toEqual([]);
    expect(report.conforms).toBe(true);
    // The check can fail: a dataset without its title violates the mandatory dct:title.
    const untitled = rdf.dataset(
      [...data].filter(
        (q) => !(q.predicate.value === 'http://purl.org/dc/terms/title' && q.subject.value.includes('/dataset/')),
      ),
    );
    expect((await new Validator(shapes, { factory: rdf }).validate({ dataset: untitled })).conforms).toBe(false);
  });

  it('pages with Hydra to the last page, and keeps only what changed since a time', async () => {
    const walk = async (q: { modifiedSince?: string }) => {
      const seen: string[] = [];
      let page: string | undefined = '1';
      let total = 0;
      while (page) {
        const quads = quadsOf(await turtleOf(await catalogPage(t.ctx, base, 'ttl', { ...q, page }, 3)));
        seen.push(...quads.filter((x) => x.predicate.value === `${DCAT}dataset`).map((x) => x.object.value));
        total = Number(quads.find((x) => x.predicate.value === `${HYDRA}totalItems`)!.object.value);
        const next = quads.find((x) => x.predicate.value === `${HYDRA}nextPage`)?.object.value;
        page = next ? new URL(next).searchParams.get('page')! : undefined;
      }
      return { seen, total };
    };
    const all = await walk({});
    expect(all.total).toBeGreaterThan(3);
    expect(all.seen).toHaveLength(all.total);
    expect(new Set(all.seen).size).toBe(all.total);

    // A dataset reopened later (its description changed) is all an incremental harvest gets.
    const later = new Date(t.clock.now().getTime() + 60_000);
    const [name] = all.seen.slice(-1).map((u) => u.split('/').pop()!);
    await t.ctx.db
      .updateTable('open_dataset')
      .set({ opened_at: later })
      .where(
        'package_id',
        '=',
        ((await (await fetch(`${base}/api/3/action/package_show?id=${name}`)).json()) as { result: { id: string } })
          .result.id,
      )
      .execute();
    const changed = await walk({ modifiedSince: new Date(later.getTime() - 1000).toISOString() });
    expect(changed).toEqual({ seen: [`${base}/dataset/${name}`], total: 1 });
    // Over HTTP, the same filter and its paging addresses.
    const ttl = await get(`/catalog.ttl?modified_since=${encodeURIComponent(later.toISOString())}`, 'text/turtle');
    const first = quadsOf(ttl).find((x) => x.predicate.value === `${HYDRA}firstPage`)!.object.value;
    expect(new URL(first).searchParams.get('modified_since')).toBe(later.toISOString());
    expect((await fetch(`${base}/catalog.ttl?modified_since=yesterday`)).status).toBe(400);
    expect((await fetch(`${base}/catalog.ttl?page=0`)).status).toBe(400);
  });

  it('describes one dataset in each serialization, and 404s one not on the portal', async () => {
    const names = ((await (await fetch(`${base}/api/3/action/package_list`)).json()) as { result: string[] }).result;
    const ttl = await get(`/dataset/${names[0]}.ttl`, 'text/turtle');
    const fromTurtle = rapper(ttl, 'turtle');
    expect(
      fromTurtle.some((l) =>
        l.includes(`<${base}/dataset/${names[0]}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${DCAT}Dataset>`),
      ),
    ).toBe(true);
    expect(rapper(await get(`/dataset/${names[0]}.rdf`, 'application/rdf+xml'), 'rdfxml')).toEqual(fromTurtle);
    expect(await jsonldTriples(await get(`/dataset/${names[0]}.jsonld`, 'application/ld+json'))).toEqual(fromTurtle);
    expect((await fetch(`${base}/dataset/999-999999.ttl`)).status).toBe(404);
  });

  it('writes awkward text and addresses so that every parser reads back the same values', async () => {
    const s = `${base}/dataset/x-1`;
    const awkward = '他说："数据\\开放"\n第二行\r\t<b>&amp;</b> \'引号\'';
    const triples: Triple[] = [
      { s, p: `${DCAT}keyword`, o: { value: awkward, lang: 'zh' } },
      { s, p: `${DCAT}keyword`, o: { value: '' } },
      { s, p: `${DCAT}keyword`, o: { value: '2026-12-06', datatype: 'http://www.w3.org/2001/XMLSchema#date' } },
      { s, p: `${DCAT}landingPage`, o: { iri: `${base}/数据?a=1&b=(2)#'x'` } },
      { s, p: `${DCAT}landingPage`, o: { iri: `${base}/v/weird:local` } },
    ];
    const doc = async (format: 'ttl' | 'jsonld' | 'rdf') => {
      let out = '';
      for await (const part of rdfDocument(format, [triples])) out += part;
      return out;
    };
    const ttl = await doc('ttl');
    const values = quadsOf(ttl).map((q) => q.object.value);
    expect(values).toEqual(
      expect.arrayContaining([awkward, '', '2026-12-06', `${base}/数据?a=1&b=(2)#'x'`, `${base}/v/weird:local`]),
    );
    const fromTurtle = rapper(ttl, 'turtle');
    expect(fromTurtle).toHaveLength(triples.length);
    expect(rapper(await doc('rdf'), 'rdfxml')).toEqual(fromTurtle);
    expect(await jsonldTriples(await doc('jsonld'))).toEqual(fromTurtle);
  });
});
