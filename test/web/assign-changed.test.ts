import { describe, expect, it } from 'vitest';
import { reactive, watch, nextTick } from 'vue';
import { assignChanged } from '../../src/web/utils/assign-changed';

describe('refreshing data a page already shows', () => {
  it('ends equal to the new data, touching only the fields that changed', async () => {
    const shown = reactive<Record<string, unknown>>({
      name: '企业登记信息',
      counts: { views: 1, downloads: 2 },
      items: [{ name: '统一社会信用代码' }],
      gone: true,
    });
    const fresh = { name: '企业登记信息', counts: { views: 2, downloads: 2 }, items: [{ name: '统一社会信用代码' }] };
    const items = shown['items'];
    const seen: string[] = [];
    for (const k of ['name', 'counts', 'items', 'gone'])
      watch(
        () => shown[k],
        () => seen.push(k),
      );

    expect(assignChanged(shown, fresh)).toBe(shown);
    await nextTick();
    expect(shown).toEqual(fresh);
    expect(shown['items']).toBe(items);
    expect(seen.sort()).toEqual(['counts', 'gone']);
  });
});
