import { afterAll, describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { WebhookWorker } from '../../src/webhooks/worker.ts';
import { browserOn, signedInPage, overflow } from '../support/browser.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { enrol, lastEventId } from '../support/fixtures.ts';
import { receiver } from '../support/receiver.ts';
import { until } from '../support/stream.ts';

// The Webhooks page in a real browser at a phone's width (390 px) and a desk's (1280 px): an owner adds
// an endpoint and copies its secret, it receives an enrolment, the owner pauses it from the table,
// then replays the event from the endpoint's page. Neither page scrolls sideways.

const t = await testApp({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: true, WEBHOOK_SWEEP_MS: 50 });
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const worker = new WebhookWorker(t.sql, t.config);
t.listener.onNotify(() => worker.wake());
worker.start();
afterAll(() => worker.stop());

const ui = browserOn(t.app);
const origin = ui.origin;

async function ownerAt(width: number): Promise<Page> {
  const page = await signedInPage(ui, width);
  return page;
}

describe('webhooks in a browser', () => {
  for (const [width, n] of [[390, 1], [1280, 2]] as const) {
    test(`at ${width} px an owner adds a webhook, copies its secret once, pauses it and replays an event`, async () => {
      const r = receiver();
      const page = await ownerAt(width);
      await page.goto(`${origin}/alpha/admin/webhooks`);
      await page.getByLabel('URL (https://…)').fill(r.url);
      await page.getByLabel(/Event types/).fill('customer_created');
      await page.getByRole('button', { name: 'Add webhook' }).click();
      const secret = await page.locator('#new-secret-value').inputValue();
      const [row] = await t.sql`select id, secret from webhooks where url = ${r.url}`;
      expect(secret).toBe(row!.secret);
      await page.locator(`#webhook-${row!.id}`).waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/webhooks-${width}.png`, fullPage: true });

      await enrol(t.a, `+44730780000${n}`);
      const newest = await lastEventId(t.sql, t.tenantA.id);
      await until(async () => (await t.sql`select cursor from webhooks where id = ${row!.id}`)[0]!.cursor === newest, 'delivered');
      expect(r.delivered()).toEqual([newest]);
      // Reloaded: the enrolment's toast would sit over the table's buttons.
      await page.goto(`${origin}/alpha/admin/webhooks`);

      await page.locator(`#webhook-${row!.id}`).getByRole('button', { name: 'Pause' }).click();
      await page.locator(`#webhook-${row!.id}`, { hasText: 'Paused: events wait.' }).waitFor();
      expect((await t.sql`select status from webhooks where id = ${row!.id}`)[0]!.status).toBe('paused');

      await page.locator(`#webhook-${row!.id} a`).click();
      await page.waitForURL(`${origin}/alpha/admin/webhooks/${row!.id}`);
      await page.locator('#delivery-log', { hasText: `${newest} customer_created` }).waitFor();
      await page.getByLabel('Event id').fill(String(newest));
      await page.getByLabel('What to send').selectOption('one');
      await page.getByRole('button', { name: 'Replay' }).click();
      await page.locator('#replay-form', { hasText: `Event ${newest} sent: answered 200` }).waitFor();
      expect(r.delivered()).toEqual([newest, newest]);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ui.shots}/webhook-${width}.png`, fullPage: true });
      console.log(`screenshots: ${ui.shots}`);
      await page.context().close();
    }, 30_000);
  }
});
