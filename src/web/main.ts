import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';

const app = createApp(App).use(createPinia()).use(i18n).use(router);
// Mounting empties #app: a dataset page the server pre-rendered stays readable until its route is ready.
void router.isReady().finally(() => app.mount('#app'));
