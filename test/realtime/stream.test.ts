import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { eventCatalogue } from '../../src/events/catalogue.ts';
import { LoyaltyUpdated } from '../../src/customers/events.ts';
import { envelopeSchema } from '../../src/realtime/envelope.ts';
import { createApiKey, revokeApiKey } from '../../src/identity/apiKeys.ts';
import { listen, rawStream, serve, until } from '../support/stream.ts';
import { enrol } from '../support/fixtures.ts';
import { Hono } from 'hono';
import { toProblem } from '../../src/platform/errors.ts';
import { eventStream } from '../../src/events/stream.ts';
import type { AppEnv } from '../../src/platform/deps.ts';
import type { Caller } from '../../src/identity/caller.ts';

const t = await testApp({ SSE_HEARTBEAT_MS: 500, KEY_SWEEP_MS: 200, SSE_MAX_STREAMS_PER_KEY: 50 });
const base = serve(t.app);
const STREAM = `${base}/api/v1/events/stream`;
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

const emit = (tenantId: string, type = 'test_event', data: unknown = {}) =>
  t.sql`select emit_event(${tenantId}, ${type}, ${t.sql.json(data as never)}) as id`.then(([r]) => r.id as number);
const seqOf = async (tenantId: string) =>
  (await t.sql`select event_seq from tenant_counters where tenant_id = ${tenantId}`)[0].event_seq as number;

// Phones from a counter, not random: two random picks may collide and fail as customer_exists.
let nextPhone = 10000;
const enrolAda = () => enrol(t.a, '+4473065' + String(nextPhone++), 0, 'Ada');

describe('event payloads', () => {
  test('add, redeem, adjust and earn each stream one loyalty_updated with exactly the documented fields', async () => {
    const c = listen(STREAM, t.keyA);
    await c.opened;
    const customer = await enrolAda();
    const id = customer.id;
    expect((await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 120, reason: 'welcome' })).status).toBe(200);
    expect((await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 20, orderId: 'ord-1' })).status).toBe(200);
    expect((await t.a.post(`/api/v1/customers/${id}/points/adjust`, { points: -5, reason: 'typo' })).status).toBe(200);
    expect((await t.a.post('/api/v1/loyalty/earn', { phone: customer.phone, orderTotalCents: 2500, orderId: 'ord-2' })).status).toBe(200);
    expect((await t.a.patch('/api/v1/settings', { pointValueCents: 2 })).status).toBe(200);

    await until(() => c.events.length >= 6, 'six events');
    expect(c.events.map((e) => e.type)).toEqual([
      'customer_created', 'loyalty_updated', 'loyalty_updated', 'loyalty_updated', 'loyalty_updated', 'settings_updated',
    ]);
    for (const e of c.events) {
      // Strict schemas: a missing or extra field fails here, and the catalogue is what /asyncapi.json publishes.
      envelopeSchema(e.type, eventCatalogue[e.type]).parse(e.data);
      expect(e.data.id).toBe(e.id);
      expect(e.data.tenant).toBe('alpha');
      expect(new Date(e.data.timestamp).toISOString()).toBe(e.data.timestamp);
    }
    const loyalty = c.events.filter((e) => e.type === 'loyalty_updated').map((e) => LoyaltyUpdated.parse(e.data.data));
    expect(loyalty.map((l) => [l.transactionType, l.pointsChange, l.newBalance])).toEqual([
      ['add', 120, 120], ['redeem', -20, 100], ['adjust', -5, 95], ['earn', 25, 120],
    ]);
    expect(loyalty[0]).toMatchObject({ customerId: id, customerPhone: customer.phone, customerName: 'Ada', reason: 'welcome', orderId: null });
    expect(loyalty[1]).toMatchObject({ orderId: 'ord-1', totalPointsRedeemed: 20 });
    expect(loyalty[3]).toMatchObject({ orderId: 'ord-2', totalPointsEarned: 145, totalPointsRedeemed: 20 });
    const ledger = await t.sql`select id from ledger where customer_id = ${id} order by seq`;
    expect(loyalty.map((l) => l.transactionId)).toEqual(ledger.map((r) => r.id));
    expect(c.events[0].data.data.customer.id).toBe(id);
    expect(c.events[5].data.data.pointValueCents).toBe(2);
    // ids are the tenant's sequence: consecutive, as decimal strings
    const ids = c.events.map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
    c.close();
  });

  test('frames carry a retry hint, id, event and one data line of envelope JSON, and heartbeats are comments', async () => {
    const s = await rawStream(STREAM, auth(t.keyA));
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toStartWith('text/event-stream');
    expect(s.res.headers.get('cache-control')).toBe('no-store');
    await until(() => s.frames.length > 0, 'retry frame');
    expect(s.frames[0].retry).toBe(String(t.config.SSE_RETRY_MS));
    const id = await emit(t.tenantA.id, 'test_event', { n: 1 });
    await until(() => s.events().length === 1, 'one event');
    const f = s.events()[0];
    expect(f).toEqual({ id: String(id), event: 'test_event', data: expect.any(String) });
    expect(JSON.parse(f.data!)).toEqual({ id: String(id), type: 'test_event', tenant: 'alpha', locationId: null, timestamp: expect.any(String), data: { n: 1 } });
    await until(() => s.frames.some((x) => x.comment === 'hb'), 'a heartbeat comment', 3000);
    s.abort();
  });
});

