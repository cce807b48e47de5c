import { createApp, nextTick } from 'vue';
import { createPinia } from 'pinia';
// Element Plus styles come per component with each import (unplugin-element-plus, vite.config.ts);
// the v-loading directive is not a component the plugin sees, so its style is imported here.
import 'element-plus/es/components/loading/style/css';
import './styles.css';
import App from './App.vue';
import { i18n, restoreLocale } from './i18n';
import { router } from './router';
import { nextTask } from './utils/next-task';
import { frameOnly } from './utils/first-render';

/**
 * The app starts in steps, each a task of its own: the modules' evaluation, the app with its
 * plugins, the router's first navigation (which loads the page's chunks), the mount (of a
 * server-rendered page: its frame, then the page). On a phone each step is a long task, in which
 * the browser answers no tap; one after the other in one task they would block it for their sum
 * (Lighthouse's Total Blocking Time counts what each task lasts over 50 ms).
 */
async function start() {
  await nextTask();
  const app = createApp(App).use(createPinia()).use(i18n);
  await nextTask();
  app.use(router);
  await Promise.all([router.isReady(), restoreLocale()]).catch(() => undefined);
  await nextTask();
  const host = document.getElementById('app')!;
  if (!host.firstElementChild) {
    app.mount(host);
    return;
  }
  // A page the server rendered stays on screen while the app renders off it: the frame in this task,
  // the page in the next, then the app takes the server's page's place at once (nothing blank between).
  const root = document.createElement('div');
  frameOnly.value = true;
  app.mount(root);
  await nextTask();
  frameOnly.value = false;
  await nextTick();
  root.id = 'app';
  host.replaceWith(root);
}
void start();
