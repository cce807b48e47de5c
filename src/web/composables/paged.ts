import { reactive, ref, type Ref } from 'vue';
import { api, type Paged, type Query } from '../api/client';
import { showError } from './feedback';

/** A paged list bound to a filter object: load(), search() (back to page 1), and page/pageSize refs. */
export function usePagedList<T, F extends Query>(path: string, initialFilter: F, pageSize = 20) {
  const filter = reactive({ ...initialFilter }) as F;
  const items = ref([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const size = ref(pageSize);
  const loading = ref(false);
  let seq = 0;

  async function load(): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    try {
      const r = await api.get<Paged<T>>(path, { ...filter, page: page.value, pageSize: size.value });
      if (mine !== seq) return;
      items.value = r.items;
      total.value = r.total;
    } catch (e) {
      if (mine === seq) showError(e);
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  function search(): Promise<void> {
    page.value = 1;
    return load();
  }

  /** Another page of the same filter (a pager's change). */
  function toPage(p: number): Promise<void> {
    page.value = p;
    return load();
  }

  function reset(): Promise<void> {
    Object.assign(filter, initialFilter);
    return search();
  }

  return { filter, items, total, page, size, loading, load, search, toPage, reset };
}
