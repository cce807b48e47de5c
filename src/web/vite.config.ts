import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import elementPlusStyles from 'unplugin-element-plus/vite';

// Paths are resolved from this file, so the build works from any working directory.
const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * Vendor code in two stable chunks (Vue's family; Element Plus' shared utilities), which every page
 * needs. Element Plus' components are deliberately not grouped: a group gathers every component any
 * page uses into one chunk that the entry then loads, so the public portal paid for the console's
 * tables, trees and date pickers. Left alone, each component lands in the chunk of the pages that use
 * it. Rolldown's automatic maxSize splitting was tried and produced chunks that evaluated out of
 * order ("undefined is not a function"), hence explicit groups.
 */
const CHUNKS: Array<[name: string, test: RegExp]> = [
  ['vue-vendor', /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/],
  [
    'ep-base',
    /node_modules[\\/](element-plus[\\/]es[\\/](utils|hooks|constants|locale|directives|make-installer|version)|@element-plus|@floating-ui|@popperjs|async-validator|lodash-es|lodash-unified|@ctrl|memoize-one|normalize-wheel-es|@vueuse|dayjs)[\\/]/,
  ],
];

/**
 * Writes a brotli and a gzip copy beside each text file of the build; the server sends them as they
 * are (@fastify/static preCompressed), so nothing is compressed per request.
 */
function precompress(): Plugin {
  const TEXT = /\.(js|css|html|svg|json|txt)$/;
  return {
    name: 'govshare-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? `${here}../../dist/web`;
      await Promise.all(
        Object.keys(bundle)
          .filter((f) => TEXT.test(f))
          .map(async (f) => {
            const file = path.join(dir, f);
            const data = await readFile(file);
            if (data.length < 1024) return;
            const br = promisify(brotliCompress)(data, {
              params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
            });
            const gz = promisify(gzip)(data, { level: 9 });
            await Promise.all([writeFile(`${file}.br`, await br), writeFile(`${file}.gz`, await gz)]);
          }),
      );
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  // Each Element Plus component brings its own CSS into the chunk that uses it (the whole library's
  // stylesheet was 366 kB, render-blocking on every page, most of it the console's tables and pickers).
  plugins: [vue(), elementPlusStyles({}), precompress()],
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
    // No preload links for a lazy chunk's imports: inserting them (about 35 for a portal page, mostly
    // Element Plus' per-component styles' modules) was a third of the router's first navigation on a
    // phone, longer than the extra round trip the browser spends finding the imports itself. A lazy
    // chunk's CSS is still added when it loads.
    modulePreload: false,
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
