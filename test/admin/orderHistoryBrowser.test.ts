import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn, signedInPage, overflow } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { burger, enrol, fries, issueCard } from '../support/fixtures.ts';

// The orders History view, one order's page and its printable receipts in a real browser, at a phone's
// width (390 px) and a desk's (1280 px). Chromium comes from the system (test/support/browser.ts).

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
await enrol(t.a, '+447306506797', 300, 'Zoë Ådams');
const card = await issueCard(t.a, 2000);
const zoe = (await t.a.post('/api/v1/orders', {
  source: 'pos', orderType: 'collection', customer: { phone: '07306 506797' }, items: [burger, fries], redeemPoints: 100,
  giftCard: { code: card.code, amountCents: 500 }, specialInstructions: 'Extra napkins, and a very long note to check it wraps on a phone',
})).body;
for (let i = 0; i < 3; i++) await t.a.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger] });
await t.a.post(`/api/v1/orders/${zoe.id}/status`, { status: 'preparing' });
await t.a.post(`/api/v1/orders/${zoe.id}/status`, { status: 'ready' });
await t.a.post(`/api/v1/orders/${zoe.id}/status`, { status: 'completed' });
await t.sql`update orders set created_at = '2026-03-14T12:00:00Z' where id = ${zoe.id}`;

const ui = browserOn(t.app);
const origin = ui.origin;

async function signedIn(width: number): Promise<Page> {
  const page = await signedInPage(ui, width);
  return page;
}

const rowNumbers = (page: Page) => page.locator('#order-rows th[scope="row"]').allInnerTexts();
/** Wait until the results show exactly these orders (the search swaps them in after a short delay). */
const rowsAre = (page: Page, expected: string[]) => page.waitForFunction(
  (want) => JSON.stringify([...document.querySelectorAll('#order-rows th[scope="row"]')].map((e) => e.textContent)) === want,
  JSON.stringify(expected));

describe('order history in a browser', () => {
  for (const width of [390, 1280]) {
    test(`at ${width} px: the History view searches by customer, phone, number and dates in place; the order page and its receipts print`, async () => {
      const page = await signedIn(width);
      await page.goto(`${origin}/alpha/admin/orders`);
      await page.getByRole('link', { name: 'History' }).click();
      await page.waitForURL(`${origin}/alpha/admin/orders/history`);
      expect(await rowNumbers(page)).toEqual(['ORD-1004', 'ORD-1003', 'ORD-1002', 'ORD-1001']);
      await page.evaluate(() => { (window as any).__sameDocument = true; });

      // Active search: the results swap in place as the person types (no page load).
      await page.getByLabel('Number, customer or phone').fill('zoe');
      await rowsAre(page, ['ORD-1001']);
      await page.getByLabel('Number, customer or phone').fill('ord-1003');
      await rowsAre(page, ['ORD-1003']);
      await page.getByLabel('Number, customer or phone').fill('07306 506797');
      await rowsAre(page, ['ORD-1001']);
      await page.getByLabel('Number, customer or phone').fill('');
      await rowsAre(page, ['ORD-1004', 'ORD-1003', 'ORD-1002', 'ORD-1001']);
      await page.getByLabel('From', { exact: true }).fill('2026-03-14');
      await page.getByLabel('To', { exact: true }).fill('2026-03-14');
      await rowsAre(page, ['ORD-1001']);
      await page.getByLabel('Status').selectOption('cancelled');
      await page.locator('#order-results .empty', { hasText: 'No order matches this search.' }).waitFor();
      await page.getByLabel('Status').selectOption('completed');
      await rowsAre(page, ['ORD-1001']);
      // A range that ends before it starts is named, not a blank page.
      await page.getByLabel('From', { exact: true }).fill('2026-03-15');
      await page.locator('#order-results .field-error', { hasText: 'to must not be before from' }).waitFor();
      expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
      await page.getByLabel('From', { exact: true }).fill('2026-03-14');
      await rowsAre(page, ['ORD-1001']);
      await page.screenshot({ path: `${ui.shots}/order-history-${width}.png`, fullPage: true });
      expect(await overflow(page)).toBeLessThanOrEqual(0);

      // The order page: items, who moved it, its points and gift card movements.
      await page.getByRole('link', { name: 'ORD-1001' }).click();
      await page.waitForURL(`${origin}/alpha/admin/orders/${zoe.id}`);
      await page.getByRole('heading', { name: 'Order ORD-1001' }).waitFor();
      expect(await page.locator('#status-history li').allInnerTexts()).toEqual([
        expect.stringContaining('placed (pending) by API key default'),
        expect.stringContaining('pending → preparing by API key default'),
        expect.stringContaining('preparing → ready'),
        expect.stringContaining('ready → completed'),
      ]);
      expect(await page.locator('#order-ledger tbody tr').count()).toBe(2); // the redemption and the earn
      expect(await page.locator('#order-gift-card tbody tr').count()).toBe(1);
      await page.screenshot({ path: `${ui.shots}/order-detail-${width}.png`, fullPage: true });
      expect(await overflow(page)).toBeLessThanOrEqual(0);

      // Receipts in print media: the buttons and nav are gone, the paper is all there is.
      await page.getByRole('link', { name: 'Kitchen ticket' }).click();
      await page.waitForURL(/receipt\?view=kitchen/);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.receipt-actions').isVisible()).toBe(false);
      expect(await page.locator('.ticket-items li').allInnerTexts()).toEqual(['2× Burger', '1× Fries']);
      expect(await page.locator('.receipt').innerText()).not.toContain('£');
      await page.screenshot({ path: `${ui.shots}/receipt-kitchen-print-${width}.png`, fullPage: true });
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.emulateMedia({ media: 'screen' });
      expect(await page.locator('.receipt-actions').isVisible()).toBe(true);
      await page.getByRole('link', { name: 'Customer receipt' }).click();
      await page.waitForURL(/receipt\?view=customer/);
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
      const receipt = await page.locator('.receipt').innerText();
      expect(receipt).toContain('Alpha Diner');
      // Subtotal less the points discount and the gift card, as the order says.
      const pounds = (cents: number) => `£${(cents / 100).toFixed(2)}`;
      expect(receipt).toMatch(new RegExp(`Total\\s+${pounds(zoe.totalCents)}`));
      expect(receipt).toContain(`Gift card\t−${pounds(500)}`);
      await page.screenshot({ path: `${ui.shots}/receipt-customer-print-${width}.png`, fullPage: true });
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.context().close();
    }, 30_000);
  }
});
