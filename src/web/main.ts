import { createApp } from 'vue';
import { createPinia } from 'pinia';
// Element Plus styles come per component with each import (unplugin-element-plus, vite.config.ts);
// the v-loading directive is not a component the plugin sees, so its style is imported here.
import 'element-plus/es/components/loading/style/css';
import './styles.css';
import App from './App.vue';
import { i18n, restoreLocale } from './i18n';
import { router } from './router';
import { nextTask } from './utils/next-task';

/**
 * The app starts in steps, each a task of its own: the modules' evaluation, the app with its
 * plugins, the router's first navigation (which loads the page's chunks), the mount. On a phone
 * each step is a long task, in which the browser answers no tap; one after the other in one task
 * they would block it for their sum (Lighthouse's Total Blocking Time counts what each task lasts
 * over 50 ms).
 */
async function start() {
  await nextTask();
  const app = createApp(App).use(createPinia()).use(i18n);
  await nextTask();
  app.use(router);
  await Promise.all([router.isReady(), restoreLocale()]).catch(() => undefined);
  // Mounting empties #app: a page the server pre-rendered stays readable until its route is ready.
  await nextTask();
  app.mount('#app');
}
void start();
