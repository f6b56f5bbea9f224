import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { enrol } from '../support/fixtures.ts';

// Two admins edit one customer in real Chromium, at a phone's width (390 px) and a desk's (1280 px):
// an untouched form follows the other admin's save live; a form being typed in meets the conflict view
// on save and resolves it (overwrite with mine at 390, keep theirs at 1280).

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'ana@alpha.test', 'ana password');
await createAdmin(t.sql, t.tenantA.id, 'bob@alpha.test', 'bob password');

const ui = browserOn(t.app);
const origin = ui.origin;

async function adminOn(email: string, password: string, width: number, customerId: string): Promise<Page> {
  const context = await ui.browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${origin}/alpha/admin/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}/alpha/admin/dashboard`);
  await page.goto(`${origin}/alpha/admin/customers/${customerId}`);
  await page.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });
  return page;
}

const saved = async (id: string) => (await t.sql`select name, note, version from customers where id = ${id}`)[0];
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('two admins edit one customer in a browser', () => {
  for (const [width, choice] of [[390, 'Overwrite with mine'], [1280, 'Keep theirs']] as const) {
    test(`at ${width} px: an untouched form follows the other's save; the second to save sees both values and chooses "${choice}"`, async () => {
      const { id } = await enrol(t.a, width === 390 ? '+447306512390' : '+447306512128', 0, 'Ann Original');
      const ana = await adminOn('ana@alpha.test', 'ana password', width, id);
      const bob = await adminOn('bob@alpha.test', 'bob password', width, id);
      const anaForm = ana.locator(`#edit-${id}`);
      const bobForm = bob.locator(`#edit-${id}`);

      // Ana adds a note; Bob's untouched form takes it live, and both pages list the edit.
      await anaForm.getByLabel('Note').fill('Allergic to nuts');
      await anaForm.getByRole('button', { name: 'Save details' }).click();
      await anaForm.locator('.ok', { hasText: 'Saved.' }).waitFor();
      await bob.waitForFunction((sel) => (document.querySelector(sel) as HTMLTextAreaElement | null)?.value === 'Allergic to nuts', `#edit-${id} textarea[name="note"]`);
      await bob.locator(`#history-${id} tr`, { hasText: 'Allergic to nuts' }).waitFor();
      expect(await saved(id)).toEqual({ name: 'Ann Original', note: 'Allergic to nuts', version: 2 });

      // Both now edit the name; Ana saves first. Bob's form keeps what he typed and says it is stale.
      await bobForm.getByLabel('Name').fill('Ann from Bob');
      await anaForm.getByLabel('Name').fill('Ann from Ana');
      await anaForm.getByRole('button', { name: 'Save details' }).click();
      await anaForm.locator('.ok', { hasText: 'Saved.' }).waitFor();
      await bobForm.locator('[data-stale-notice]').waitFor({ state: 'visible' });
      expect(await bobForm.getByLabel('Name').inputValue()).toBe('Ann from Bob');

      await bobForm.getByRole('button', { name: 'Save details' }).click();
      const conflict = bobForm.getByRole('alert', { name: 'Edit conflict' });
      await conflict.waitFor();
      await conflict.getByText('ana@alpha.test saved this customer while you were editing.').waitFor();
      const row = conflict.locator('tr[data-field="name"]');
      expect(await row.locator('.theirs').textContent()).toBe('Ann from Ana');
      expect(await row.locator('.mine').textContent()).toBe('Ann from Bob');
      expect(await conflict.locator('tr[data-field]').count()).toBe(1); // the note was not fought over
      expect(await saved(id)).toEqual({ name: 'Ann from Ana', note: 'Allergic to nuts', version: 3 });
      await bob.screenshot({ path: `${ui.shots}/customer-edit-conflict-${width}.png`, fullPage: true });
      expect(await overflow(bob)).toBeLessThanOrEqual(0);

      await conflict.getByRole('button', { name: choice }).click();
      if (choice === 'Overwrite with mine') {
        await bobForm.locator('.ok', { hasText: 'Saved.' }).waitFor();
        expect(await saved(id)).toEqual({ name: 'Ann from Bob', note: 'Allergic to nuts', version: 4 });
        // Ana's form was untouched since her save: it follows Bob's.
        await ana.waitForFunction((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.value === 'Ann from Bob', `#edit-${id} input[name="name"]`);
      } else {
        await conflict.waitFor({ state: 'detached' });
        expect(await bobForm.getByLabel('Name').inputValue()).toBe('Ann from Ana');
        expect(await saved(id)).toEqual({ name: 'Ann from Ana', note: 'Allergic to nuts', version: 3 });
      }
      const edits = await t.sql`select count(*)::int as n from customer_edits where customer_id = ${id}`;
      expect(edits[0].n).toBe(choice === 'Overwrite with mine' ? 3 : 2);
      await bob.screenshot({ path: `${ui.shots}/customer-edit-resolved-${width}.png`, fullPage: true });
      await ana.context().close();
      await bob.context().close();
    }, 60_000);
  }
});
