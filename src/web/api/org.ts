import { api } from './client';
import type { Paged } from './client';
import type { Department, Region, RoleInfo } from './types';

export interface RegionNode extends Region {
  children?: RegionNode[];
}

/** Builds the region tree from the flat list (parents before children is not assumed). */
export function regionTree(regions: Region[]): RegionNode[] {
  const byCode = new Map<string, RegionNode>(regions.map((r) => [r.code, { ...r }]));
  const roots: RegionNode[] = [];
  for (const node of byCode.values()) {
    const parent = node.parentCode ? byCode.get(node.parentCode) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  const sort = (nodes: RegionNode[]) => {
    nodes.sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.code.localeCompare(b.code));
    for (const n of nodes) if (n.children) sort(n.children);
  };
  sort(roots);
  return roots;
}

export const listRegions = () => api.get<Region[]>('/api/regions');
export const listRoles = () => api.get<RoleInfo[]>('/api/roles');

/** Departments for selects: one large page, active ones first is the server's order. */
export const departmentOptions = (q?: string) => api.get<Paged<Department>>('/api/departments', { q, pageSize: 200 });
