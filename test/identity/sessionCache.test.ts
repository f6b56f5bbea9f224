import { describe, expect, test } from 'bun:test';
import { client, startRealtime, testApp } from '../support/app.ts';
import { AdminClient, createAdmin, signIn } from '../support/admin.ts';
import { createApp } from '../../src/app.ts';
import { connect } from '../../src/platform/database.ts';
import { enrol } from '../support/fixtures.ts';
import { until } from '../support/stream.ts';
import { when } from '../../views/shell/format.ts';

// Admin sessions cached per instance (src/identity/sessions.ts, the hub's `sessions` AuthCache). Two
// instances on one database; the periodic sweep is slow (a minute) and the cache's TTL long, so what
// these tests see is the in-process clear, the NOTIFY of sql/0029's triggers and the reconnect drop,
// not the backstops. Instance two's pool logs its statements, to see which tables a request asked about
// (by table, not by count: its listener's heartbeat and presence writes share the pool).
const t = await testApp({ KEY_SWEEP_MS: 60_000, AUTH_CACHE_TTL_MS: 600_000, LISTENER_HEARTBEAT_MS: 500 });
const statements: string[] = [];
const sql2 = connect(t.url, 5, undefined, (_connection, query) => { statements.push(query); });
const two = await startRealtime(sql2, t.url, t.config);
const app2 = createApp({ sql: sql2, config: t.config, hub: two.hub }, { listener: () => two.listener.isUp() });
const sessionQueries = () => statements.filter((q) => /admin_sessions/.test(q));

await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
let n = 0;

/** A staff admin of A signed in on instance one, and the same browser's cookie on instance two. */
async function staffOnBoth(role: 'owner' | 'staff' = 'staff') {
  const email = `staff${++n}@alpha.test`;
  const id = await createAdmin(t.sql, t.tenantA.id, email, 'staff password', role);
  const one = await signIn(t.app, 'alpha', email, 'staff password');
  return { id, email, one, two: new AdminClient(app2, 'alpha', one.cookie, one.csrf) };
}
const tokenHashOf = async (adminId: string) =>
  (await t.sql`select token_hash from admin_sessions where admin_id = ${adminId}`).map((r) => r.token_hash as string);

describe('a cached session', () => {
  test('a request with a cached session asks Postgres nothing about it; a miss asks once', async () => {
    const s = await staffOnBoth();
    expect((await s.two.api().get('/api/v1/customers')).status).toBe(200);
    expect(two.hub.sessions.size).toBeGreaterThan(0);
    statements.length = 0;
    expect((await s.two.api().get('/api/v1/customers')).status).toBe(200);
    expect((await s.two.get('/customers')).status).toBe(200);
    expect(sessionQueries()).toEqual([]);
    two.hub.sessions.clear();
    statements.length = 0;
    expect((await s.two.api().get('/api/v1/customers')).status).toBe(200);
    expect((await s.two.get('/customers')).status).toBe(200);
    // One lookup: the first request fills the cache for the second.
    expect(sessionQueries()).toHaveLength(1);
  });

  test('a session is touched at most once a minute: a stale last_seen_at is slid once, then requests are reads', async () => {
    const s = await staffOnBoth();
    const [hash] = await tokenHashOf(s.id);
    await t.sql`update admin_sessions set last_seen_at = now() - interval '2 minutes', expires_at = now() + interval '11 hours'
      where token_hash = ${hash}`;
    two.hub.sessions.clear();
    statements.length = 0;
    for (let i = 0; i < 5; i++) expect((await s.two.api().get('/api/v1/customers')).status).toBe(200);
    await until(async () => {
      const [row] = await t.sql`select last_seen_at > now() - interval '1 minute' as touched from admin_sessions where token_hash = ${hash}`;
      return row.touched;
    }, 'the touch to land');
    expect(sessionQueries().filter((q) => /^\s*update admin_sessions/i.test(q))).toHaveLength(1);
    const [row] = await t.sql`select expires_at > now() + interval '11 hours 30 minutes' as slid from admin_sessions where token_hash = ${hash}`;
    expect(row.slid).toBe(true);
  });

  test('a cached session is not served past the expires_at it was read with', async () => {
    const s = await staffOnBoth();
    const [hash] = await tokenHashOf(s.id);
    // Its own NOTIFY (an expiry moved earlier) is heard before the request below is cached.
    const heard: string[] = [];
    const listening = await t.sql.listen('tillstream_auth', (payload) => heard.push(payload));
    await t.sql`update admin_sessions set expires_at = now() + interval '3 seconds' where token_hash = ${hash}`;
    await until(() => heard.includes(`admin:${s.id}`), 'the NOTIFY of the shortened expiry', 5000);
    await listening.unlisten();
    await Bun.sleep(100);
    expect((await s.two.api().get('/api/v1/customers')).status).toBe(200);
    expect(two.hub.sessions.size).toBeGreaterThan(0);
    // Nothing else tells instance two: the cache's TTL is ten minutes, so only the stored expiry refuses it.
    await until(async () => (await s.two.api().get('/api/v1/customers')).status === 401, 'the expired session to be refused', 10_000);
    expect((await s.two.get('/customers')).status).toBe(303);
  });
});

