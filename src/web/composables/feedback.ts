import { ElMessage, ElMessageBox } from 'element-plus';
import { ApiError } from '../api/client';
import { currentLocale, i18n } from '../i18n';

/** Shows an error the way the user reads it: messageZh in Chinese mode, message in English. */
export function showError(e: unknown): void {
  const text = e instanceof ApiError ? e.localized(currentLocale()) : i18n.global.t('common.unknownError');
  ElMessage({ type: 'error', message: text, showClose: true, duration: 5000, customClass: 'gs-error-message' });
  if (!(e instanceof ApiError)) console.error(e);
}

export function showSuccess(text: string): void {
  ElMessage({ type: 'success', message: text });
}

/** Resolves true when the user confirms, false when they cancel or close the box. */
export async function confirmAction(message: string, type: 'warning' | 'info' = 'warning'): Promise<boolean> {
  const t = i18n.global.t;
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
