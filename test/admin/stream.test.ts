import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { startRealtime, testApp } from '../support/app.ts';
import { createAdmin, signIn, type AdminClient } from '../support/admin.ts';
import { rawStream, serve, until } from '../support/stream.ts';
import { createApp } from '../../src/app.ts';
import { connect } from '../../src/platform/database.ts';
import { runCli } from '../../src/cli.ts';

// A short sweep, as a revoked key's streams are tested with: an ended session must close within it.
const t = await testApp({ KEY_SWEEP_MS: 200 });
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
const john = (await t.a.post('/api/v1/customers', { phone: '+447306506797', name: 'John Doe' })).body;

/** Read SSE text until `until` matches or the time runs out. */
async function readUntil(res: Response, until: RegExp, ms = 3000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  try {
    while (!until.test(text) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text;
}

describe('the admin event stream', () => {
  test('carries each change as HTML fragments, resuming after the id the page rendered', async () => {
    const html = await (await owner.get('/customers')).text();
    const from = Number(/lastEventId=(\d+)/.exec(html)![1]);
    // A change committed between render and connect must still arrive.
    await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 40, reason: 'Between render and connect' });
    const res = await owner.get(`/stream?lastEventId=${from}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await readUntil(res, /Between render and connect[\s\S]*\n\n/);
    expect(text).toContain(`id: ${from + 1}`);
    expect(text).toContain('data: <!--ev:loyalty_updated-->');
    expect(text).toContain(`<span id="pts-${john.id}" class="pts flash" data-seq="${from + 1}" hx-swap-oob="true">40</span>`);
    expect(text).not.toContain('"customerId"'); // HTML for pages, not the JSON envelope
  });

  test('Last-Event-ID (the reconnect) wins over the page\'s ?lastEventId=', async () => {
    const seq = (await t.sql`select event_seq from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].event_seq;
    await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 1, reason: 'after reconnect' });
    const res = await owner.get('/stream?lastEventId=0', { 'last-event-id': String(seq) });
    const text = await readUntil(res, /after reconnect[\s\S]*\n\n/);
    expect(text).toContain(`id: ${seq + 1}`);
    expect(text).not.toContain('id: 1\n');
  });

  test('another tenant\'s stream is 404 and an anonymous one is sent to sign-in', async () => {
    const other = await t.app.request('/bravo/admin/stream', { headers: { cookie: owner.cookie } });
    expect(other.status).toBe(404);
    const anon = await t.app.request('/alpha/admin/stream', { headers: { 'hx-request': 'true' } });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('hx-redirect')).toBe('/alpha/admin/login');
  });
});

// Issue 10 item 5: an admin stream belongs to its session, on every instance. A second instance on the
// same database (its own pool, hub, LISTEN connection and server) learns of an ended session only
// from Postgres, at its next sweep.
const sql2 = connect(t.url, 3);
const two = await startRealtime(sql2, t.url, t.config);
const one = { url: serve(t.app), hub: t.hub };
const other = { url: serve(createApp({ sql: sql2, config: t.config, hub: two.hub }, {})), hub: two.hub };
const password = 'correct horse';
const sessionIdOf = (a: AdminClient) => createHash('sha256').update(a.cookie.slice('ts_session='.length)).digest('hex');

let n = 0;
/** A fresh admin of tenant A, signed in twice (two sessions: two browsers). */
async function adminWithTwoSessions(role: 'owner' | 'staff' = 'staff') {
  const email = `s${n++}@alpha.test`;
  const id = await createAdmin(t.sql, t.tenantA.id, email, password, role);
  const [first, second] = [await signIn(t.app, 'alpha', email, password), await signIn(t.app, 'alpha', email, password)];
  return { email, id, first, second, streamKey: `admin:${id}` };
}

const adminStream = (instance: { url: string }, a: AdminClient) => rawStream(`${instance.url}/alpha/admin/stream`, { cookie: a.cookie });

/** Streams that must outlive the ended session: its admin's other session, another admin, an API key. */
async function bystanders(second: AdminClient) {
  const other = await signIn(t.app, 'alpha', 'owner@alpha.test', password);
  const streams = [
    await adminStream(one, second), await adminStream(one, other),
    await rawStream(`${one.url}/api/v1/events/stream`, { authorization: `Bearer ${t.keyA}` }),
  ];
  expect(streams.map((s) => s.res.status)).toEqual([200, 200, 200]);
  return streams;
}

/** After the ended session's streams closed: one more sweep on each instance leaves the bystanders open. */
async function expectBystandersOpen(streams: Awaited<ReturnType<typeof bystanders>>) {
  await Promise.all([one.hub.sweepRevokedKeys(), other.hub.sweepRevokedKeys()]);
  expect((await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 1, reason: 'still live' })).status).toBe(200);
  const [{ seq }] = await t.sql`select event_seq as seq from tenant_counters where tenant_id = ${t.tenantA.id}`;
  for (const s of streams) {
    expect(s.ended).toBe(false);
    await until(() => s.frames.some((f) => f.id === String(seq)), 'the bystander to still receive events');
  }
  for (const s of streams) s.abort();
}

