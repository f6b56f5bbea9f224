import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn, openMenu, signedInPage, overflow } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { issueCard } from '../support/fixtures.ts';

// The gift card list and its liability panel in a real browser at a phone's width (390 px) and a desk's
// (1280 px): reached from the Gift cards nav entry, searched and filtered in place, no sideways scroll.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const robin = await issueCard(t.a, 2500, { purchasedBy: 'Robin Hood', recipientName: 'Marian Fitzwalter' });
const quill = await issueCard(t.a, 1000, { purchasedBy: 'Zoë Quill' });
const spent = await issueCard(t.a, 700, { purchasedBy: 'Sam Spender' });
expect((await t.a.post(`/api/v1/gift-cards/${spent.code}/redeem`, { amountCents: 700 })).status).toBe(200);
const masked = (code: string) => `GC-****-****-****-${code.slice(-4)}`;

const ui = browserOn(t.app);
const origin = ui.origin;

async function ownerOnList(width: number): Promise<Page> {
  const page = await signedInPage(ui, width);
  await openMenu(page);
  await page.getByRole('link', { name: 'Gift cards', exact: true }).click();
  await page.waitForURL(`${origin}/alpha/admin/gift-cards`);
  await page.getByRole('link', { name: /All gift cards/ }).click();
  await page.waitForURL(`${origin}/alpha/admin/gift-cards/list`);
  return page;
}

const rows = (page: Page) => page.locator('#gc-rows tr th.mono').allTextContents();

describe('the gift card list in a browser', () => {
  for (const width of [390, 1280]) {
    test(`at ${width} px an owner searches and filters the list and reads the liability, with no sideways scroll`, async () => {
      const page = await ownerOnList(width);
      expect(await rows(page)).toEqual([masked(spent.code), masked(quill.code), masked(robin.code)]);
      await expect(page.locator('#gcl-outstanding').textContent()).resolves.toBe('£35.00');
      await page.screenshot({ path: `${ui.shots}/gift-card-list-${width}.png`, fullPage: true });
      expect(await overflow(page)).toBeLessThanOrEqual(0);

      await page.locator('#gcl-q').fill('zoe');
      await page.waitForFunction(() => document.querySelectorAll('#gc-rows tr th.mono').length === 1);
      expect(await rows(page)).toEqual([masked(quill.code)]);

      await page.locator('#gcl-q').fill('');
      await page.locator('#gcl-status').selectOption('spent');
      await page.waitForFunction((m) => [...document.querySelectorAll('#gc-rows tr th.mono')].map((e) => e.textContent).join() === m,
        masked(spent.code));

      // Last month alone: nothing was sold then, and nothing was owed at its end.
      const now = new Date();
      const lastMonthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 10);
      await page.locator('#gcl-from').fill(`${lastMonthEnd.slice(0, 8)}01`);
      await page.locator('#gcl-to').fill(lastMonthEnd);
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForFunction(() => document.querySelector('#gcl-sold')?.textContent === '£0.00');
      expect(await page.locator('#gcl-outstanding').textContent()).toBe('£0.00');
      // Tap targets a thumb can hit.
      for (const sel of ['#gcl-q', '#gcl-status', '#gcl-from']) {
        expect((await page.locator(sel).boundingBox())!.height).toBeGreaterThanOrEqual(44);
      }
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/gift-card-list-filtered-${width}.png`, fullPage: true });
      console.log(`screenshots: ${ui.shots}`);
      await page.context().close();
    }, 30_000);
  }
});
