import type { ComplianceMessages } from './compliance.zh-CN';

const complianceEn: ComplianceMessages = {
  nav: 'Compliance',
  title: 'Compliance with the regulation, article by article',
  hint: "Articles 1 to 32 of the Shangrao regulation with this platform's live evidence (read each time the page opens); export it for security and secrecy inspections (Art 26).",
  export: 'Export Excel',
  generatedAt: 'Generated {at}',
  filter: { all: 'All articles', attention: 'Needs attention', software: 'Articles the platform implements' },
  status: { met: 'Met', attention: 'Needs attention', informative: 'For information' },
  article: 'Art {no}',
  noEvidence: 'This article binds people and organisations; the platform has no direct evidence',
  noFacts: 'No evidence yet',
  open: 'Open',
  summary: '{met} met, {attention} need attention',
  empty: 'No article matches the filter',
};
export default complianceEn;
