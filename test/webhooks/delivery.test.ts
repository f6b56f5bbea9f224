import { afterAll, expect, test } from 'bun:test';
import { connect } from '../../src/platform/database.ts';
import type { Config } from '../../src/platform/config.ts';
import { WebhookWorker } from '../../src/webhooks/worker.ts';
import { verify } from '../../src/webhooks/signature.ts';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol, lastEventId } from '../support/fixtures.ts';
import { receiver } from '../support/receiver.ts';
import { until } from '../support/stream.ts';

// Delivery end to end: real Postgres, the app's listener waking the worker, a receiver on 127.0.0.1.

const t = await testApp({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: true });
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const staffId = await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const ownerPages = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const owner = ownerPages.api();

const fast: Partial<Config> = { WEBHOOK_RETRY_BASE_MS: 20, WEBHOOK_RETRY_MAX_MS: 100, WEBHOOK_SWEEP_MS: 50, WEBHOOK_TIMEOUT_MS: 2000 };
const workers: WebhookWorker[] = [];
function worker(overrides: Partial<Config> = {}, sql = t.sql) {
  const w = new WebhookWorker(sql, { ...t.config, ...fast, ...overrides });
  t.listener.onNotify(() => w.wake());
  w.start();
  workers.push(w);
  return w;
}
afterAll(async () => { await Promise.all(workers.map((w) => w.stop())); });

let phones = 0;
const phone = () => `+4473077${String(++phones).padStart(5, '0')}`;

