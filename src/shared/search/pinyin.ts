import { match, pinyin } from 'pinyin-pro';

/**
 * Pinyin for search (R-05, issue #12 point 3): people type `shangrao` or the initials `qydj` for
 * 企业登记 on phones and keyboards without an input method. A name's key is its full pinyin and its
 * initials, lower case, without tones or spaces ("shangraoshi srs"); search matches a substring of it.
 */
export function pinyinKey(name: string): string {
  const chinese = name.replace(/[^\p{Script=Han}a-zA-Z0-9]/gu, '');
  if (!chinese) return '';
  const full = pinyin(chinese, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('');
  const initials = pinyin(chinese, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).join(
    '',
  );
  return `${full} ${initials}`.toLowerCase();
}

/** Whether search text is pinyin (letters only, at least two): then names are matched by their pinyin too. */
export const isPinyinQuery = (text: string): boolean => /^[a-z]{2,40}$/i.test(text);

/** Which characters of the name the pinyin text stands for (for highlights), or null. */
export function pinyinMatch(name: string, text: string): number[] | null {
  return match(name, text.toLowerCase(), { continuous: true }) ?? null;
}
