import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { compileMessage } from '../../src/web/i18n/compile';
import zhCN from '../../src/web/i18n/zh-CN';
import en from '../../src/web/i18n/en';

/** Every leaf of a message tree, as a dotted key and its text. */
function leaves(tree: object, prefix = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([k, v]): Array<[string, string]> =>
    typeof v === 'string' ? [[`${prefix}${k}`, v]] : leaves(v as object, `${prefix}${k}.`),
  );
}

describe('web app texts', () => {
  const messages = { 'zh-CN': zhCN, en };
  // As the app sets it up (src/web/i18n/index.ts), and vue-i18n with its own compiler for every text.
  const ours = createI18n({ legacy: false, locale: 'zh-CN', messages, messageCompiler: compileMessage });
  const reference = createI18n({ legacy: false, locale: 'zh-CN', messages });

  it.each([
    ['zh-CN', zhCN],
    ['en', en],
  ] as const)('reads as vue-i18n’s compiler reads them (%s), placeholders filled', (locale, tree) => {
    const all = leaves(tree);
    expect(all.length).toBeGreaterThan(500);
    let withPlaceholders = 0;
    for (const [key, text] of all) {
      const named = Object.fromEntries([...text.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], `«${m[1]}»`]));
      if (Object.keys(named).length) withPlaceholders++;
      const read = ours.global.t(key, named, { locale });
      expect(read, key).toBe(reference.global.t(key, named, { locale }));
      expect(read, key).not.toContain('{');
    }
    expect(withPlaceholders).toBeGreaterThan(20);
  });
});