async function register(url: string, more: Record<string, unknown> = {}) {
  const res = await owner.post('/api/v1/webhooks', { url, ...more });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string; cursor: string };
}
const deliveries = async (id: string) => (await owner.get(`/api/v1/webhooks/${id}/deliveries?limit=200`)).body.data as any[];
const remove = async (id: string) => expect((await owner.call('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(204);
const row = async (id: string) => (await t.sql`select * from webhooks where id = ${id}`)[0]!;

test('a receiver that fails the first deliveries gets every event, in id order, each signed, once it recovers', async () => {
  const r = receiver({ failFirst: 3 });
  const hook = await register(r.url, { types: ['customer_created'] });
  const w = worker();
  for (let i = 0; i < 6; i++) await enrol(t.a, phone());
  const newest = await lastEventId(t.sql, t.tenantA.id);
  const expected = (await t.sql`select id from events where tenant_id = ${t.tenantA.id} and id > ${Number(hook.cursor)} and type = 'customer_created' order by id`).map((e) => Number(e.id));
  expect(expected).toHaveLength(6);

  await until(async () => Number((await row(hook.id)).cursor) === newest, 'the cursor reaches the newest event');
  expect(r.delivered()).toEqual(expected);
  // The three failures were all the head event, retried: nothing behind it went first.
  expect(r.hits.slice(0, 4).map((h) => Number(h.eventId))).toEqual([expected[0]!, expected[0]!, expected[0]!, expected[0]!]);
  expect(r.allSigned(hook.secret)).toBe(true);
  expect(r.allSigned('whsec_wrong')).toBe(false);
  // The body is the stream's envelope.
  const first = JSON.parse(r.hits.at(-1)!.body);
  expect(Object.keys(first).sort()).toEqual(['data', 'id', 'locationId', 'tenant', 'timestamp', 'type']);
  expect(first).toMatchObject({ id: String(expected.at(-1)), type: 'customer_created', tenant: 'alpha' });

  const log = await deliveries(hook.id);
  expect(log).toHaveLength(9);
  expect(log.filter((d) => d.status === 'failed').map((d) => [d.responseCode, d.bodyExcerpt, d.attempt])).toEqual([[500, 'not now', 3], [500, 'not now', 2], [500, 'not now', 1]]);
  expect((await row(hook.id)).attempts).toBe(0);
  await w.stop();
  await remove(hook.id);
}, 30_000);

test('with WEBHOOK_ALLOW_PRIVATE_ADDRESSES off a loopback endpoint receives nothing and the refusal is logged', async () => {
  const r = receiver();
  const hook = await register(r.url);
  const w = worker({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: false, WEBHOOK_RETRY_BASE_MS: 60_000, WEBHOOK_RETRY_MAX_MS: 60_000 });
  await enrol(t.a, phone());
  await until(async () => (await deliveries(hook.id)).length > 0, 'an attempt is logged');
  const [d] = await deliveries(hook.id);
  expect(d).toMatchObject({ status: 'failed', responseCode: null });
  expect(d.error).toContain('127.0.0.1');
  expect(r.hits).toHaveLength(0);
  const after = await row(hook.id);
  expect(after.cursor).toBe(Number(hook.cursor));
  expect(after.attempts).toBe(1);
  await w.stop();
  await remove(hook.id);
}, 20_000);

test('an endpoint failing for the whole horizon is disabled, owners get webhook_disabled, and re-enabling resumes from the same event', async () => {
  let up = false;
  const r = receiver({ status: () => (up ? 200 : 503) });
  const hook = await register(r.url, { types: ['customer_created'] });
  const w = worker({ WEBHOOK_FAILURE_HORIZON_MS: 400 });
  const c = await enrol(t.a, phone());
  await until(async () => (await row(hook.id)).status === 'disabled', 'the endpoint is disabled', 15_000);
  const disabled = await row(hook.id);
  expect(disabled.disabled_reason).toBe('HTTP 503');
  expect(disabled.cursor).toBe(Number(hook.cursor));
  const [event] = await t.sql`select data from events where tenant_id = ${t.tenantA.id} and type = 'webhook_disabled' and data->>'webhookId' = ${hook.id}`;
  expect(event!.data).toMatchObject({ webhookId: hook.id, url: r.url, reason: 'HTTP 503' });
  const customerEvent = Number(event!.data.eventId);
  // It names the URL, so API keys (and staff) never see it; owners do.
  const keyFeed = await t.a.get(`/api/v1/events?after=${customerEvent}`);
  expect(keyFeed.body.data.map((e: any) => e.type)).not.toContain('webhook_disabled');
  const ownerFeed = await owner.get(`/api/v1/events?after=${customerEvent}`);
  expect(ownerFeed.body.data.map((e: any) => e.type)).toContain('webhook_disabled');
  expect(await (await ownerPages.get('/activity')).text()).toContain(`Webhook disabled after failing for the retry horizon: ${r.url} (HTTP 503)`);
  // The owners are notified (the bell, GET /api/v1/notifications), in the disabling transaction; staff never.
  const bell = (await owner.get('/api/v1/notifications')).body.data as any[];
  expect(bell.find((n) => n.kind === 'webhook_disabled' && n.link === `/alpha/admin/webhooks/${hook.id}`)?.title).toBe(`Webhook disabled: ${r.url}`);
  expect(await t.sql`select 1 from notifications where admin_id = ${staffId} and kind = 'webhook_disabled'`).toHaveLength(0);
  expect(r.hits.every((h) => Number(h.eventId) === customerEvent)).toBe(true);
  // Disabled: nothing more is tried.
  const tries = r.hits.length;
  await Bun.sleep(200);
  expect(r.hits.length).toBe(tries);

  up = true;
  const res = await owner.patch(`/api/v1/webhooks/${hook.id}`, { status: 'active' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'active', attempts: 0, disabledAt: null });
  await until(() => r.delivered().includes(customerEvent), 'the held event is delivered after re-enabling');
  expect(JSON.parse(r.hits.find((h) => h.answered === 200)!.body).data.customer.id).toBe(c.id);
  await w.stop();
  await remove(hook.id);
}, 30_000);

test('replay after an event id delivers everything after it again in order; replay of one event sends it now', async () => {
  const r = receiver();
  const hook = await register(r.url, { types: ['customer_created'] });
  const w = worker();
  for (let i = 0; i < 3; i++) await enrol(t.a, phone());
  const newest = await lastEventId(t.sql, t.tenantA.id);
  await until(async () => Number((await row(hook.id)).cursor) === newest, 'all delivered');
  const firstRound = r.delivered();
  expect(firstRound).toHaveLength(3);

  const again = await owner.post(`/api/v1/webhooks/${hook.id}/replay`, { afterEventId: String(firstRound[0]) });
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ delivery: null, webhook: { cursor: String(firstRound[0]) } });
  await until(() => r.delivered().length === 5, 'the two after it are delivered again');
  expect(r.delivered().slice(3)).toEqual(firstRound.slice(1));

  const one = await owner.post(`/api/v1/webhooks/${hook.id}/replay`, { eventId: firstRound[0] });
  expect(one.status).toBe(200);
  expect(one.body.delivery).toMatchObject({ eventId: String(firstRound[0]), kind: 'replay', status: 'succeeded', responseCode: 200, bodyExcerpt: 'thanks' });
  expect(r.delivered().at(-1)).toBe(firstRound[0]!);
  const last = r.hits.at(-1)!;
  expect(verify(hook.secret, last.timestamp, last.body, last.signature)).toBe(true);

  expect((await owner.post(`/api/v1/webhooks/${hook.id}/replay`, { eventId: newest + 100 })).status).toBe(404);
  expect((await owner.post(`/api/v1/webhooks/${hook.id}/replay`, { afterEventId: newest + 100 })).status).toBe(400);
  expect((await owner.post(`/api/v1/webhooks/${hook.id}/replay`, { afterEventId: 'x' })).status).toBe(400);
  await w.stop();
  await remove(hook.id);
}, 30_000);

test('an instance killed mid-delivery loses nothing: another instance delivers the same events, duplicates with the same id', async () => {
  const r = receiver();
  const hook = await register(r.url, { types: ['customer_created'] });
  const poolA = connect(t.url, 2);
  const poolB = connect(t.url, 2);
  afterAll(() => Promise.all([poolA.end({ timeout: 0 }), poolB.end({ timeout: 0 })]));
  const held = r.holdNext();
  const a = worker({}, poolA);
  for (let i = 0; i < 4; i++) await enrol(t.a, phone());
  const newest = await lastEventId(t.sql, t.tenantA.id);
  await held.arrived;
  // A holds the endpoint's row: a second instance started now skips it rather than delivering too.
  const b = worker({}, poolB);
  await Bun.sleep(150);
  expect(r.hits).toHaveLength(1);
  // Kill A's connection mid-delivery (as a crashed instance's would close); its transaction rolls back.
  await t.sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()`;
  await until(async () => Number((await row(hook.id)).cursor) === newest, 'the other instance delivers everything', 15_000);
  held.release();
  await a.stop();
  await b.stop();
  const ids = r.hits.map((h) => Number(h.eventId));
  const expected = (await t.sql`select id from events where tenant_id = ${t.tenantA.id} and id > ${Number(hook.cursor)} and type = 'customer_created' order by id`).map((e) => Number(e.id));
  expect([...new Set(ids)].sort((x, y) => x - y)).toEqual(expected);
  // The event A was sending when it died arrived twice, byte for byte the same envelope.
  const dup = r.hits.filter((h) => h.eventId === r.hits[0]!.eventId);
  expect(dup.length).toBe(2);
  expect(dup[0]!.body).toBe(dup[1]!.body);
  expect(r.allSigned(hook.secret)).toBe(true);
}, 30_000);

test('events pruned while an endpoint was paused are passed over, and delivery carries on after them', async () => {
  const r = receiver();
  const hook = await register(r.url, { types: ['customer_created'] });
  expect((await owner.patch(`/api/v1/webhooks/${hook.id}`, { status: 'paused' })).status).toBe(200);
  for (let i = 0; i < 2; i++) await enrol(t.a, phone());
  const pruned = await lastEventId(t.sql, t.tenantA.id);
  // As the maintenance loop would after EVENT_RETENTION_HOURS.
  await t.sql`delete from events where tenant_id = ${t.tenantA.id} and id > ${Number(hook.cursor)}`;
  await t.sql`update tenant_counters set events_pruned_through = ${pruned} where tenant_id = ${t.tenantA.id}`;
  const w = worker();
  expect((await owner.patch(`/api/v1/webhooks/${hook.id}`, { status: 'active' })).status).toBe(200);
  await until(async () => Number((await row(hook.id)).cursor) === pruned, 'the cursor passes the pruned events');
  expect(r.hits).toHaveLength(0);
  await enrol(t.a, phone());
  const next = await lastEventId(t.sql, t.tenantA.id);
  await until(async () => Number((await row(hook.id)).cursor) === next, 'the next event is delivered');
  expect(r.delivered()).toEqual([next]);
  await w.stop();
  await remove(hook.id);
}, 20_000);

test("a location filter sends that site's orders and every group-wide event, never another site's orders", async () => {
  const site = async (code: string) => (await t.sql`insert into locations (tenant_id, name, code, time_zone)
    values (${t.tenantA.id}, ${code}, ${code}, 'Europe/London') returning id`)[0]!.id as string;
  const soho = await site('SOHO');
  const camden = await site('CAMDEN');
  const r = receiver();
  const hook = await register(r.url, { types: ['new_order', 'customer_created'], locations: [soho] });
  const w = worker();
  const order = (locationId: string) => t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', locationId, items: [{ name: 'Tea', quantity: 1, unitPriceCents: 250 }] });
  const atSoho = await order(soho);
  const atCamden = await order(camden);
  expect([atSoho.status, atCamden.status]).toEqual([201, 201]);
  const c = await enrol(t.a, phone());
  const newest = await lastEventId(t.sql, t.tenantA.id);
  await until(async () => Number((await row(hook.id)).cursor) === newest, 'all passed or delivered');
  const got = r.hits.map((h) => JSON.parse(h.body));
  expect(got.map((e) => [e.type, e.locationId])).toEqual([['new_order', soho], ['customer_created', null]]);
  expect(got[0].data.orderId).toBe(atSoho.body.id);
  expect(got[1].data.customer.id).toBe(c.id);
  await w.stop();
  await remove(hook.id);
}, 20_000);

test('a write of a tenant with no endpoint starts no claim, and an endpoint registered here is woken by the next event', async () => {
  let claims = 0;
  let settled = 0;
  class Counting extends WebhookWorker {
    override async claimAndDeliver() {
      claims++;
      try { return await super.claimAndDeliver(); } finally { settled++; }
    }
  }
  // Wired as main.ts wires it (with the NOTIFY's payload); the sweep is a minute away, so only NOTIFYs wake it.
  const w = new Counting(t.sql, { ...t.config, ...fast, WEBHOOK_SWEEP_MS: 60_000 });
  const heard: string[] = [];
  t.listener.onNotify((payload) => w.wake(payload));
  t.listener.onNotify((payload) => heard.push(payload));
  w.start();
  workers.push(w);
  await until(async () => settled >= 1 && settled === claims, 'the start-up claim is done');
  const before = claims;

  await enrol(t.b, phone());
  const bravoEvent = await lastEventId(t.sql, t.tenantB.id);
  // The listener wakes the worker before the next callback: once this one heard it, the worker had.
  await until(async () => heard.includes(`${t.tenantB.id}:${bravoEvent}`), "bravo's NOTIFY is heard");
  expect(claims).toBe(before);

  await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'owner password');
  const bravoOwner = (await signIn(t.app, 'bravo', 'owner@bravo.test', 'owner password')).api();
  const r = receiver();
  const res = await bravoOwner.post('/api/v1/webhooks', { url: r.url });
  expect(res.status).toBe(201);
  await enrol(t.b, phone());
  const next = await lastEventId(t.sql, t.tenantB.id);
  await until(async () => r.delivered().includes(next), 'the next event is delivered without a sweep');
  expect(claims).toBeGreaterThan(before);
  expect((await t.sql`select cursor from webhooks where id = ${res.body.id}`)[0]!.cursor).toBe(next);
  await w.stop();
  expect((await bravoOwner.call('DELETE', `/api/v1/webhooks/${res.body.id}`)).status).toBe(204);
}, 20_000);
