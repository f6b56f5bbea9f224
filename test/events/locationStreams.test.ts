import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { receives, type Reach } from '../../src/realtime/reach.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { client, testApp } from '../support/app.ts';
import { expectInvariants } from '../support/fixtures.ts';
import { listen, rawStream, serve, until, type Received } from '../support/stream.ts';

// Two sites of one group, a till bound to each and a tenant-wide (group) key: who receives which event,
// live, on resume and on the JSON catch-up.

const t = await testApp({ SSE_MAX_STREAMS_PER_KEY: 50 });
const base = serve(t.app);
const STREAM = `${base}/api/v1/events/stream`;
const TYPES = ['new_order', 'order_updated', 'loyalty_updated', 'customer_created', 'gift_card_purchased', 'gift_card_redeemed', 'reset'];

async function site(name: string, code: string) {
  const r = await t.a.post('/api/v1/locations', { name, code, timeZone: 'Europe/London' });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

/** A key of tenant A bound to one site, as a till's is. */
async function tillAt(locationId: string, name: string) {
  const key = await createApiKey(t.sql, t.tenantA.id, name);
  await t.sql`update api_keys set location_id = ${locationId} where id = ${key.id}`;
  return { key: key.apiKey, keyId: key.id, api: client(t.app, key.apiKey) };
}

const SOHO = await site('Soho', 'SOHO');
const CAMDEN = await site('Camden', 'CAMDEN');
const sohoTill = await tillAt(SOHO, 'Soho kitchen');
const camdenTill = await tillAt(CAMDEN, 'Camden counter');

type Row = { id: number; type: string; location_id: string | null };
const seq = async () => (await t.sql`select event_seq from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].event_seq as number;
const rowsAfter = (after: number) =>
  t.sql<Row[]>`select id::int as id, type, location_id from events where tenant_id = ${t.tenantA.id} and id > ${after} order by id`;
/** The ids a stream with this reach must carry, by the one rule (src/realtime/reach.ts), from the outbox. */
const expectedIds = (rows: Row[], reach: Reach) =>
  rows.filter((r) => receives(reach, { type: r.type, locationId: r.location_id }) && TYPES.includes(r.type)).map((r) => String(r.id));
const ids = (events: Received[]) => events.filter((e) => e.type !== 'reset').map((e) => e.id);

/** Every page of the catch-up after `after`, with a small limit so pages end on filtered-out ids too. */
async function catchUp(api: ReturnType<typeof client>, after: number, query = '') {
  const out: { id: string; type: string; locationId: string | null }[] = [];
  let cursor = String(after);
  for (;;) {
    const r = await api.get(`/api/v1/events?after=${cursor}&limit=7${query}`);
    expect(r.status).toBe(200);
    out.push(...r.body.data);
    expect(Number(r.body.nextAfter)).toBeGreaterThanOrEqual(Number(cursor));
    cursor = r.body.nextAfter;
    if (!r.body.hasMore) return out;
  }
}

const ORDERS_PER_SITE = 8;
let phone = 7306700000;

/** A checkout at the till's site with a customer (so loyalty events too), then preparing → ready. */
async function orderAndCook(till: { api: ReturnType<typeof client> }) {
  const r = await till.api.post('/api/v1/orders', {
    source: 'pos', orderType: 'dine_in', customer: { phone: `+44${phone++}`, name: 'Guest' },
    items: [{ name: 'Pizza', quantity: 1, unitPriceCents: 1200 }],
  });
  expect(r.status).toBe(201);
  for (const status of ['preparing', 'ready']) {
    expect((await till.api.post(`/api/v1/orders/${r.body.id}/status`, { status })).status).toBe(200);
  }
  return r.body.id as string;
}

let start = 0;
let rows: Row[] = [];

describe('events per location', () => {
  test("under concurrent writes at both sites, SOHO's kitchen never carries a CAMDEN order and misses none of its own; group-wide events reach both tills", async () => {
    start = await seq();
    const soho = listen(STREAM, sohoTill.key, { types: TYPES });
    const camden = listen(STREAM, camdenTill.key, { types: TYPES });
    const group = listen(STREAM, t.keyA, { types: TYPES });
    const groupSoho = listen(`${STREAM}?locations=${SOHO}`, t.keyA, { types: TYPES });
    // A bound till may name its own site: the same as naming none.
    const sohoNamed = listen(`${STREAM}?locations=${SOHO}`, sohoTill.key, { types: TYPES });
    await Promise.all([soho.opened, camden.opened, group.opened, groupSoho.opened, sohoNamed.opened]);

    // Both sites at once, plus a tenant-wide order at no site and a group-wide gift card sold at CAMDEN.
    await Promise.all([
      ...Array.from({ length: ORDERS_PER_SITE }, () => orderAndCook(sohoTill)),
      ...Array.from({ length: ORDERS_PER_SITE }, () => orderAndCook(camdenTill)),
      t.a.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [{ name: 'Salad', quantity: 1, unitPriceCents: 900 }] })
        .then((r) => expect(r.status).toBe(201)),
      camdenTill.api.post('/api/v1/gift-cards', { amountCents: 2500, purchasedBy: 'Pat' }).then((r) => expect(r.status).toBe(201)),
    ]);
    rows = await rowsAfter(start);
    // Orders (3 events each) at each site, the site-less order, and loyalty/customer events for each checkout.
    expect(rows.filter((r) => r.type === 'new_order' && r.location_id === SOHO).length).toBe(ORDERS_PER_SITE);
    expect(rows.filter((r) => r.type === 'order_updated' && r.location_id === CAMDEN).length).toBe(2 * ORDERS_PER_SITE);

    const want = {
      soho: expectedIds(rows, { types: null, sites: new Set([SOHO]) }),
      camden: expectedIds(rows, { types: null, sites: new Set([CAMDEN]) }),
      all: expectedIds(rows, { types: null, sites: null }),
    };
    const streams = [[soho, want.soho], [sohoNamed, want.soho], [groupSoho, want.soho], [camden, want.camden], [group, want.all]] as const;
    for (const [s, w] of streams) await until(() => ids(s.events).includes(w.at(-1)!), `event ${w.at(-1)} on a stream`, 20_000);
    // Exactly the expected ids, in order: nothing missing, nothing extra; filtered-out ids are simply absent.
    for (const [s, w] of streams) expect(ids(s.events)).toEqual(w);

    const orderEvents = soho.events.filter((e) => e.type === 'new_order' || e.type === 'order_updated');
    expect(orderEvents.length).toBe(3 * ORDERS_PER_SITE);
    expect(orderEvents.every((e) => e.data.locationId === SOHO)).toBe(true);
    // Loyalty earned at CAMDEN shows on SOHO's till, and the other way round, saying where it happened.
    expect(soho.events.some((e) => e.type === 'loyalty_updated' && e.data.locationId === CAMDEN)).toBe(true);
    expect(camden.events.some((e) => e.type === 'loyalty_updated' && e.data.locationId === SOHO)).toBe(true);
    expect(soho.events.some((e) => e.type === 'gift_card_purchased' && e.data.locationId === CAMDEN)).toBe(true);
    // The site-less online order reaches only the stream that follows every site.
    const nowhere = rows.find((r) => r.type === 'new_order' && r.location_id === null)!;
    expect(ids(group.events)).toContain(String(nowhere.id));
    expect(ids(soho.events)).not.toContain(String(nowhere.id));
    // Every envelope says where its row happened.
    const byId = new Map(rows.map((r) => [String(r.id), r.location_id]));
    for (const e of group.events) expect(e.data.locationId).toBe(byId.get(e.id) ?? null);
    for (const s of [soho, camden, group, groupSoho, sohoNamed]) s.close();
    await expectInvariants(t.sql);
  }, 60_000);

  test('resuming with Last-Event-ID keeps the filter: a bound till replays its own orders and every group-wide event', async () => {
    expect(rows.length).toBeGreaterThan(0);
    const soho = listen(STREAM, sohoTill.key, { types: TYPES, lastEventId: String(start) });
    const groupCamden = listen(`${STREAM}?locations=${CAMDEN}`, t.keyA, { types: TYPES, lastEventId: String(start) });
    await Promise.all([soho.opened, groupCamden.opened]);
    const wantSoho = expectedIds(rows, { types: null, sites: new Set([SOHO]) });
    const wantCamden = expectedIds(rows, { types: null, sites: new Set([CAMDEN]) });
    await until(() => ids(soho.events).includes(wantSoho.at(-1)!) && ids(groupCamden.events).includes(wantCamden.at(-1)!), 'both replays');
    expect(ids(soho.events)).toEqual(wantSoho);
    expect(ids(groupCamden.events)).toEqual(wantCamden);
    // Then live, still filtered: a CAMDEN order is absent, SOHO's next one arrives.
    await orderAndCook(camdenTill);
    const mine = await orderAndCook(sohoTill);
    await until(() => soho.events.some((e) => e.type === 'order_updated' && e.data.data.orderId === mine && e.data.data.status === 'ready'), "SOHO's live order");
    expect(soho.events.filter((e) => e.type.startsWith('new_order') || e.type === 'order_updated').every((e) => e.data.locationId === SOHO)).toBe(true);
    const live = ids(soho.events).map(Number);
    expect(live).toEqual([...live].sort((a, b) => a - b));
    expect(new Set(live).size).toBe(live.length);
    soho.close();
    groupCamden.close();
  }, 30_000);

  test('the JSON catch-up applies the same rule: a bound till gets its own orders, locations= filters a group key, pages skip filtered ids', async () => {
    expect(rows.length).toBeGreaterThan(0);
    const through = rows.at(-1)!.id;
    const upTo = (list: { id: string }[]) => list.map((e) => e.id).filter((id) => Number(id) <= through);
    const all = (reach: Reach) => rows.filter((r) => receives(reach, { type: r.type, locationId: r.location_id })).map((r) => String(r.id));
    expect(upTo(await catchUp(sohoTill.api, start))).toEqual(all({ types: null, sites: new Set([SOHO]) }));
    expect(upTo(await catchUp(t.a, start, `&locations=${CAMDEN}`))).toEqual(all({ types: null, sites: new Set([CAMDEN]) }));
    expect(upTo(await catchUp(t.a, start, `&locations=${SOHO},${CAMDEN}`))).toEqual(
      all({ types: null, sites: new Set([SOHO, CAMDEN]) }));
    // The SQL form of the rule agrees with the function for every mix of types and sites.
    for (const types of [null, ['new_order'], ['loyalty_updated', 'order_updated']]) {
      for (const sites of [null, [SOHO], [CAMDEN], [SOHO, CAMDEN]]) {
        const q = `${types ? `&types=${types.join(',')}` : ''}${sites ? `&locations=${sites.join(',')}` : ''}`;
        const got = upTo(await catchUp(t.a, start, q));
        expect(got).toEqual(all({ types: types && new Set(types), sites: sites && new Set(sites) }));
      }
    }
    const page = await sohoTill.api.get(`/api/v1/events?after=${start}&limit=1000`);
    expect(page.body.data.every((e: { type: string; locationId: string | null }) =>
      !['new_order', 'order_updated'].includes(e.type) || e.locationId === SOHO)).toBe(true);
  }, 30_000);

  test('a bound key naming another site is 403 location_mismatch; a foreign or unknown site 404; a malformed id 400; none opens a stream', async () => {
    const foreign = await t.b.post('/api/v1/locations', { name: 'Bravo HQ', code: 'HQ', timeZone: 'Europe/Paris' });
    expect(foreign.status).toBe(201);
    const cases: [string, string, number, string][] = [
      [sohoTill.key, `locations=${CAMDEN}`, 403, 'location_mismatch'],
      [sohoTill.key, `locations=${SOHO},${CAMDEN}`, 403, 'location_mismatch'],
      [t.keyA, `locations=${foreign.body.id}`, 404, 'not_found'],
      [sohoTill.key, `locations=${foreign.body.id}`, 404, 'not_found'],
      [t.keyA, `locations=${crypto.randomUUID()}`, 404, 'not_found'],
      [t.keyA, 'locations=SOHO', 400, 'validation_failed'],
    ];
    const before = t.hub.openStreams;
    for (const [key, query, status, code] of cases) {
      const res = await fetch(`${STREAM}?${query}`, { headers: { authorization: `Bearer ${key}` } });
      expect([query, res.status]).toEqual([query, status]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await res.json()).code).toBe(code);
      const page = await client(t.app, key).get(`/api/v1/events?${query}`);
      expect([query, page.status, page.body.code]).toEqual([query, status, code]);
    }
    expect(t.hub.openStreams).toBe(before);
    expect(t.hub.streamsFor(`key:${sohoTill.keyId}`)).toBe(0);
    if (before === 0) expect(t.hub.subscribedTenants).toBe(0);
  });

  test('a staff admin limited to SOHO sees SOHO orders only on its page stream, and every group-wide change', async () => {
    await createAdmin(t.sql, t.tenantA.id, 'soho-staff@alpha.test', 'correct horse', 'staff');
    await t.sql`update admins set location_id = ${SOHO} where email = 'soho-staff@alpha.test'`;
    const staff = await signIn(t.app, 'alpha', 'soho-staff@alpha.test', 'correct horse');
    const from = await seq();
    await orderAndCook(camdenTill);
    await orderAndCook(sohoTill);
    const after = await rowsAfter(from);
    const stream = await rawStream(`${base}/alpha/admin/stream?lastEventId=${from}`, { cookie: staff.cookie });
    expect(stream.res.status).toBe(200);
    const last = after.at(-1)!;
    await until(() => stream.events().some((f) => f.id === String(last.id)), 'the last SOHO event on the page stream');
    // Every event renders a fragment on the admin pages, so the ids are exactly what the rule says.
    expect(stream.events().map((f) => f.id)).toEqual(expectedIds(after, { types: null, sites: new Set([SOHO]) }));
    const camdenIds = after.filter((r) => r.location_id === CAMDEN && r.type === 'new_order').map((r) => String(r.id));
    expect(camdenIds.length).toBe(1);
    expect(stream.events().some((f) => camdenIds.includes(f.id!))).toBe(false);
    // Its own order's card arrives; the group-wide loyalty change at CAMDEN does too.
    expect(after.some((r) => r.type === 'loyalty_updated' && r.location_id === CAMDEN)).toBe(true);
    stream.abort();
  }, 30_000);

  test('/asyncapi.json says which types are per-site and what a bound key receives; /openapi.json documents locations=', async () => {
    const doc = (await t.anon.get('/asyncapi.json')).body;
    const messages = doc.channels.tenantEvents.messages;
    for (const type of ['new_order', 'order_updated']) expect(messages[type].tags).toEqual([{ name: 'per-site' }]);
    for (const type of ['loyalty_updated', 'customer_created', 'gift_card_purchased', 'gift_card_redeemed', 'gift_card_updated', 'settings_updated', 'reconciliation_resolved']) {
      expect(messages[type].tags).toEqual([{ name: 'group-wide' }]);
    }
    expect(messages.new_order.payload.required).toContain('locationId');
    expect(doc.info.description).toContain('A key bound to a location');
    expect(doc.info.description).toContain('`new_order`, `order_updated`');
    expect(doc.operations.receiveEvents.bindings.http.query.properties.locations.description).toContain('location_mismatch');
    const openapi = (await t.anon.get('/openapi.json')).body;
    for (const path of ['/api/v1/events/stream', '/api/v1/events']) {
      expect(openapi.paths[path].get.parameters.map((p: { name: string }) => p.name)).toContain('locations');
      expect(Object.keys(openapi.paths[path].get.responses)).toContain('404');
    }
    // EventEnvelope is a oneOf over the event types (src/events/envelopes.ts): each one carries locationId.
    const refs = openapi.components.schemas.EventEnvelope.oneOf.map((o: { $ref: string }) => o.$ref.split('/').at(-1));
    for (const name of refs) expect(openapi.components.schemas[name].required).toContain('locationId');
  });
});
