import { describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { browserOn, signedInPage, overflow } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { burger, enrol, fries, issueCard } from '../support/fixtures.ts';

// The dashboard's date range in a real browser, at a phone's width (390 px) and a counter tablet's
// (1280 px): a preset and typed dates change every chart, a wrong range is explained beside the picker,
// the chart text stays readable on the phone, and nothing scrolls sideways. Screenshots are for a person.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const [{ today, d2, d20 }] = await t.sql`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD') as today,
  to_char((now() at time zone 'UTC')::date - 2, 'YYYY-MM-DD') as d2, to_char((now() at time zone 'UTC')::date - 20, 'YYYY-MM-DD') as d20`;
await enrol(t.a, '+447306590001', 300);
await issueCard(t.a, 2500);
for (const day of [today, d2, d2, d20]) {
  const r = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger, fries], customer: { phone: '+447306590001' } });
  expect(r.status).toBe(201);
  await t.sql`update orders set created_at = ${`${day}T12:00:00Z`}::timestamptz where id = ${r.body.id}`;
}

const ui = browserOn(t.app);
const origin = ui.origin;
console.log(`dashboard range screenshots: ${ui.shots}`);

async function ownerAt(width: number): Promise<Page> {
  const page = await signedInPage(ui, width);
  return page;
}

/** Days charted by each chart, in page order. */
const charted = (page: Page) => page.locator('figure.chart').evaluateAll((fs) => fs.map((f) => Number(f.getAttribute('data-days'))));
/** The orders chart's bar heights, one a day. */
const orderBars = (page: Page) => page.locator('#chart-orders rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height')) > 0));

describe('the dashboard date range in a browser', () => {
  for (const width of [390, 1280]) {
    test(`at ${width} px a preset and typed dates change every chart, a wrong range is explained, and the chart text reads at 11 px or more`, async () => {
      const page = await ownerAt(width);
      expect(await charted(page)).toEqual([14, 14, 14, 14]); // the default: the last 14 days
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      // Axis text as drawn on screen (the SVG scales it): readable on the phone as on the tablet.
      const heights = await page.locator('#chart-orders text.axis').evaluateAll((ts) =>
        ts.filter((x) => x.checkVisibility()).map((x) => x.getBoundingClientRect().height));
      expect(heights.length).toBeGreaterThanOrEqual(6); // axis titles, three values, and dates
      expect(Math.min(...heights)).toBeGreaterThanOrEqual(11);
      // The date labels do not overlap one another, nor run off the chart.
      const dates = await page.locator('#chart-orders text.axis:not(.axis-title)').evaluateAll((ts) => {
        const svg = ts[0]!.closest('svg')!.getBoundingClientRect();
        return ts.filter((x) => x.checkVisibility() && /[A-Z][a-z]{2}$/.test(x.textContent!))
          .map((x) => x.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, inside: r.left >= svg.left && r.right <= svg.right + 0.5 }));
      });
      expect(dates.length).toBeGreaterThanOrEqual(3);
      expect(dates.every((d) => d.inside)).toBe(true);
      expect(dates.every((d, i) => i === 0 || d.left > dates[i - 1]!.right)).toBe(true);
      await page.screenshot({ path: `${ui.shots}/dashboard-14-days-${width}.png`, fullPage: true });

      await page.getByRole('link', { name: 'Last 7 days' }).click();
      await page.locator('#chart-orders[data-days="7"]').waitFor();
      expect(await charted(page)).toEqual([7, 7, 7, 7]);
      expect(await page.getByRole('link', { name: 'Last 7 days' }).getAttribute('aria-current')).toBe('true');
      // Today's order and the two of two days ago: bars on those days only.
      expect((await orderBars(page)).map((b, i) => (b ? i : -1)).filter((i) => i >= 0)).toEqual([4, 6]);
      expect(await page.locator('.totals li', { hasText: 'Orders' }).locator('strong').innerText()).toBe('3');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/dashboard-7-days-${width}.png`, fullPage: true });

      await page.getByLabel('From', { exact: true }).fill(d20);
      await page.getByLabel('To', { exact: true }).fill(d2);
      await page.getByRole('button', { name: 'Show' }).click();
      await page.locator('#chart-orders[data-days="19"]').waitFor();
      expect(page.url()).toContain(`from=${d20}&to=${d2}`);
      expect(await page.locator('.totals li', { hasText: 'Orders' }).locator('strong').innerText()).toBe('3');
      expect(await page.locator('#chart-orders svg').getAttribute('role')).toBe('img');
      expect(await page.locator('#chart-orders title').first().textContent()).toStartWith('Orders per day, ');
      // The table fallback holds the same days.
      await page.getByText('The figures as a table').click();
      expect(await page.locator('.figures-table tbody tr').count()).toBe(19);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/dashboard-typed-${width}.png`, fullPage: true });

      await page.getByLabel('From', { exact: true }).fill(today);
      await page.getByLabel('To', { exact: true }).fill(d2);
      await page.getByRole('button', { name: 'Show' }).click();
      await page.locator('#range-error', { hasText: 'The last day must not be before the first.' }).waitFor();
      expect(await page.locator('figure.chart').count()).toBe(0);
      expect(await page.getByLabel('From', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await page.screenshot({ path: `${ui.shots}/dashboard-bad-range-${width}.png`, fullPage: true });
      await page.context().close();
    }, 40_000);
  }
});
