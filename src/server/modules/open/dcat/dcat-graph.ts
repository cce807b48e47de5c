import { OPEN_DOMAINS } from '../../../../shared/catalog/enums';
import { OPEN_LICENCE, OPEN_LICENCE_PATH } from '../../../../shared/open/licence';
import type { PackageFacts } from '../ckan/package-facts';
import { SITE_LEAD, SITE_NAME } from '../site';
import { downloadUrl, OPEN_DOWNLOADS, recordsUrl } from '../downloads';
import {
  NS,
  THEME_LABELS,
  THEME_SCHEME,
  accessRightsOf,
  fileTypeOf,
  frequencyOf,
  mediaTypeOf,
  themeOf,
} from './dcat-vocab';

/** A triple of the catalog: IRIs and literals only (no blank nodes, so every page stands alone). */
export type Term = { iri: string } | { value: string; lang?: string; datatype?: string };
export interface Triple {
  s: string;
  p: string;
  o: Term;
}

const zh = (value: string): Term => ({ value, lang: 'zh' });
const iri = (x: string): Term => ({ iri: x });
const dateTime = (d: Date): Term => ({ value: d.toISOString(), datatype: `${NS.xsd}dateTime` });
const int = (n: number): Term => ({ value: String(n), datatype: `${NS.xsd}integer` });
const RDF_TYPE = `${NS.rdf}type`;

/** The IRIs this catalog mints, under the platform's address. */
export function iris(origin: string) {
  return {
    catalog: `${origin}/catalog`,
    publisher: `${origin}/#publisher`,
    service: `${origin}/open/api/v1`,
    licence: `${origin}${OPEN_LICENCE_PATH}`,
    dataset: (name: string) => `${origin}/dataset/${name}`,
    agent: (departmentId: string) => `${origin}/departments/${departmentId}`,
    region: (code: string) => `${origin}/id/region/${code}`,
  };
}

/**
 * DCAT-AP 3 triples of datasets as the portal shows them: each dataset with its distributions (CSV,
 * XLSX, JSON Lines downloads and the open API as a DataService), its provider as an Agent with a
 * contact point, themes from Art 21's domains, its update cycle as accrualPeriodicity, the region as
 * dct:spatial and the licence. 有条件开放 datasets carry RESTRICTED access rights and no download URLs.
 */
export function datasetTriples(origin: string, facts: PackageFacts[]): Triple[] {
  const id = iris(origin);
  const out: Triple[] = [];
  const add = (s: string, p: string, o: Term) => out.push({ s, p, o });
  const agents = new Set<string>();
  const themes = new Set<string>();
  const regions = new Set<string>();

  for (const { row: r, dataUpdatedAt, contact } of facts) {
    const ds = id.dataset(r.name);
    const page = `${origin}/datasets/${r.code}`;
    const agent = id.agent(r.department_id);
    add(ds, RDF_TYPE, iri(`${NS.dcat}Dataset`));
    add(ds, `${NS.dct}identifier`, { value: r.code });
    add(ds, `${NS.dct}title`, zh(r.title));
    add(ds, `${NS.dct}description`, zh(r.notes));
    add(ds, `${NS.dct}issued`, dateTime(r.created));
    add(ds, `${NS.dct}modified`, dateTime(r.modified));
    add(ds, `${NS.dcat}landingPage`, iri(page));
    add(ds, `${NS.dct}publisher`, iri(agent));
    add(ds, `${NS.dct}accrualPeriodicity`, iri(frequencyOf(r.update_cycle)));
    add(ds, `${NS.dct}accessRights`, iri(accessRightsOf(r.open_type)));
    add(ds, `${NS.dcat}version`, { value: String(r.version_no) });
    add(ds, `${NS.dct}spatial`, iri(id.region(r.region_code)));
    regions.add(r.region_code);
    // Two domains can share a theme, and a domain's name can also be a tag: each is stated once.
    const ownThemes = new Set(r.open_domains.map(themeOf));
    for (const theme of ownThemes) {
      themes.add(theme);
      add(ds, `${NS.dcat}theme`, iri(theme));
    }
    const keywords = new Set([
      ...r.open_domains.map((d) => OPEN_DOMAINS[d as keyof typeof OPEN_DOMAINS]?.zh ?? d),
      ...r.tags,
    ]);
    for (const k of keywords) add(ds, `${NS.dcat}keyword`, zh(k));
    if (contact) {
      const c = `${ds}#contact`;
      add(ds, `${NS.dcat}contactPoint`, iri(c));
      add(c, RDF_TYPE, iri(`${NS.vcard}Organization`));
      add(c, `${NS.vcard}fn`, zh(r.department_name));
      if (contact.email) add(c, `${NS.vcard}hasEmail`, iri(`mailto:${contact.email}`));
      if (contact.phone) add(c, `${NS.vcard}hasTelephone`, iri(`tel:${contact.phone.replace(/\s/g, '')}`));
    }
    const open = r.open_type === 'unconditional';
    for (const x of OPEN_DOWNLOADS) {
      const dist = `${ds}#${x.format}`;
      add(ds, `${NS.dcat}distribution`, iri(dist));
      add(dist, RDF_TYPE, iri(`${NS.dcat}Distribution`));
      add(dist, `${NS.dct}title`, zh(`${r.title}（${x.label}）`));
      add(dist, `${NS.dcat}accessURL`, iri(page));
      if (open) add(dist, `${NS.dcat}downloadURL`, iri(downloadUrl(origin, r.code, x.format)));
      add(dist, `${NS.dct}format`, iri(fileTypeOf(x.fileType)));
      add(dist, `${NS.dcat}mediaType`, iri(mediaTypeOf(x.mime)));
      add(dist, `${NS.dct}license`, iri(id.licence));
      if (dataUpdatedAt) add(dist, `${NS.dct}modified`, dateTime(dataUpdatedAt));
    }
    const api = `${ds}#api`;
    add(ds, `${NS.dcat}distribution`, iri(api));
    add(api, RDF_TYPE, iri(`${NS.dcat}Distribution`));
    add(api, `${NS.dct}title`, zh(`${r.title}（开放接口）`));
    add(api, `${NS.dcat}accessURL`, iri(recordsUrl(origin, r.code)));
    add(api, `${NS.dcat}accessService`, iri(id.service));
    add(api, `${NS.dct}license`, iri(id.licence));
    add(id.service, `${NS.dcat}servesDataset`, iri(ds));

    if (!agents.has(agent)) {
      agents.add(agent);
      add(agent, RDF_TYPE, iri(`${NS.foaf}Agent`));
      add(agent, RDF_TYPE, iri(`${NS.foaf}Organization`));
      add(agent, `${NS.foaf}name`, zh(r.department_name));
      add(agent, `${NS.dct}identifier`, { value: r.org_name.toUpperCase() });
    }
  }
  for (const code of regions) {
    const row = facts.find((f) => f.row.region_code === code)!.row;
    add(id.region(code), RDF_TYPE, iri(`${NS.dct}Location`));
    add(id.region(code), `${NS.skos}prefLabel`, zh(row.region_name ?? code));
    add(id.region(code), `${NS.skos}notation`, { value: code });
  }
  for (const theme of themes) {
    add(theme, RDF_TYPE, iri(`${NS.skos}Concept`));
    add(theme, `${NS.skos}prefLabel`, { value: THEME_LABELS[theme.split('/').pop()!] ?? theme, lang: 'en' });
    add(theme, `${NS.skos}inScheme`, iri(THEME_SCHEME));
  }
  return out;
}

