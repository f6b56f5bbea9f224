import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn, signedInPage } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { burger, fries } from '../support/fixtures.ts';
import { when } from '../../views/shell/format.ts';

// In Chromium: the dashboard's today in a zone whose date is not UTC's, with a cancelled order shown
// apart from the counted ones, at phone and desktop widths; and a row that arrives over the stream
// reads in the same zone as the rows the page was rendered with.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
// Kiritimati is UTC+14, Honolulu UTC−10: one of them is on another date than UTC at any hour.
const [{ zone, today }] = await t.sql`select z as zone, to_char(now() at time zone z, 'YYYY-MM-DD') as today
  from unnest(array['Pacific/Kiritimati', 'Pacific/Honolulu']) z
  where (now() at time zone z)::date <> (now() at time zone 'UTC')::date limit 1`;
expect((await t.a.patch('/api/v1/settings', { timezone: zone })).status).toBe(200);
for (let i = 0; i < 3; i++) {
  const r = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger, fries] });
  if (i === 2) await t.a.post(`/api/v1/orders/${r.body.id}/status`, { status: 'cancelled' });
}
const john = (await t.a.post('/api/v1/customers', { phone: '+447306506797', name: 'John Doe' })).body;

const ui = browserOn(t.app);

const signedIn = (viewport: { width: number; height: number }) => signedInPage(ui, viewport.width);

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe("the dashboard in the tenant's zone, in Chromium", () => {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    test(`at ${viewport.width} px: today is the zone's day, orders today and revenue leave the cancelled order out`, async () => {
      const page = await signedIn(viewport);
      const body = page.locator('#dashboard');
      expect(await body.getAttribute('data-today')).toBe(today);
      expect(await page.locator('.today').innerText()).toContain(`(${zone})`);
      const orders = page.locator('.figures li[data-figure="orders"]');
      expect(await orders.locator('strong').innerText()).toBe('2');
      expect(await orders.locator('small').innerText()).toBe('1 cancelled');
      expect(await page.locator('.figures li[data-figure="revenue"] strong').innerText()).toBe('£40.00');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/dashboard-local-time-${viewport.width}.png`, fullPage: true });
      await page.context().close();
    }, 60_000);
  }

  test('a row arriving over the stream shows its time in the zone, as the rendered rows do', async () => {
    const page = await signedIn({ width: 1280, height: 800 });
    await page.goto(`${ui.origin}/alpha/admin/activity`);
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });
    expect((await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 5, reason: 'Zone check' })).status).toBe(200);
    const [{ at }] = await t.sql`select iso(created_at) as at from events where tenant_id = ${t.tenantA.id} and type = 'loyalty_updated' order by id desc limit 1`;
    const row = page.locator(`time[datetime="${at}"]`).first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toBe(when(at, zone));
    await page.context().close();
  }, 60_000);
});
