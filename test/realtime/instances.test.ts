import { describe, expect, test } from 'bun:test';
import { testApp, startRealtime, client } from '../support/app.ts';
import { createApp } from '../../src/app.ts';
import { connect } from '../../src/platform/database.ts';
import { listen, serve, until } from '../support/stream.ts';

// Two app instances on one database: each its own pool, hub, LISTEN connection and server.
const t = await testApp({ LISTENER_HEARTBEAT_MS: 500 });
const sql2 = connect(t.url, 5);
const two = await startRealtime(sql2, t.url, t.config);
const app2 = createApp({ sql: sql2, config: t.config, hub: two.hub }, { listener: () => two.listener.isUp() });
const one = `${serve(t.app)}/api/v1/events/stream`;
const other = `${serve(app2)}/api/v1/events/stream`;
const a2 = client(app2, t.keyA);

describe('several instances', () => {
  test('each instance streams every event, whichever instance wrote it', async () => {
    const [{ seq }] = await t.sql`select event_seq as seq from tenant_counters where tenant_id = ${t.tenantA.id}`;
    const c1 = listen(one, t.keyA, { lastEventId: String(seq) });
    const c2 = listen(other, t.keyA, { lastEventId: String(seq) });
    await Promise.all([c1.opened, c2.opened]);
    const cust = await t.a.post('/api/v1/customers', { phone: '+447306500001', name: 'One' });
    expect(cust.status).toBe(201);
    for (let i = 0; i < 10; i++) {
      const api = i % 2 ? a2 : t.a;
      expect((await api.post(`/api/v1/customers/${cust.body.id}/points/add`, { points: 1 })).status).toBe(200);
    }
    for (const c of [c1, c2]) {
      await until(() => c.events.length >= 11, 'eleven events');
      await Bun.sleep(50);
      expect(c.events.map((e) => Number(e.id))).toEqual(Array.from({ length: 11 }, (_, i) => seq + 1 + i));
      expect(c.events.slice(1).map((e) => e.data.data.newBalance)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    }
    c1.close();
    c2.close();
  });

  test('a client resumes on another instance with the id it last saw on the first', async () => {
    const [{ seq }] = await t.sql`select event_seq as seq from tenant_counters where tenant_id = ${t.tenantA.id}`;
    const c1 = listen(one, t.keyA, { lastEventId: String(seq) });
    await c1.opened;
    for (let i = 0; i < 3; i++) await t.sql`select emit_event(${t.tenantA.id}, 'test_event', ${t.sql.json({ i })})`;
    await until(() => c1.events.length === 3, 'three events on instance one');
    c1.close();
    for (let i = 3; i < 6; i++) await t.sql`select emit_event(${t.tenantA.id}, 'test_event', ${t.sql.json({ i })})`;
    const c2 = listen(other, t.keyA, { lastEventId: c1.events.at(-1)!.id });
    await c2.opened;
    await until(() => c2.events.length === 3, 'the rest on instance two');
    await t.sql`select emit_event(${t.tenantA.id}, 'test_event', ${t.sql.json({ i: 6 })})`;
    await until(() => c2.events.length === 4, 'live on instance two');
    expect([...c1.events, ...c2.events].map((e) => e.data.data.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    c2.close();
  });
});
