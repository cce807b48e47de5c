/** Small Element Plus helpers for the browser tests: pick from selects, wait for API answers. */
import type { Locator, Page, Request, Response } from 'playwright-core';
import { expect } from 'vitest';

/** The open dropdown/popper (Element Plus teleports them to <body>). */
export const openPopper = (page: Page) => page.locator('.el-popper:visible');

/** Opens an ElSelect / ElTreeSelect by its test id and clicks the option with this exact text. */
export async function choose(page: Page, testId: string, option: string, typeToFilter?: string): Promise<void> {
  // ElTreeSelect copies its attributes onto the inner tree too, so aim at the select box itself.
  const select = page.locator(`.el-select[data-testid="${testId}"]`);
  await select.click();
  // This select's own list (the input names it): another select's list may still be fading out
  // with the same options in it, and a click there lands on nothing.
  const list = await select.locator('input[role="combobox"]').first().getAttribute('aria-controls');
  const popper = list ? page.locator(`[id="${list}"]`) : openPopper(page);
  if (typeToFilter !== undefined) {
    await select.locator('input').fill(typeToFilter);
    // A remote select shows its old list until the search answers, then replaces it: a click in
    // between lands on an option being replaced and leaves the list open. Wait for the filtered list.
    await expect
      .poll(async () => {
        const items = await popper.locator('.el-select-dropdown__item').allInnerTexts();
        const target = await popper.getByText(option, { exact: true }).count();
        return target > 0 && items.every((text) => text.includes(typeToFilter));
      })
      .toBe(true);
  }
  await popper.getByText(option, { exact: true }).first().click();
}

/**
 * Waits for the answer to the API call that the action sends. Only requests sent from now on
 * count: a page's own first load may still be answering when the test acts, and its response must
 * not be taken for the one the action caused. `match` narrows further by query string.
 */
export async function expectCall(
  page: Page,
  method: string,
  path: string,
  action: () => Promise<unknown>,
  match: (url: URL) => boolean = () => true,
): Promise<Response> {
  const sent = page.waitForRequest((r) => {
    const url = new URL(r.url());
    return r.method() === method && url.pathname === path && match(url);
  });
  await action();
  const res = await (await sent).response();
  if (!res) throw new Error(`${method} ${path}: no response`);
  return res;
}

/** Table rows (body) of the ElTable with this test id that contain the text. */
export const rowsWith = (page: Page, tableTestId: string, text: string): Locator =>
  page.getByTestId(tableTestId).locator('.el-table__body-wrapper tr.el-table__row', { hasText: text });

/** The <input> of an Element Plus field, whether the test id landed on the input or on its wrapper. */
export const inputOf = (page: Page | Locator, testId: string): Locator =>
  page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();

/** Accepts the open confirmation box (confirmAction in composables/feedback.ts). */
export async function acceptConfirm(page: Page): Promise<void> {
  await page.locator('.gs-confirm .el-message-box__btns .el-button--primary').click();
  await page.locator('.gs-confirm').waitFor({ state: 'hidden' });
}

/** The <textarea> of an Element Plus textarea field, wherever its test id landed. */
export const textareaOf = (scope: Page | Locator, testId: string): Locator =>
  scope.locator(`textarea[data-testid="${testId}"], [data-testid="${testId}"] textarea`).first();

/**
 * Counts the requests the page sends to one API path from now on, to prove that a form refused by
 * the browser's own validation sent nothing.
 */
export function countCalls(page: Page, method: string, path: string): () => number {
  let n = 0;
  page.on('request', (r: Request) => {
    if (r.method() === method && new URL(r.url()).pathname === path) n += 1;
  });
  return () => n;
}
