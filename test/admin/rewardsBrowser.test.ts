import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn, signedInPage, overflow } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { enrol } from '../support/fixtures.ts';

// The rewards menu at the counter in a real browser, at a phone's width (390 px) and a desk's (1280 px):
// an owner adds a reward on the Rewards page; the POS offers it to a customer who can afford it as a big
// button, and a tap redeems it in place. Chromium comes from the system (test/support/browser.ts).

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');

const ui = browserOn(t.app);
const origin = ui.origin;

async function ownerAt(width: number): Promise<Page> {
  const page = await signedInPage(ui, width);
  return page;
}

const shows = (page: Page, selector: string, text: string) => page.locator(selector, { hasText: text }).first().waitFor({ timeout: 5000 });

describe('rewards at the counter in a browser', () => {
  for (const [width, n] of [[390, 1], [1280, 2]] as const) {
    test(`at ${width} px an owner adds a reward, and the POS offers it to a customer who can afford it as a big button that redeems`, async () => {
      const page = await ownerAt(width);
      await page.goto(`${origin}/alpha/admin/rewards`);
      const form = page.locator('#reward-form');
      await form.getByLabel('Name').fill(`Free coffee ${n}`);
      await form.getByLabel('Points cost').fill('100');
      await form.getByLabel('Free item').fill('Coffee');
      await form.getByRole('button', { name: 'Add reward' }).click();
      await shows(page, '#reward-form .ok', `Free coffee ${n} added.`);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/rewards-page-${width}.png`, fullPage: true });

      const c = await enrol(t.a, `+44730720000${n}`, 140, `Robin ${n}`);
      await page.goto(`${origin}/alpha/admin/pos`);
      await page.locator('#pos-phone').fill(c.phone);
      await page.getByRole('button', { name: 'Look up' }).click();
      const button = page.locator('.pos-rewards button', { hasText: `Free coffee ${n}` });
      await button.waitFor();
      const box = (await button.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      await page.screenshot({ path: `${ui.shots}/pos-rewards-${width}.png`, fullPage: true });

      await button.click();
      await shows(page, '#pos-card .ok', `Redeemed Free coffee ${n}: 40 points left.`);
      // 40 points no longer cover the reward: the button is gone from the re-rendered card.
      await page.locator('#pos-card .pos-rewards[data-count]').waitFor({ state: 'attached' });
      expect(await page.locator('.pos-rewards button', { hasText: `Free coffee ${n}` }).count()).toBe(0);
      const [l] = await t.sql`select type, points, reward_id is not null as named from ledger where customer_id = ${c.id} order by seq desc limit 1`;
      expect(l).toEqual({ type: 'redeem', points: -100, named: true });
      await page.context().close();
    }, 30_000);
  }
});
