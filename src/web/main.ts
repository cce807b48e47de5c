import { createApp } from 'vue';
import { createPinia } from 'pinia';
// Element Plus styles come per component with each import (unplugin-element-plus, vite.config.ts);
// the v-loading directive is not a component the plugin sees, so its style is imported here.
import 'element-plus/es/components/loading/style/css';
import './styles.css';
import App from './App.vue';
import { i18n, restoreLocale } from './i18n';
import { router } from './router';

const app = createApp(App).use(createPinia()).use(i18n).use(router);
// Mounting empties #app: a dataset page the server pre-rendered stays readable until its route is ready.
void Promise.all([router.isReady(), restoreLocale()]).finally(() => app.mount('#app'));
