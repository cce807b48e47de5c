import { createI18n } from 'vue-i18n';
import { computed } from 'vue';
import zhCnElement from 'element-plus/es/locale/lang/zh-cn';
import enElement from 'element-plus/es/locale/lang/en';
import zhCN, { type Messages } from './zh-CN';
import { compileMessage } from './compile';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: Locale[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'govshare.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    // Private mode or storage disabled: fall through to the default.
  }
  return 'zh-CN';
}

// Chinese is built in (the default, and the fallback); English loads when chosen, so most visitors
// do not download a second copy of every text.
export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  messageCompiler: compileMessage,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN } as Record<Locale, Messages>,
});

async function loadMessages(locale: Locale): Promise<void> {
  if (locale === 'en' && !i18n.global.availableLocales.includes('en'))
    i18n.global.setLocaleMessage('en', (await import('./en')).default);
}

/** The language saved from the last visit, with its texts loaded: awaited before the app mounts. */
export async function restoreLocale(): Promise<void> {
  const locale = initialLocale();
  if (locale !== 'zh-CN') await setLocale(locale);
}

export async function setLocale(locale: Locale): Promise<void> {
  await loadMessages(locale);
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not persisted; the switch still works for this page.
  }
}

export function currentLocale(): Locale {
  return i18n.global.locale.value;
}

/** Element Plus' own texts (pagination, date pickers, empty states) follow the UI language. */
export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? enElement : zhCnElement));

/** A role's display name in the current language; unknown codes are shown as they are. */
export function roleName(code: string): string {
  const key = `roles.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}
