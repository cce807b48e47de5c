import { ApiError } from '../api/client';
import { currentLocale, i18n } from '../i18n';

/**
 * Element Plus' message and message box load on first use: nearly every page imports this module,
 * and their 31 kB of script and 20 kB of styles were part of every page's start (on a phone, a long
 * task) for messages most visits never show.
 */
const element = () => import('./feedback-element');

/** Shows an error the way the user reads it: messageZh in Chinese mode, message in English. */
export function showError(e: unknown): void {
  const text = e instanceof ApiError ? e.localized(currentLocale()) : i18n.global.t('common.unknownError');
  void element().then(({ ElMessage }) =>
    ElMessage({ type: 'error', message: text, showClose: true, duration: 5000, customClass: 'gs-error-message' }),
  );
  if (!(e instanceof ApiError)) console.error(e);
}

export function showSuccess(text: string): void {
  void element().then(({ ElMessage }) => ElMessage({ type: 'success', message: text }));
}

/** Resolves true when the user confirms, false when they cancel or close the box. */
export async function confirmAction(message: string, type: 'warning' | 'info' = 'warning'): Promise<boolean> {
  const t = i18n.global.t;
  const { ElMessageBox } = await element();
  try {
    await ElMessageBox.confirm(message, t('common.confirmTitle'), {
      type,
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      customClass: 'gs-confirm',
    });
    return true;
  } catch {
    return false;
  }
}