describe('tenant isolation', () => {
  test("B never sees A's events, whatever Last-Event-ID it sends", async () => {
    for (let i = 0; i < 5; i++) await emit(t.tenantA.id);
    const seqA = await seqOf(t.tenantA.id);
    const seqB = await seqOf(t.tenantB.id);
    const clients = ['0', String(seqB), String(seqA), String(seqA + 100), 'abc'].map((id) => listen(STREAM, t.keyB, { lastEventId: id }));
    await Promise.all(clients.map((c) => c.opened));
    for (let i = 0; i < 5; i++) await emit(t.tenantA.id, 'test_event', { tenant: 'A' });
    const bId = await emit(t.tenantB.id, 'test_event', { tenant: 'B' });
    for (const c of clients) {
      await until(() => c.events.some((e) => e.id === String(bId)), "B's own event");
      for (const e of c.events) {
        if (e.type === 'reset') continue;
        expect(e.data.tenant).toBe('bravo');
        expect(e.data.data.tenant ?? 'B').toBe('B');
      }
      c.close();
    }
    const page = await t.b.get('/api/v1/events?after=0&limit=1000');
    expect(page.status).toBe(200);
    expect(page.body.data.every((e: any) => e.tenant === 'bravo')).toBe(true);
    const ahead = await t.b.get(`/api/v1/events?after=${seqA}`);
    expect(seqA > bId ? ahead.body.reset : true).toBe(true);
    expect(ahead.body.data).toEqual([]);
  });

  test('without a valid API key the stream is 401 problem+json', async () => {
    const res = await fetch(STREAM, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).code).toBe('unauthorized');
  });
});

