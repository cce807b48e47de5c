import { defineStore } from 'pinia';
import { ref } from 'vue';
import { listRegions, listRoles } from '../api/org';
import type { Region, RoleInfo } from '../api/types';

/** Reference lists many pages need (regions, roles), fetched once per session. */
export const useReferenceStore = defineStore('reference', () => {
  const regions = ref<Region[]>([]);
  const roles = ref<RoleInfo[]>([]);
  let regionsP: Promise<Region[]> | null = null;
  let rolesP: Promise<RoleInfo[]> | null = null;

  function loadRegions(): Promise<Region[]> {
    regionsP ??= listRegions().then(
      (r) => (regions.value = r),
      (e: unknown) => {
        regionsP = null;
        throw e;
      },
    );
    return regionsP;
  }

  function loadRoles(): Promise<RoleInfo[]> {
    rolesP ??= listRoles().then(
      (r) => (roles.value = r),
      (e: unknown) => {
        rolesP = null;
        throw e;
      },
    );
    return rolesP;
  }

  return { regions, roles, loadRegions, loadRoles };
});
