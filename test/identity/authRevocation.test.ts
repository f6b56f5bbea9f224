import { describe, expect, test } from 'bun:test';
import { client, startRealtime, testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { createApp } from '../../src/app.ts';
import { connect } from '../../src/platform/database.ts';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { enrol } from '../support/fixtures.ts';
import { rawStream, serve, until } from '../support/stream.ts';

// Two instances on one database. The periodic sweep is made slow (a minute) and the cache's TTL long,
// so what these tests see is the NOTIFY path and the reconnect drop, not the backstops.
const t = await testApp({ KEY_SWEEP_MS: 60_000, AUTH_CACHE_TTL_MS: 600_000, LISTENER_HEARTBEAT_MS: 500 });
let statements = 0;
const sql2 = connect(t.url, 5, undefined, () => { statements++; });
const two = await startRealtime(sql2, t.url, t.config);
const app2 = createApp({ sql: sql2, config: t.config, hub: two.hub }, { listener: () => two.listener.isUp() });
const STREAM_ONE = `${serve(t.app)}/api/v1/events/stream`;
const STREAM_TWO = `${serve(app2)}/api/v1/events/stream`;
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse battery');
const admin = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse battery');
const auth = (key: string) => ({ authorization: `Bearer ${key}` });
let nextPhone = 20000;

describe('cached API keys', () => {
  test('a redeem with a cached key asks Postgres nothing about the key', async () => {
    const { apiKey } = await createApiKey(t.sql, t.tenantA.id, 'till');
    const on2 = client(app2, apiKey);
    const cust = await enrol(t.a, '+4473065' + String(nextPhone++), 100, 'Ada');
    expect((await on2.post(`/api/v1/customers/${cust.id}/points/redeem`, { points: 1 })).status).toBe(200);
    statements = 0;
    expect((await on2.post(`/api/v1/customers/${cust.id}/points/redeem`, { points: 1 })).status).toBe(200);
    const cached = statements;
    two.hub.auth.clear();
    statements = 0;
    expect((await on2.post(`/api/v1/customers/${cust.id}/points/redeem`, { points: 1 })).status).toBe(200);
    // The key lookup is the one statement a cache miss adds.
    expect(statements).toBe(cached + 1);
    console.log(`statements per redeem request: ${statements} with a cache miss, ${cached} with the key cached`);
    const [row] = await t.sql`select points_balance from customers where id = ${cust.id}`;
    expect(row.points_balance).toBe(97);
  });

  test('a key revoked on the admin page is refused on the next request and its streams close', async () => {
    const { apiKey, id } = await createApiKey(t.sql, t.tenantA.id, 'to-revoke');
    const on1 = client(t.app, apiKey);
    expect((await on1.get('/api/v1/settings')).status).toBe(200);
    expect(t.hub.auth.size).toBeGreaterThan(0);
    const s1 = await rawStream(STREAM_ONE, auth(apiKey));
    expect(s1.res.status).toBe(200);
    await until(() => t.hub.streamsFor(`key:${id}`) === 1, 'the stream registered');
    expect((await admin.post(`/keys/${id}/revoke`, {})).status).toBe(200);
    expect((await on1.get('/api/v1/settings')).status).toBe(401);
    // The periodic sweep is a minute away: the revoke's own sweep closes it.
    await until(() => s1.ended, 'the stream to close', 5000);
    const [row] = await t.sql`select revoked_at from api_keys where id = ${id}`;
    expect(row.revoked_at).not.toBeNull();
  });

  test("a key revoked by another process reaches this instance's cache and streams by NOTIFY alone", async () => {
    const { apiKey, id } = await createApiKey(t.sql, t.tenantA.id, 'to-revoke-elsewhere');
    const on2 = client(app2, apiKey);
    expect((await on2.get('/api/v1/settings')).status).toBe(200);
    const s2 = await rawStream(STREAM_TWO, auth(apiKey));
    expect(s2.res.status).toBe(200);
    await until(() => two.hub.streamsFor(`key:${id}`) === 1, 'the stream registered');
    // The statement revokeApiKey sends (the CLI's, or another instance's), run here without touching
    // this process's caches: only the NOTIFY can tell instance two.
    await t.sql`with revoked as (update api_keys set revoked_at = now() where id = ${id} returning id)
      select pg_notify('tillstream_auth', 'key:' || id) from revoked`;
    await until(async () => (await on2.get('/api/v1/settings')).status === 401, 'instance two to refuse the key', 5000);
    await until(() => s2.ended, 'the stream on instance two to close', 5000);
    expect(two.hub.streamsFor(`key:${id}`)).toBe(0);
  });

  test('when the listener reconnects the cache is dropped, since changes during the gap were not heard', async () => {
    const { apiKey, id } = await createApiKey(t.sql, t.tenantA.id, 'gap');
    const on2 = client(app2, apiKey);
    expect((await on2.get('/api/v1/settings')).status).toBe(200);
    expect(two.hub.auth.size).toBeGreaterThan(0);
    // A revocation whose NOTIFY never reached this instance, as if sent while its listener was down.
    await t.sql`update api_keys set revoked_at = now() where id = ${id}`;
    expect((await on2.get('/api/v1/settings')).status).toBe(200);
    const reconnects = two.hub.metrics.listenerReconnects;
    await t.sql`select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = 'tillstream-listener' and pid <> pg_backend_pid()`;
    await until(() => two.hub.metrics.listenerReconnects > reconnects && two.listener.isUp(), 'the listener to come back', 10_000);
    expect((await on2.get('/api/v1/settings')).status).toBe(401);
  });

  test('while the listener is down every request asks Postgres', async () => {
    const { apiKey, id } = await createApiKey(t.sql, t.tenantA.id, 'down');
    const on2 = client(app2, apiKey);
    expect((await on2.get('/api/v1/settings')).status).toBe(200);
    await two.listener.stop();
    try {
      await t.sql`update api_keys set revoked_at = now() where id = ${id}`;
      expect((await on2.get('/api/v1/settings')).status).toBe(401);
    } finally {
      await two.listener.start();
    }
  });
});

describe('what a cached key carries', () => {
  test("a change of the tenant's default country is applied at once here and NOTIFYs every instance", async () => {
    const { apiKey } = await createApiKey(t.sql, t.tenantB.id, 'till');
    const on1 = client(t.app, apiKey);
    const heard: string[] = [];
    const listening = await t.sql.listen('tillstream_auth', (payload) => heard.push(payload));
    expect((await on1.get('/api/v1/settings')).status).toBe(200);
    expect((await on1.patch('/api/v1/settings', { defaultCountry: 'US' })).status).toBe(200);
    const us = await on1.post('/api/v1/customers', { phone: '(415) 555-0101' });
    expect(us.status).toBe(201);
    expect(us.body.phone).toBe('+14155550101');
    await until(() => heard.includes(`tenant:${t.tenantB.id}`), 'the NOTIFY that clears other instances', 5000);
    await listening.unlisten();
    const [row] = await t.sql`select default_country from tenants where id = ${t.tenantB.id}`;
    expect(row.default_country).toBe('US');
  });
});

// Admin sessions are cached too: test/identity/sessionCache.test.ts.
