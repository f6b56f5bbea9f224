import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn, overflow, signedInPage } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { enrol } from '../support/fixtures.ts';

// Points expiry in a real browser at a phone's width (390 px) and a desk's (1280 px): the owner switches it
// on in Settings, and the customer page shows the next expiry. Chromium comes from the system.


const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const ui = browserOn(t.app);
const SHOTS = ui.shots;

const ownerAt = (width: number) => signedInPage(ui, width);


describe('points expiry in a browser', () => {
  for (const width of [390, 1280]) {
    test(`at ${width} px the owner sets expiry in Settings and the customer page shows the next expiry, without sideways scroll`, async () => {
      await t.a.patch('/api/v1/settings', { pointsExpireAfterDays: null });
      const page = await ownerAt(width);
      await page.goto(`${ui.origin}/alpha/admin/settings`);
      await page.getByLabel('Points expire after (days)').fill('180');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.locator('#settings-form .ok', { hasText: 'Settings saved.' }).waitFor();
      expect(await page.getByLabel('Points expire after (days)').inputValue()).toBe('180');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SHOTS}/expiry-settings-${width}.png`, fullPage: true });
      expect((await t.sql`select points_expire_after_days as d from tenants where id = ${t.tenantA.id}`)[0].d).toBe(180);

      const c = await enrol(t.a, `+4473065${30000 + width}`, 40, 'Eve Expiry');
      await page.goto(`${ui.origin}/alpha/admin/customers/${c.id}`);
      await expect(page.locator('#next-expiry').innerText()).resolves.toMatch(/^40 points on \d{1,2} \w{3} \d{4}$/);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SHOTS}/expiry-customer-${width}.png` });
      await page.context().close();
    }, 60_000);
  }
});