describe('filter and resume', () => {
  test('types= delivers only the listed types', async () => {
    const c = listen(`${STREAM}?types=loyalty_updated,settings_updated`, t.keyA);
    await c.opened;
    const cust = await enrolAda();
    await t.a.post(`/api/v1/customers/${cust.id}/points/add`, { points: 5 });
    await emit(t.tenantA.id, 'test_event');
    const last = await emit(t.tenantA.id, 'settings_updated', {});
    await until(() => c.events.some((e) => e.id === String(last)), 'the settings event');
    expect(c.events.map((e) => e.type)).toEqual(['loyalty_updated', 'settings_updated']);
    c.close();
  });

  for (const via of ['header', 'query'] as const) {
    test(`resume by ${via}: replays exactly the events after the id, then goes live`, async () => {
      const from = await emit(t.tenantA.id, 'test_event', { i: 0 });
      const missed: number[] = [];
      for (let i = 1; i <= 5; i++) missed.push(await emit(t.tenantA.id, 'test_event', { i }));
      const c = via === 'header'
        ? listen(STREAM, t.keyA, { lastEventId: String(from) })
        : listen(`${STREAM}?lastEventId=${from}`, t.keyA);
      await c.opened;
      await until(() => c.events.length >= 5, 'replay');
      const live = await emit(t.tenantA.id, 'test_event', { i: 6 });
      await until(() => c.events.length >= 6, 'live event');
      await Bun.sleep(50);
      expect(c.events.map((e) => Number(e.id))).toEqual([...missed, live]);
      c.close();
    });
  }

  test('a resume point that is unknown, in the future or pruned gets event: reset with the newest id', async () => {
    const seq = await seqOf(t.tenantA.id);
    await t.sql`update tenant_counters set events_pruned_through = 3 where tenant_id = ${t.tenantA.id}`;
    try {
      for (const [resume, reason] of [['abc', 'invalid'], [String(seq + 5), 'future'], ['1', 'pruned'], ['-1', 'invalid']]) {
        const s = await rawStream(`${STREAM}?lastEventId=${resume}`, auth(t.keyA));
        await until(() => s.events().length === 1, `reset for ${resume}`);
        expect(s.events()[0]).toEqual({ id: String(seq), event: 'reset', data: JSON.stringify({ reason, lastEventId: String(seq) }) });
        const next = await emit(t.tenantA.id);
        await until(() => s.events().length === 2, 'live after reset');
        expect(s.events()[1].id).toBe(String(next));
        s.abort();
        await t.sql`delete from events where tenant_id = ${t.tenantA.id} and id = ${next}`; // keep seq checks simple
        await t.sql`update tenant_counters set event_seq = event_seq - 1 where tenant_id = ${t.tenantA.id}`;
      }
      // resuming exactly at the pruned boundary is still served
      const ok = await rawStream(`${STREAM}?lastEventId=3`, auth(t.keyA));
      await until(() => ok.events().length === seq - 3, 'replay from the boundary');
      expect(ok.events()[0].id).toBe('4');
      ok.abort();
    } finally {
      await t.sql`update tenant_counters set events_pruned_through = 0 where tenant_id = ${t.tenantA.id}`;
    }
  });
});

describe('JSON catch-up', () => {
  test('GET /events pages envelopes after an id, filters by type, and flags unservable points with reset', async () => {
    const start = await seqOf(t.tenantA.id);
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await emit(t.tenantA.id, i % 2 ? 'odd_event' : 'test_event', { i }));
    const p1 = await t.a.get(`/api/v1/events?after=${start}&limit=3`);
    expect(p1.status).toBe(200);
    expect(p1.headers.get('cache-control')).toBe('no-store');
    expect(p1.body.data.map((e: any) => e.id)).toEqual(ids.slice(0, 3).map(String));
    expect(p1.body).toMatchObject({ nextAfter: String(ids[2]), hasMore: true, reset: false });
    expect(p1.body.data[0]).toEqual({ id: String(ids[0]), type: 'test_event', tenant: 'alpha', locationId: null, timestamp: expect.any(String), data: { i: 0 } });
    const p2 = await t.a.get(`/api/v1/events?after=${p1.body.nextAfter}&limit=10`);
    expect(p2.body.data.map((e: any) => e.id)).toEqual(ids.slice(3).map(String));
    expect(p2.body).toMatchObject({ nextAfter: String(ids[6]), hasMore: false });
    const odd = await t.a.get(`/api/v1/events?after=${start}&types=odd_event`);
    expect(odd.body.data.map((e: any) => e.data.i)).toEqual([1, 3, 5]);
    expect(odd.body.nextAfter).toBe(String(ids[6]));
    const future = await t.a.get(`/api/v1/events?after=${ids[6] + 10}`);
    expect(future.body).toEqual({ data: [], nextAfter: String(ids[6]), hasMore: false, reset: true });
    expect((await t.a.get('/api/v1/events?after=x')).status).toBe(400);
    expect((await t.anon.get('/api/v1/events')).status).toBe(401);
  });
});

