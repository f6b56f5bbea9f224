import { afterAll, describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { roundTripProxy } from '../support/roundTrips.ts';
import { createAdmin } from '../support/admin.ts';
import { rawStream, serve, until } from '../support/stream.ts';
import { createApp } from '../../src/app.ts';
import { connect } from '../../src/platform/database.ts';
import { Hub } from '../../src/realtime/hub.ts';
import { createSession } from '../../src/identity/sessions.ts';

// What one resumed stream costs Postgres: a deploy's reconnect storm pays it once per moving stream.
// A second hub and app whose pool goes through a round-trip-counting proxy (test/support/roundTrips.ts).
// An admin page's stream: a key's would add the presence write a terminal's first stream makes.
const t = await testApp();
const proxy = roundTripProxy(new URL(t.url));
const sql = connect(proxy.url, 1);
const hub = new Hub({ sql, config: t.config });
const base = serve(createApp({ sql, config: t.config, hub }, {}));
afterAll(async () => { hub.stop(); await sql.end(); proxy.stop(); });

const emit = () => t.sql`select emit_event(${t.tenantA.id}, 'test_event', ${t.sql.json({})}) as id`.then(([r]) => Number(r.id));

describe('a resumed stream', () => {
  test('costs two round trips: the session lookup, and its replay read with the resume check in one statement', async () => {
    const adminId = await createAdmin(t.sql, t.tenantA.id, 'trips@example.com', 'correct horse battery');
    const cookie = { cookie: `ts_session=${await createSession(t.sql, adminId, t.tenantA.id)}` };
    const url = `${base}/alpha/admin/stream`;
    const before = await emit();
    const missed = [await emit(), await emit(), await emit()];
    // Warm up, and keep open: the tenant's feed (its cursor, now past the three events), the admin
    // directory, and the statements' first runs on this connection (postgres.js prepares each once).
    const warm = await rawStream(url, { ...cookie, 'last-event-id': String(before) });
    await until(() => warm.events().length === 3, 'the warm-up stream replayed three events');
    proxy.reset();
    const resumed = await rawStream(url, { ...cookie, 'last-event-id': String(before) });
    expect(resumed.res.status).toBe(200);
    await until(() => resumed.events().length === 3, 'the resumed stream replayed three events');
    expect(resumed.events().map((f) => Number(f.id))).toEqual(missed);
    expect(proxy.trips).toBe(2);
    resumed.abort();
    warm.abort();
  });
});
