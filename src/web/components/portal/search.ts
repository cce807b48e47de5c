import { computed, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { portalApi, SEARCH_PARAMS, type PortalSearchResult } from '../../api/portal';
import { showError } from '../../composables/feedback';

export const PAGE_SIZE = 10;

/**
 * The portal's search kept in the page's URL (q, facets, sort, page), so a search can be bookmarked
 * and the back button undoes a filter. `fixed` adds criteria the page itself sets (a department).
 */
export function usePortalSearch(fixed: () => Record<string, string> = () => ({})) {
  const route = useRoute();
  const router = useRouter();
  const ownRoute = route.name;
  const result = ref<PortalSearchResult | null>(null);
  const loading = ref(false);

  const criteria = computed(() => {
    const out: Record<string, string> = {};
    for (const k of SEARCH_PARAMS) {
      const v = route.query[k];
      if (typeof v === 'string' && v) out[k] = v;
    }
    return out;
  });
  const page = computed(() => Number(criteria.value['page']) || 1);

  let seq = 0;
  async function load() {
    const mine = ++seq;
    loading.value = true;
    try {
      const r = await portalApi.search({ ...criteria.value, ...fixed(), page: page.value, pageSize: PAGE_SIZE });
      if (mine === seq) result.value = r;
    } catch (e) {
      if (mine === seq) showError(e);
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  watch(
    () => JSON.stringify([criteria.value, fixed()]),
    () => {
      // Leaving for another page changes the URL too: that is not a new search.
      if (route.name === ownRoute) void load();
    },
    { immediate: true },
  );

  /** A new search: these criteria changed, back to the first page unless a page is given. */
  function update(changes: Record<string, string | undefined>) {
    const next: Record<string, string | undefined> = { ...criteria.value, page: undefined, ...changes };
    const query = Object.fromEntries(Object.entries(next).filter(([, v]) => v)) as Record<string, string>;
    void router.push({ query });
  }

  function toPage(p: number) {
    update({ page: p > 1 ? String(p) : undefined });
    window.scrollTo({ top: 0 });
  }

  return { result, loading, criteria, page, update, toPage };
}