describe('the late-commit trap', () => {
  test('an event whose transaction commits late is still delivered exactly once, in order', async () => {
    const before = await seqOf(t.tenantA.id);
    const c = listen(STREAM, t.keyA, { lastEventId: String(before) });
    await c.opened;
    let releaseT1!: () => void;
    const t1Hold = new Promise<void>((r) => { releaseT1 = r; });
    let t1Wrote!: () => void;
    const t1HasWritten = new Promise<void>((r) => { t1Wrote = r; });
    const t1 = t.sql.begin(async (tx) => {
      await tx`select emit_event(${t.tenantA.id}, 'test_event', '{"tx":"T1"}'::jsonb)`;
      t1Wrote();
      await t1Hold;
    });
    await t1HasWritten;
    // T2 starts while T1 is open: it queues behind T1's counter row lock.
    const t2 = t.sql.begin((tx) => tx`select emit_event(${t.tenantA.id}, 'test_event', '{"tx":"T2"}'::jsonb)`);
    // Wait until T2 really is blocked on T1's lock of the counter row.
    const blocked = async () => (await t.sql`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`)[0].n as number;
    for (let i = 0; i < 200 && (await blocked()) < 1; i++) await Bun.sleep(10);
    expect(await blocked()).toBe(1);
    // A reader in between (JSON poll and a fresh stream) sees neither yet: "after N" has nothing to skip.
    const poll = await t.a.get(`/api/v1/events?after=${before}`);
    expect(poll.body.data).toEqual([]);
    expect(poll.body.nextAfter).toBe(String(before));
    const late = listen(STREAM, t.keyA, { lastEventId: String(before) });
    await late.opened;
    expect(c.events).toEqual([]);
    releaseT1();
    await Promise.all([t1, t2]);
    for (const client of [c, late]) {
      await until(() => client.events.length >= 2, 'both events');
      await Bun.sleep(50);
      expect(client.events.map((e) => [Number(e.id), e.data.data.tx])).toEqual([[before + 1, 'T1'], [before + 2, 'T2']]);
      client.close();
    }
    const after = await t.a.get(`/api/v1/events?after=${poll.body.nextAfter}`);
    expect(after.body.data.map((e: any) => e.data.tx)).toEqual(['T1', 'T2']);
  });
});