describe('what ends or changes a session takes effect on the next request', () => {
  test('signing out on one instance refuses the session on the next request there and on a second instance', async () => {
    const s = await staffOnBoth();
    expect((await s.one.get('/customers')).status).toBe(200);
    expect((await s.two.get('/customers')).status).toBe(200);
    expect((await s.one.post('/logout', {})).status).toBe(303);
    expect((await s.one.get('/customers')).status).toBe(303);
    expect((await s.two.get('/customers')).status).toBe(303);
    expect((await s.two.api().get('/api/v1/customers')).status).toBe(401);
    expect(await tokenHashOf(s.id)).toEqual([]);
  });

  test('a session ended by another process reaches the second instance by NOTIFY alone', async () => {
    const s = await staffOnBoth();
    expect((await s.two.get('/customers')).status).toBe(200);
    // The statement sign-out sends, run here without touching this process's caches: only sql/0029's
    // trigger can tell instance two.
    await t.sql`delete from admin_sessions where admin_id = ${s.id}`;
    await until(async () => (await s.two.get('/customers')).status === 303, 'instance two to refuse the session', 5000);
    expect((await s.two.api().get('/api/v1/customers')).status).toBe(401);
  });

  test('a staff admin deactivated on the Team page is refused on the next request', async () => {
    const s = await staffOnBoth();
    expect((await s.one.api().get('/api/v1/customers')).status).toBe(200);
    expect((await owner.post(`/team/${s.id}/deactivate`, {})).status).toBe(200);
    expect((await s.one.api().get('/api/v1/customers')).status).toBe(401);
    expect((await s.one.get('/customers')).status).toBe(303);
    const [row] = await t.sql`select deactivated_at from admins where id = ${s.id}`;
    expect(row.deactivated_at).not.toBeNull();
    expect(await tokenHashOf(s.id)).toEqual([]);
  });

  test('a role change takes effect on the next request, with the session kept', async () => {
    const s = await staffOnBoth();
    expect((await s.one.api().get('/api/v1/webhooks')).status).toBe(403);
    expect((await owner.post(`/team/${s.id}/role`, { role: 'owner' })).status).toBe(200);
    expect((await s.one.api().get('/api/v1/webhooks')).status).toBe(200);
    expect((await t.sql`select role from admins where id = ${s.id}`)[0].role).toBe('owner');
    expect(await tokenHashOf(s.id)).toHaveLength(1);
  });

  test('a picked site is the one the next page shows', async () => {
    const [{ id: site }] = await t.sql`insert into locations (tenant_id, name, code, time_zone)
      values (${t.tenantA.id}, 'Picked', 'PICK', 'Europe/London') returning id`;
    const s = await staffOnBoth('owner');
    const dashboard = async () => /id="dashboard"[^>]*data-location="([^"]*)"/.exec(await (await s.one.get('/dashboard')).text())?.[1];
    expect(await dashboard()).toBe('');
    expect((await s.one.post('/location', { locationId: site })).status).toBe(200);
    expect(await dashboard()).toBe(site);
    expect((await s.one.post('/location', { locationId: 'all' })).status).toBe(200);
    expect(await dashboard()).toBe('');
    expect((await t.sql`select chosen_location_id from admins where id = ${s.id}`)[0].chosen_location_id).toBeNull();
  });

  test('a password reset signs the admin out, and their one-time password opens pages once they choose their own', async () => {
    const s = await staffOnBoth();
    expect((await s.one.api().get('/api/v1/customers')).status).toBe(200);
    const html = await (await owner.post(`/team/${s.id}/reset`, {})).text();
    const password = /class="mono" readonly="?"? value="([^"]+)"/.exec(html)![1];
    expect((await s.one.api().get('/api/v1/customers')).status).toBe(401);
    const again = await signIn(t.app, 'alpha', s.email, password);
    expect((await again.api().get('/api/v1/customers')).body.code).toBe('password_change_required');
    const chose = await t.app.request('/alpha/admin/password', {
      method: 'POST', headers: { cookie: again.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: again.csrf, current: password, password: 'my own password', confirm: 'my own password' }),
    });
    expect(chose.status).toBe(303);
    expect((await again.api().get('/api/v1/customers')).status).toBe(200);
    expect((await t.sql`select password_must_change from admins where id = ${s.id}`)[0].password_must_change).toBe(false);
  });

  test("a change of the tenant's zone and name shows on the next page", async () => {
    await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'bravo password');
    const b = await signIn(t.app, 'bravo', 'owner@bravo.test', 'bravo password');
    const cust = await enrol(t.b, '+447306540001', 50, 'Zed');
    const page = async () => (await b.get(`/customers/${cust.id}`)).text();
    const first = await page();
    const at = /<time datetime="([^"]+)"/.exec(first)![1];
    expect(first).toContain(`>${when(at, 'UTC')}</time>`);
    const r = await b.api().patch('/api/v1/settings', { timezone: 'Pacific/Kiritimati', name: 'Bravo Renamed' });
    expect(r.status).toBe(200);
    const next = await page();
    expect(next).toContain(`>${when(at, 'Pacific/Kiritimati')}</time>`);
    expect(next).toContain('<strong>Bravo Renamed</strong>');
    const [row] = await t.sql`select time_zone, name from tenants where id = ${t.tenantB.id}`;
    expect(row).toEqual({ time_zone: 'Pacific/Kiritimati', name: 'Bravo Renamed' });
  });
});

