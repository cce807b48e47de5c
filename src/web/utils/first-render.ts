import { ref } from 'vue';

/**
 * While true, the portal's frame renders without its page: the app's first render of a page the
 * server rendered comes in two tasks, the frame and then the page (main.ts), instead of one long one.
 */
export const frameOnly = ref(false);