describe('stream lifecycle', () => {
  test('more than SSE_MAX_STREAMS_PER_KEY concurrent streams on one key is 429 problem+json', async () => {
    const key = (await createApiKey(t.sql, t.tenantA.id, 'cap')).apiKey;
    const open = await Promise.all(Array.from({ length: t.config.SSE_MAX_STREAMS_PER_KEY }, () => rawStream(STREAM, auth(key))));
    expect(open.every((s) => s.res.status === 200)).toBe(true);
    const over = await fetch(STREAM, { headers: auth(key) });
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toBe('application/problem+json');
    expect(await over.json()).toMatchObject({ code: 'too_many_streams', status: 429 });
    // another key of the same tenant is not affected
    const other = await rawStream(STREAM, auth(t.keyA));
    expect(other.res.status).toBe(200);
    other.abort();
    open[0].abort();
    const keyId = (await t.sql`select id from api_keys where name = 'cap'`)[0].id;
    await until(() => t.hub.streamsFor(`key:${keyId}`) === t.config.SSE_MAX_STREAMS_PER_KEY - 1, 'a slot frees');
    const again = await rawStream(STREAM, auth(key));
    expect(again.res.status).toBe(200);
    for (const s of [...open, again]) s.abort();
  });

  test("a revoked key's open streams are closed within 30 s", async () => {
    const { apiKey, id } = await createApiKey(t.sql, t.tenantA.id, 'to-revoke');
    const streams = await Promise.all([1, 2, 3].map(() => rawStream(STREAM, auth(apiKey))));
    // The survivor has a key of its own: keyA's slots may still be draining from earlier tests, and a
    // 429 there would end the survivor for a reason that has nothing to do with revocation.
    const survivor = await rawStream(STREAM, auth((await createApiKey(t.sql, t.tenantA.id, 'survivor')).apiKey));
    expect(survivor.res.status).toBe(200);
    await until(() => t.hub.streamsFor(`key:${id}`) === 3, 'three streams registered');
    const started = Date.now();
    expect(await revokeApiKey(t.sql, t.tenantA.id, id)).toBe(1);
    await until(() => streams.every((s) => s.ended), 'revoked streams to end', 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(t.hub.streamsFor(`key:${id}`)).toBe(0);
    expect(survivor.ended).toBe(false);
    const res = await fetch(STREAM, { headers: auth(apiKey) });
    expect(res.status).toBe(401);
    survivor.abort();
  });

  test('10,000 connects and disconnects leave no subscriber, tenant state or key count behind', async () => {
    await until(() => t.hub.openStreams === 0, 'earlier streams to close');
    const heapBefore = process.memoryUsage().heapUsed;
    let opened = 0;
    const batch = 40;
    for (let i = 0; i < 10_000; i += batch) {
      // A closed stream frees its slot when the server reads the close; with the key resolved from memory
      // the next batch can arrive first, and the per-key cap (50) would rightly refuse it.
      await until(() => t.hub.openStreams <= 50 - batch, "the last batch's slots to free");
      await Promise.all(Array.from({ length: batch }, async (_, j) => {
        const ctrl = new AbortController();
        const res = await fetch(STREAM, { headers: auth(t.keyA), signal: ctrl.signal });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        await reader.read(); // the retry hint: the stream is registered
        opened++;
        // half the clients abort the request, half cancel the body
        if ((i + j) % 2) ctrl.abort(); else await reader.cancel();
      }));
    }
    expect(opened).toBe(10_000);
    await until(() => t.hub.openStreams === 0 && t.hub.subscribedTenants === 0, 'every stream cleaned up', 10_000);
    expect(t.hub.streamsFor(`key:any`)).toBe(0);
    Bun.gc(true);
    const growth = process.memoryUsage().heapUsed - heapBefore;
    expect(growth).toBeLessThan(20 * 1024 * 1024);
  }, 120_000);
});

describe('formats (the hub contract the admin pages use)', () => {
  test('a registered format is rendered once per event for all its streams, multi-line data split into data: lines', async () => {
    let renders = 0;
    t.hub.registerFormat('test_html', (e) => {
      renders++;
      return e.type === 'row_event' ? `<tr id="r${e.id}">\n<td>${e.data.name}</td>\n</tr>` : null;
    });
    const caller: Caller = { tenantId: t.tenantA.id, tenantSlug: 'alpha', defaultCountry: 'GB', actor: 'admin:x', keyId: null, adminId: 'x', role: 'owner' };
    const admin = new Hono<AppEnv>().get('/page-stream', (c) =>
      eventStream(c, t.hub, caller, { types: null, lastEventId: c.req.query('lastEventId') ?? null, format: 'test_html' }));
    const url = `${serve(admin)}/page-stream`;
    const pages = await Promise.all([1, 2, 3].map(() => rawStream(url, {})));
    const json = await rawStream(STREAM, auth(t.keyA));
    await until(() => t.hub.openStreams >= 4, 'four streams');
    const skipped = await emit(t.tenantA.id, 'other_event', {});
    const id = await emit(t.tenantA.id, 'row_event', { name: 'Ada' });
    for (const p of pages) {
      await until(() => p.events().length === 1, 'the html frame');
      expect(p.events()[0]).toEqual({ id: String(id), event: 'row_event', data: `<tr id="r${id}">\n<td>Ada</td>\n</tr>` });
    }
    await until(() => json.events().length === 2, 'both json frames');
    expect(renders).toBe(2); // two events, rendered once each for three pages
    expect(skipped).toBe(id - 1);
    // a page resuming from before replays through the same renderer
    const resumed = await rawStream(`${url}?lastEventId=${skipped - 1}`, {});
    await until(() => resumed.events().length === 1, 'the replayed frame');
    expect(resumed.events()[0].id).toBe(String(id));
    for (const s of [...pages, json, resumed]) s.abort();
  });
});

describe('refusals', () => {
  test('a HEAD request (routed to the stream handler) holds no stream slot', async () => {
    const { apiKey, id } = await createApiKey(t.sql, t.tenantA.id, 'head');
    for (let i = 0; i < 3; i++) {
      const res = await fetch(STREAM, { method: 'HEAD', headers: auth(apiKey) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
    }
    expect(t.hub.streamsFor(`key:${id}`)).toBe(0);
    expect((await fetch(STREAM, { method: 'HEAD' })).status).toBe(401);
  });

  test('a stream whose tenant cannot be read is 503 events_unavailable, and frees what it reserved', async () => {
    const caller: Caller = { tenantId: crypto.randomUUID(), tenantSlug: 'ghost', defaultCountry: 'GB', actor: 'key:g', keyId: crypto.randomUUID(), adminId: null, role: 'key' };
    const api = new Hono<AppEnv>();
    api.onError((err, c) => { const p = toProblem(err); return c.json(p, p.status as 503); });
    api.get('/ghost-stream', (c) => eventStream(c, t.hub, caller, { types: null, lastEventId: null }));
    const res = await api.request('/ghost-stream');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'events_unavailable' });
    expect(t.hub.streamsFor(`key:${caller.keyId}`)).toBe(0);
  });
});

describe('documents and operations', () => {
  test('/asyncapi.json is AsyncAPI 3 with a message per catalogued type, generated from the payload schemas', async () => {
    const res = await t.anon.get('/asyncapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.asyncapi).toBe('3.0.0');
    const messages = doc.channels.tenantEvents.messages;
    for (const type of ['customer_created', 'loyalty_updated', 'settings_updated', 'reset']) expect(messages[type]).toBeDefined();
    expect(doc.channels.tenantEvents.address).toBe('/api/v1/events/stream');
    expect(Object.keys(messages.loyalty_updated.payload.properties.data.properties).sort()).toEqual(Object.keys(LoyaltyUpdated.shape).sort());
    expect(doc.operations.receiveEvents.action).toBe('receive');
    expect(doc.operations.receiveEvents.messages.length).toBe(Object.keys(messages).length);
    const docs = await fetch(`${base}/docs`).then((r) => r.text());
    expect(docs).toContain('/asyncapi.json');
    const openapi = (await t.anon.get('/openapi.json')).body;
    expect(Object.keys(openapi.paths['/api/v1/events/stream'].get.responses).sort()).toEqual(['200', '400', '401', '403', '404', '429', '503']);
    expect(openapi.paths['/api/v1/events'].get).toBeDefined();
  });

  test('/metrics reports streams, deliveries, replays, drops, reconnects, lag and the NOTIFY queue', async () => {
    const s = await rawStream(STREAM, auth(t.keyA));
    await until(() => t.hub.openStreams >= 1, 'a stream');
    await emit(t.tenantA.id);
    await until(() => s.events().length === 1, 'an event');
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toStartWith('text/plain');
    const text = await res.text();
    const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);
    expect(value('tillstream_sse_open_streams')).toBeGreaterThanOrEqual(1);
    expect(value('tillstream_sse_events_delivered_total')).toBeGreaterThanOrEqual(1);
    expect(value('tillstream_sse_events_replayed_total')).toBeGreaterThanOrEqual(1);
    expect(value('tillstream_sse_slow_client_drops_total')).toBeGreaterThanOrEqual(0);
    expect(value('tillstream_listener_reconnects_total')).toBeGreaterThanOrEqual(0);
    expect(value('tillstream_listener_up')).toBe(1);
    expect(value('tillstream_pg_notification_queue_usage')).toBeGreaterThanOrEqual(0);
    expect(value('tillstream_event_commit_to_send_seconds_count')).toBeGreaterThanOrEqual(1);
    s.abort();
  });

  test('/readyz reports the listener', async () => {
    const res = await t.anon.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ database: true, listener: true });
  });
});

