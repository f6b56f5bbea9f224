import { afterAll, describe, expect, test } from 'bun:test';
import { client, testApp } from '../support/app.ts';
import { roundTripProxy } from '../support/roundTrips.ts';
import { createApp } from '../../src/app.ts';
import { connect } from '../../src/platform/database.ts';
import { enrol } from '../support/fixtures.ts';
import { AdminClient, createAdmin, signIn } from '../support/admin.ts';

// A second instance whose pool reaches Postgres through a proxy that counts round trips (its listener
// connects directly, as the hub's own does). Round trips, not time: the count holds on a busy machine.
const t = await testApp();
const proxy = roundTripProxy(new URL(t.url));
const sql = connect(proxy.url, 1);
const app = createApp({ sql, config: t.config, hub: t.hub }, { listener: () => t.listener.isUp() });
const api = client(app, t.keyA);
afterAll(async () => { await sql.end(); proxy.stop(); });

describe('round trips per request', () => {
  test('a redeem costs one round trip to Postgres with its key cached (points_redeem alone, its own transaction, as a direct call), one more to look the key up', async () => {
    const cust = await enrol(t.a, '+447306530001', 100, 'Ada');
    // Warm up: a connect is several round trips of its own, and so is a statement's first run on a
    // connection (postgres.js asks Postgres for its parameter types once, then reuses the prepared statement).
    t.hub.auth.clear();
    for (let i = 0; i < 4; i++) expect((await api.post(`/api/v1/customers/${cust.id}/points/redeem`, { points: 1 })).status).toBe(200);
    t.hub.auth.clear();
    proxy.reset();
    expect((await api.post(`/api/v1/customers/${cust.id}/points/redeem`, { points: 1 })).status).toBe(200);
    const miss = proxy.trips;
    proxy.reset();
    expect((await api.post(`/api/v1/customers/${cust.id}/points/redeem`, { points: 1 })).status).toBe(200);
    const hit = proxy.trips;
    console.log(`round trips per redeem request: ${miss} with a key lookup, ${hit} with the key cached`);
    expect(hit).toBe(1);
    expect(miss).toBe(2);
    const [row] = await t.sql`select points_balance from customers where id = ${cust.id}`;
    expect(row.points_balance).toBe(94);
  });

  test("a redeem with an admin's session cookie costs the same one with the session cached, one more to look it up", async () => {
    await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
    const signedIn = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
    const admin = new AdminClient(app, 'alpha', signedIn.cookie, signedIn.csrf).api();
    const cust = await enrol(t.a, '+447306530003', 100, 'Cy');
    const redeem = () => admin.post(`/api/v1/customers/${cust.id}/points/redeem`, { points: 1 });
    // Sign-in filled the cache through the other pool: clear it so the warm-up prepares the lookup here too.
    t.hub.sessions.clear();
    for (let i = 0; i < 4; i++) expect((await redeem()).status).toBe(200);
    t.hub.sessions.clear();
    proxy.reset();
    expect((await redeem()).status).toBe(200);
    const miss = proxy.trips;
    proxy.reset();
    expect((await redeem()).status).toBe(200);
    const hit = proxy.trips;
    console.log(`round trips per redeem with a session cookie: ${miss} with a session lookup, ${hit} with the session cached`);
    expect(hit).toBe(1);
    expect(miss).toBe(2);
    const [row] = await t.sql`select points_balance from customers where id = ${cust.id}`;
    expect(row.points_balance).toBe(94);
  });

  test('a redeem with an Idempotency-Key costs four (was eight): the lock and the stored-response read ride with BEGIN', async () => {
    const cust = await enrol(t.a, '+447306530002', 100, 'Bo');
    const redeem = (key: string) => api.post(`/api/v1/customers/${cust.id}/points/redeem`, { points: 1 }, { 'idempotency-key': key });
    for (let i = 0; i < 4; i++) expect((await redeem(`warm-${i}`)).status).toBe(200);
    proxy.reset();
    expect((await redeem('measured')).status).toBe(200);
    const first = proxy.trips;
    proxy.reset();
    const again = await redeem('measured');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    console.log(`round trips per redeem with an Idempotency-Key: ${first} (${proxy.trips} for its replay)`);
    // [BEGIN, lock, read] [set_config, redeem] [the key's insert] [COMMIT].
    expect(first).toBe(4);
    const [row] = await t.sql`select points_balance from customers where id = ${cust.id}`;
    expect(row.points_balance).toBe(95);
    const [{ n }] = await t.sql`select count(*)::int as n from idempotency_keys where tenant_id = ${t.tenantA.id} and key = 'measured'`;
    expect(n).toBe(1);
  });
});
