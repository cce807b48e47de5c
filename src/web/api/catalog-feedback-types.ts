/** Objections, demands and the responsibility list: wire shapes of objections-routes.ts and demands-routes.ts. */

export type ObjectionStatus = 'open' | 'answered' | 'confirmed' | 'reopened';
export interface Objection {
  id: string;
  entryId: string;
  entryCode: string;
  entryName: string | null;
  versionId: string | null;
  providerDepartmentId: string;
  providerDepartmentName: string;
  kind: string;
  /** The objection, followed by earlier answers and reasons for reopening. */
  content: string;
  raisedBy: string;
  raisedByName: string;
  raisedByDepartmentId: string | null;
  raisedByDepartmentName: string | null;
  raisedAt: string;
  dueAt: string;
  status: ObjectionStatus;
  answer: string | null;
  answeredBy: string | null;
  answeredByName: string | null;
  answeredAt: string | null;
  rating: number | null;
  closedAt: string | null;
  overdue: boolean;
}

export type DemandStatus = 'submitted' | 'assigned' | 'rejected' | 'fulfilled';
export type ResponsibilityKind = 'catalog' | 'share' | 'open';
export type ResponsibilityStatus = 'open' | 'fulfilled' | 'cancelled';
export interface Demand {
  id: string;
  requesterDepartmentId: string;
  requesterDepartmentName: string;
  requesterId: string;
  requesterName: string;
  title: string;
  description: string;
  reason: string;
  wantedProviderDepartmentId: string | null;
  wantedProviderDepartmentName: string | null;
  wantedEntryId: string | null;
  wantedEntryName: string | null;
  status: DemandStatus;
  /** The reason when declined. */
  adminNote: string | null;
  createdAt: string;
  updatedAt: string;
  responsibility: { id: string; providerDepartmentName: string; dueAt: string; status: ResponsibilityStatus } | null;
}
export interface DemandInput {
  title: string;
  description: string;
  reason: string;
  wantedProviderDepartmentId: string | null;
}
export interface Responsibility {
  id: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  kind: ResponsibilityKind;
  description: string;
  dueAt: string;
  entryId: string | null;
  entryCode: string | null;
  entryName: string | null;
  status: ResponsibilityStatus;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  fulfilledAt: string | null;
  overdue: boolean;
  demands: Array<{
    id: string;
    title: string;
    status: DemandStatus;
    requesterDepartmentId: string;
    requesterDepartmentName: string;
  }>;
}
export interface ResponsibilityInput {
  providerDepartmentId: string;
  kind: ResponsibilityKind;
  description: string;
  /** YYYY-MM-DD; due at the end of that day in Beijing time. */
  dueDate: string;
  demandIds: string[];
}
