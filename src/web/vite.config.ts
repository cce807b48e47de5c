import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// Paths are resolved from this file, so the build works from any working directory.
const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * Vendor code split by package family so no single chunk carries the whole UI library plus the app.
 * Element Plus' heavy data components (table, tree, date pickers with dayjs) get their own chunk,
 * which only pages with tables need. Rolldown's automatic maxSize splitting was tried and produced
 * chunks that evaluated out of order ("undefined is not a function"), hence explicit groups.
 */
const CHUNKS: Array<[name: string, test: RegExp]> = [
  ['vue-vendor', /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/],
  [
    'ep-base',
    /node_modules[\\/](element-plus[\\/]es[\\/](utils|hooks|constants|locale|directives|make-installer|version)|@element-plus|@floating-ui|@popperjs|async-validator|lodash-es|lodash-unified|@ctrl|memoize-one|normalize-wheel-es|@vueuse|dayjs)[\\/]/,
  ],
  [
    'ep-data',
    /node_modules[\\/]element-plus[\\/]es[\\/]components[\\/](table|table-v2|tree|tree-select|tree-v2|date-picker|date-picker-panel|time-picker|time-select)[\\/]/,
  ],
  ['element-plus', /node_modules[\\/]element-plus[\\/]/],
];

export default defineConfig({
  root: here,
  base: '/',
  plugins: [vue()],
  // vue-i18n feature flags: Composition API only, no devtools hooks in production (smaller, no console warning).
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: `${here}../../dist/web`,
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: CHUNKS.map(([name, test], i) => ({ name, test, priority: CHUNKS.length - i })),
        },
      },
    },
  },
  server: {
    port: 5173,
    // /open/api is the open API and its try-it page, served by the same server.
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: false },
      '/open/api': { target: 'http://localhost:3000', changeOrigin: false },
    },
  },
});