describe('what a NOTIFY clears', () => {
  test("a change to an admin clears the other instances' sessions and leaves their cached API keys in place", async () => {
    const s = await staffOnBoth();
    const till = client(app2, t.keyA);
    expect((await till.get('/api/v1/settings')).status).toBe(200);
    expect((await s.two.get('/customers')).status).toBe(200);
    expect(two.hub.auth.size).toBeGreaterThan(0);
    // Outside the app, so only sql/0029's trigger tells instance two.
    await t.sql`update admins set role = 'owner' where id = ${s.id}`;
    await until(() => two.hub.sessions.size === 0, "instance two to drop its sessions", 5000);
    expect(two.hub.auth.size).toBeGreaterThan(0);
    expect((await s.two.api().get('/api/v1/webhooks')).status).toBe(200);
  });

  test("a change of the tenant's name clears both", async () => {
    const s = await staffOnBoth();
    const till = client(app2, t.keyA);
    expect((await till.get('/api/v1/settings')).status).toBe(200);
    expect((await s.two.get('/customers')).status).toBe(200);
    await t.sql`update tenants set name = 'Alpha Diner (renamed)' where id = ${t.tenantA.id}`;
    await until(() => two.hub.sessions.size === 0 && two.hub.auth.size === 0, 'instance two to drop keys and sessions', 5000);
    expect(await (await s.two.get('/customers')).text()).toContain('<strong>Alpha Diner (renamed)</strong>');
  });
});

describe('when instance two may have missed a change', () => {
  test('the listener down then up drops the cached sessions', async () => {
    const s = await staffOnBoth();
    expect((await s.two.get('/customers')).status).toBe(200);
    expect(two.hub.sessions.size).toBeGreaterThan(0);
    await two.listener.stop();
    try {
      // Its NOTIFY goes nowhere: instance two is not listening.
      await t.sql`delete from admin_sessions where admin_id = ${s.id}`;
    } finally {
      await two.listener.start();
    }
    expect(two.listener.isUp()).toBe(true);
    expect((await s.two.get('/customers')).status).toBe(303);
    expect((await s.two.api().get('/api/v1/customers')).status).toBe(401);
  });
});