describe('an admin stream ends with its session', () => {
  test('HEAD on the admin stream, 60 times through a real server, opens nothing; a GET is admitted after', async () => {
    const a = await adminWithTwoSessions();
    const heads = await Promise.all(Array.from({ length: 60 }, () =>
      fetch(`${one.url}/alpha/admin/stream`, { method: 'HEAD', headers: { cookie: a.first.cookie } })));
    expect(heads.map((r) => r.status)).toEqual(Array(60).fill(200));
    expect(heads.every((r) => r.headers.get('content-type')?.startsWith('text/event-stream'))).toBe(true);
    expect(one.hub.streamsFor(a.streamKey)).toBe(0);
    const get = await adminStream(one, a.first);
    expect(get.res.status).toBe(200);
    expect(one.hub.streamsFor(a.streamKey)).toBe(1);
    get.abort();
    await until(() => one.hub.streamsFor(a.streamKey) === 0, 'the GET to free its slot');
  });

  test('logout closes that session\'s streams at once here and within the sweep on another instance; others stay open', async () => {
    const a = await adminWithTwoSessions();
    const here = await adminStream(one, a.first);
    const there = await adminStream(other, a.first);
    expect([here.res.status, there.res.status]).toEqual([200, 200]);
    const keep = await bystanders(a.second);
    expect(one.hub.streamsFor(a.streamKey)).toBe(2);

    const res = await a.first.post('/logout', {});
    expect(res.status).toBe(303);
    // Closed before the answer: no sweep needed on this instance.
    expect(one.hub.streamsFor(a.streamKey)).toBe(1);
    await until(() => here.ended, 'the stream on this instance to end');
    await until(() => there.ended && other.hub.streamsFor(a.streamKey) === 0, 'the other instance\'s stream to end', 10_000);

    const rows = await t.sql`select token_hash from admin_sessions where admin_id = ${a.id}`;
    expect(rows.map((r) => r.token_hash)).toEqual([sessionIdOf(a.second)]);
    // The page's reconnect is refused: it is sent to sign in.
    for (const instance of [one, other]) {
      const again = await fetch(`${instance.url}/alpha/admin/stream`, { headers: { cookie: a.first.cookie }, redirect: 'manual' });
      expect(again.status).toBe(303);
      expect(again.headers.get('location')).toBe('/alpha/admin/login');
    }
    await expectBystandersOpen(keep);
  }, 30_000);

  test('an expired session\'s streams close within the sweep on every instance; others stay open', async () => {
    const a = await adminWithTwoSessions();
    const streams = [await adminStream(one, a.first), await adminStream(other, a.first)];
    const keep = await bystanders(a.second);
    await t.sql`update admin_sessions set expires_at = now() - interval '1 second' where token_hash = ${sessionIdOf(a.first)}`;
    await until(() => streams.every((s) => s.ended), 'the expired session\'s streams to end', 10_000);
    expect(one.hub.streamsFor(a.streamKey)).toBe(1); // the second session's
    expect(other.hub.streamsFor(a.streamKey)).toBe(0);
    expect((await a.first.get('/dashboard')).status).toBe(303);
    await expectBystandersOpen(keep);
  }, 30_000);

  test('deactivating an admin closes every stream of theirs on every instance; other admins and keys stay open', async () => {
    const a = await adminWithTwoSessions('owner');
    const streams = [
      await adminStream(one, a.first), await adminStream(one, a.second), await adminStream(other, a.second),
      // Their cookie on the API door's stream belongs to the session too.
      await rawStream(`${other.url}/api/v1/events/stream`, { cookie: a.first.cookie }),
    ];
    expect(streams.map((s) => s.res.status)).toEqual([200, 200, 200, 200]);
    const keep = await bystanders((await adminWithTwoSessions()).first);
    const out: any = await runCli(['admin', 'deactivate', '--tenant', 'alpha', '--email', a.email], t.sql);
    expect(out.admin).toMatchObject({ id: a.id, email: a.email, deactivatedAt: expect.any(String) });
    await until(() => streams.every((s) => s.ended), 'the deactivated admin\'s streams to end', 10_000);
    expect([one.hub.streamsFor(a.streamKey), other.hub.streamsFor(a.streamKey)]).toEqual([0, 0]);
    expect((await t.sql`select count(*)::int as n from admin_sessions where admin_id = ${a.id}`)[0].n).toBe(0);
    await expectBystandersOpen(keep);
  }, 30_000);

  test('deactivation alone (the column, sessions left in place) is enough for the sweep to close the streams', async () => {
    const a = await adminWithTwoSessions();
    const streams = [await adminStream(one, a.first), await adminStream(other, a.second)];
    const keep = await bystanders((await adminWithTwoSessions()).first);
    await t.sql`update admins set deactivated_at = now() where id = ${a.id}`;
    await until(() => streams.every((s) => s.ended), 'the streams to end', 10_000);
    expect((await t.sql`select count(*)::int as n from admin_sessions where admin_id = ${a.id}`)[0].n).toBe(2);
    expect((await a.second.get('/dashboard')).status).toBe(303);
    await expectBystandersOpen(keep);
  }, 30_000);
});
