/**
 * The vocabularies of DCAT-AP 3 and the EU authority tables the catalog's codes map to (R-35). The
 * maps are this platform's reading of the national codes: Art 21's open domains onto the EU data
 * themes, update cycles onto the EU frequencies, file formats onto the EU file types.
 */
export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatap: 'http://data.europa.eu/r5r/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  adms: 'http://www.w3.org/ns/adms#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
} as const;

const EU = 'http://publications.europa.eu/resource/authority/';
export const THEME_SCHEME = `${EU}data-theme`;

/** Art 21's open domains as EU data themes (each domain has one; several share a theme). */
const THEMES: Record<string, string> = {
  credit: 'ECON',
  transport: 'TRAN',
  medical: 'HEAL',
  health: 'HEAL',
  employment: 'SOCI',
  social_security: 'SOCI',
  geography: 'REGI',
  culture: 'EDUC',
  education: 'EDUC',
  science: 'TECH',
  energy: 'ENER',
  agriculture: 'AGRI',
  environment: 'ENVI',
  economy: 'ECON',
  finance: 'ECON',
  safety: 'JUST',
  statistics: 'GOVE',
  meteorology: 'ENVI',
  enterprise_supervision: 'ECON',
};
/** The EU themes' own labels (skos:prefLabel is mandatory on a skos:Concept the catalog describes). */
export const THEME_LABELS: Record<string, string> = {
  AGRI: 'Agriculture, fisheries, forestry and food',
  ECON: 'Economy and finance',
  EDUC: 'Education, culture and sport',
  ENER: 'Energy',
  ENVI: 'Environment',
  GOVE: 'Government and public sector',
  HEAL: 'Health',
  JUST: 'Justice, legal system and public safety',
  REGI: 'Regions and cities',
  SOCI: 'Population and society',
  TECH: 'Science and technology',
  TRAN: 'Transport',
};
export const themeOf = (domain: string) => `${THEME_SCHEME}/${THEMES[domain] ?? 'GOVE'}`;

const FREQUENCIES: Record<string, string> = {
  realtime: 'UPDATE_CONT',
  daily: 'DAILY',
  weekly: 'WEEKLY',
  monthly: 'MONTHLY',
  quarterly: 'QUARTERLY',
  semiannual: 'ANNUAL_2',
  yearly: 'ANNUAL',
  irregular: 'IRREG',
};
export const frequencyOf = (cycle: string) => `${EU}frequency/${FREQUENCIES[cycle] ?? 'UNKNOWN'}`;

export const fileTypeOf = (code: string) => `${EU}file-type/${code}`;
export const mediaTypeOf = (mime: string) => `https://www.iana.org/assignments/media-types/${mime}`;
export const accessRightsOf = (openType: string) =>
  `${EU}access-right/${openType === 'unconditional' ? 'PUBLIC' : 'RESTRICTED'}`;