/** The catalog, its publisher, licence and API, and the datasets of one page, linked from the catalog. */
export function catalogTriples(origin: string, names: string[]): Triple[] {
  const id = iris(origin);
  const out: Triple[] = [];
  const add = (s: string, p: string, o: Term) => out.push({ s, p, o });
  add(id.catalog, RDF_TYPE, iri(`${NS.dcat}Catalog`));
  add(id.catalog, `${NS.dct}title`, zh(SITE_NAME));
  add(id.catalog, `${NS.dct}description`, zh(SITE_LEAD));
  add(id.catalog, `${NS.dct}publisher`, iri(id.publisher));
  add(id.catalog, `${NS.foaf}homepage`, iri(`${origin}/`));
  add(id.catalog, `${NS.dct}language`, iri('http://publications.europa.eu/resource/authority/language/ZHO'));
  add(id.catalog, `${NS.dct}license`, iri(id.licence));
  add(id.catalog, `${NS.dcat}themeTaxonomy`, iri(THEME_SCHEME));
  add(id.catalog, `${NS.dcat}service`, iri(id.service));
  for (const n of names) add(id.catalog, `${NS.dcat}dataset`, iri(id.dataset(n)));
  add(id.publisher, RDF_TYPE, iri(`${NS.foaf}Agent`));
  add(id.publisher, `${NS.foaf}name`, zh(SITE_NAME));
  add(id.licence, RDF_TYPE, iri(`${NS.dct}LicenseDocument`));
  add(id.licence, `${NS.dct}title`, zh(OPEN_LICENCE.titleZh));
  add(THEME_SCHEME, RDF_TYPE, iri(`${NS.skos}ConceptScheme`));
  add(THEME_SCHEME, `${NS.dct}title`, { value: 'Data theme', lang: 'en' });
  add(id.service, RDF_TYPE, iri(`${NS.dcat}DataService`));
  add(id.service, `${NS.dct}title`, zh('开放数据接口'));
  add(id.service, `${NS.dcat}endpointURL`, iri(id.service));
  add(id.service, `${NS.dcat}endpointDescription`, iri(`${id.service}/openapi.json`));
  add(id.service, `${NS.dct}license`, iri(id.licence));
  add(id.service, `${NS.dct}publisher`, iri(id.publisher));
  return out;
}

/** Hydra's paging of a catalog page (as ckanext-dcat writes it: page addresses as literals). */
export function pagingTriples(p: {
  self: string;
  first: string;
  last: string;
  next?: string;
  prev?: string;
  total: number;
  perPage: number;
}): Triple[] {
  const h = NS.hydra;
  const out: Triple[] = [
    { s: p.self, p: RDF_TYPE, o: iri(`${h}PagedCollection`) },
    { s: p.self, p: `${h}totalItems`, o: int(p.total) },
    { s: p.self, p: `${h}itemsPerPage`, o: int(p.perPage) },
    { s: p.self, p: `${h}firstPage`, o: { value: p.first } },
    { s: p.self, p: `${h}lastPage`, o: { value: p.last } },
  ];
  if (p.next) out.push({ s: p.self, p: `${h}nextPage`, o: { value: p.next } });
  if (p.prev) out.push({ s: p.self, p: `${h}previousPage`, o: { value: p.prev } });
  return out;
}
