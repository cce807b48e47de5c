import { onBeforeUnmount, shallowRef } from 'vue';

const named = shallowRef<(() => string | null) | null>(null);

/** The title a page gave itself from its data (a dataset's name), ahead of its route's title; null when none. */
export const pageTitle = (): string | null => named.value?.() ?? null;

/** Names the browser tab after what the page shows, for as long as the page is mounted. */
export function usePageTitle(title: () => string | null): void {
  named.value = title;
  onBeforeUnmount(() => {
    if (named.value === title) named.value = null;
  });
}
