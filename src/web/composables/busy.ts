import { ref } from 'vue';
import { showError } from './feedback';

/**
 * A busy flag for a submit button and run(fn), which sets it while fn runs, shows fn's error
 * if any, and returns fn's result, or undefined on failure.
 */
export function useBusy() {
  const busy = ref(false);

  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    try {
      return await fn();
    } catch (e) {
      showError(e);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  return { busy, run };
}
