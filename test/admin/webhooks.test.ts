import { afterAll, expect, test } from 'bun:test';
import { WebhookWorker } from '../../src/webhooks/worker.ts';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol, lastEventId } from '../support/fixtures.ts';
import { receiver } from '../support/receiver.ts';
import { until } from '../support/stream.ts';

// The admin door of webhooks: the Webhooks page calls the same domain functions as /api/v1/webhooks.

const t = await testApp({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: true, WEBHOOK_SWEEP_MS: 50 });
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
const [site] = await t.sql`insert into locations (tenant_id, name, code, time_zone) values (${t.tenantA.id}, 'Soho', 'SOHO', 'Europe/London') returning id`;
const worker = new WebhookWorker(t.sql, t.config);
t.listener.onNotify(() => worker.wake());
worker.start();
afterAll(() => worker.stop());

test('an owner registers a webhook on the page, sees its secret once, and it receives events', async () => {
  const r = receiver();
  const res = await owner.post('/webhooks', { url: r.url, types: 'customer_created, loyalty_updated', locationId: site!.id });
  expect(res.status).toBe(200);
  const html = await res.text();
  const [row] = await t.sql`select id, secret, types, locations from webhooks where url = ${r.url}`;
  expect(row).toMatchObject({ types: ['customer_created', 'loyalty_updated'], locations: [site!.id] });
  expect(html).toContain(row!.secret);
  expect(html).toContain('will not be shown again');
  const list = await (await owner.get('/webhooks')).text();
  expect(list).toContain(r.url);
  expect(list).not.toContain(row!.secret);
  expect(list).toContain('href="/alpha/admin/webhooks"');

  await enrol(t.a, '+447307000001');
  const newest = await lastEventId(t.sql, t.tenantA.id);
  await until(async () => (await t.sql`select cursor from webhooks where id = ${row!.id}`)[0]!.cursor === newest, 'the enrolment is delivered');
  const detail = await (await owner.get(`/webhooks/${row!.id}`)).text();
  expect(detail).toContain(`${newest} customer_created`);
  expect(detail).toContain('thanks');

  const replayed = await owner.post(`/webhooks/${row!.id}/replay`, { eventId: String(newest), mode: 'one' });
  expect(replayed.status).toBe(200);
  expect(await replayed.text()).toContain(`Event ${newest} sent: answered 200`);
  expect(r.delivered().filter((id) => id === newest)).toHaveLength(2);

  const paused = await owner.post(`/webhooks/${row!.id}/status`, { status: 'paused' });
  expect(await paused.text()).toContain('Paused: events wait.');
  expect((await t.sql`select status from webhooks where id = ${row!.id}`)[0]!.status).toBe('paused');
  expect((await owner.post(`/webhooks/${row!.id}/delete`, {})).status).toBe(200);
  expect(await t.sql`select 1 from webhooks where id = ${row!.id}`).toHaveLength(0);
}, 20_000);

test('bad input comes back inline with 422 and stores nothing; staff are refused', async () => {
  const before = (await t.sql`select count(*)::int as n from webhooks`)[0]!.n;
  const bad = await owner.post('/webhooks', { url: 'ftp://example.com', types: 'nope' });
  expect(bad.status).toBe(422);
  const text = await bad.text();
  expect(text).toContain('must be an http:// or https:// URL');
  expect(text).toContain('is not an event type');
  const { body: hook } = await owner.api().post('/api/v1/webhooks', { url: 'https://example.com/x' });
  const replay = await owner.post(`/webhooks/${hook.id}/replay`, { eventId: 'soon', mode: 'after' });
  expect(replay.status).toBe(422);
  expect(await replay.text()).toContain('Enter an event id');
  expect((await staff.post('/webhooks', { url: 'https://example.com/s' })).status).toBe(403);
  expect((await staff.get('/webhooks')).status).toBe(403);
  expect((await t.sql`select count(*)::int as n from webhooks`)[0]!.n).toBe(before + 1);
});
