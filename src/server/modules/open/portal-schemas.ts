import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj, Uuid } from '../../platform/http/schemas';

/** A dataset as the open portal lists it (home page: newest and most used). */
export const PortalCard = Obj({
  code: Type.String(),
  name: Type.String(),
  summary: Type.String(),
  providerName: Type.String(),
  openType: Type.String(),
  updateCycle: Type.String(),
  publishedAt: Nullable(Type.String({ format: 'date-time' })),
  viewCount: Type.Integer(),
  downloadCount: Type.Integer(),
});
export type PortalCard = Static<typeof PortalCard>;

const Counted = Obj({ value: Type.String(), label: Type.String(), count: Type.Integer() });

export const PortalHome = Obj({
  totals: Obj({ datasets: Type.Integer(), departments: Type.Integer(), downloads: Type.Integer() }),
  /** Art 21's open domains with the datasets in each (every domain, also those still empty). */
  domains: Type.Array(Counted),
  departments: Type.Array(Counted),
  newest: Type.Array(PortalCard),
  popular: Type.Array(PortalCard),
});
export type PortalHome = Static<typeof PortalHome>;

export const PortalItem = Obj({
  name: Type.String(),
  fieldName: Nullable(Type.String()),
  dataType: Type.String(),
  length: Nullable(Type.Integer()),
  description: Nullable(Type.String()),
  masked: Type.Boolean({ description: 'the public gets this item masked (脱敏)' }),
});

export const PortalDataset = Obj({
  entryId: Uuid,
  code: Type.String(),
  name: Type.String(),
  summary: Type.String(),
  providerDepartmentId: Uuid,
  providerName: Type.String(),
  providerOffice: Nullable(Type.String()),
  /** The provider's data specialist's office phone and e-mail; null when the department has given neither. */
  contact: Nullable(Obj({ phone: Nullable(Type.String()), email: Nullable(Type.String()) })),
  openType: enumOf(['unconditional', 'conditional'] as const, 'unconditional 无条件开放 | conditional 有条件开放'),
  openCondition: Nullable(Type.String()),
  openDomains: Type.Array(Type.String()),
  updateCycle: Type.String(),
  formatKind: Type.String(),
  formatType: Nullable(Type.String()),
  versionNo: Type.Integer(),
  publishedAt: Nullable(Type.String({ format: 'date-time' })),
  openedAt: Nullable(Type.String({ format: 'date-time' })),
  /** When the data was last loaded and how many rows it holds (update freshness); null: not loaded yet. */
  data: Nullable(Obj({ updatedAt: Type.String({ format: 'date-time' }), rows: Type.Integer() })),
  items: Type.Array(PortalItem),
  counts: Obj({ views: Type.Integer(), downloads: Type.Integer(), apiCalls: Type.Integer() }),
  related: Type.Array(Obj({ code: Type.String(), name: Type.String() })),
  /** Whether anyone may preview and download it now (无条件开放); conditional data needs an approved application. */
  downloadable: Type.Boolean(),
});
export type PortalDataset = Static<typeof PortalDataset>;

export const PortalPreview = Obj({
  columns: Type.Array(
    Obj({ field: Type.String(), name: Type.String(), dataType: Type.String(), masked: Type.Boolean() }),
  ),
  items: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  /** false when the provider has not loaded data yet. */
  available: Type.Boolean(),
});
export type PortalPreview = Static<typeof PortalPreview>;

export const CodeParams = Obj({
  prefix: Type.String({ pattern: '^[0-9A-Za-z]{1,16}$' }),
  seq: Type.String({ pattern: '^[0-9]{6}$' }),
});
export const codeOf = (p: { prefix: string; seq: string }) => `${p.prefix}/${p.seq}`;
