import { describe, expect, test } from 'bun:test';
import { createApp } from '../../src/app.ts';
import { connect } from '../../src/platform/database.ts';
import { startRealtime, testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { burger, issueCard, lastEventId } from '../support/fixtures.ts';
import { rawStream, serve, until, type RawFrame } from '../support/stream.ts';

// The live half: every notification reaches its own admin's streams once, on whichever instance they
// are connected, across a listener restart and a reconnect; never another admin's, never a key's, never
// an event page. Two app instances share one database, as in test/realtime/instances.test.ts.

const t = await testApp({ LISTENER_HEARTBEAT_MS: 300 });
const sql2 = connect(t.url, 5);
const two = await startRealtime(sql2, t.url, t.config);
const app2 = createApp({ sql: sql2, config: t.config, hub: two.hub }, { listener: () => two.listener.isUp() });
const one = serve(t.app);
const other = serve(app2);

const ownerId = await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner2Id = await createAdmin(t.sql, t.tenantA.id, 'owner2@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const owner2 = await signIn(t.app, 'alpha', 'owner2@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
const ownerB = await signIn(t.app, 'bravo', 'owner@bravo.test', 'owner password');

const json = (f: RawFrame) => JSON.parse(f.data ?? '{}');
const personal = (frames: RawFrame[]) => frames.filter((f) => f.event === 'notification_created' || f.event === 'notifications_read');
const stream = (base: string, headers: Record<string, string>, after: number) =>
  rawStream(`${base}/api/v1/events/stream`, { ...headers, 'last-event-id': String(after) });

describe('personal events reach only their admin', () => {
  test("an owner's stream carries their notifications; another owner's, staff's, a key's and tenant B's do not", async () => {
    const after = await lastEventId(t.sql, t.tenantA.id);
    const s = {
      owner: await stream(one, { cookie: owner.cookie }, after),
      owner2: await stream(other, { cookie: owner2.cookie }, after),
      staff: await stream(one, { cookie: staff.cookie }, after),
      key: await stream(one, { authorization: `Bearer ${t.keyA}` }, after),
      b: await stream(one, { cookie: ownerB.cookie }, 0),
    };
    await issueCard(t.a, 1500); // gift_card_sold: owners only, by default
    await until(() => personal(s.owner.frames).length === 1 && personal(s.owner2.frames).length === 1, 'both owners told');
    await until(() => s.key.events().some((f) => f.event === 'gift_card_purchased'), 'the key sees the sale itself');
    const mine = json(personal(s.owner.frames)[0]);
    expect(mine.type).toBe('notification_created');
    expect(mine.data.adminId).toBe(ownerId);
    expect(mine.data.notification.title).toBe('Gift card sold: GBP 15.00');
    expect(mine.data.unreadCount).toBe(1);
    expect(json(personal(s.owner2.frames)[0]).data.adminId).toBe(owner2Id);
    for (const other of [s.staff, s.key, s.b]) expect(personal(other.frames)).toEqual([]);

    // Reading in one place reaches that admin's streams only.
    const read = await owner.api().post(`/api/v1/notifications/${mine.data.notification.id}/read`);
    expect(read.status).toBe(200);
    await until(() => personal(s.owner.frames).length === 2, 'the read reaches the owner');
    expect(json(personal(s.owner.frames)[1]).data).toEqual({ adminId: ownerId, ids: [mine.data.notification.id], deleted: false, unreadCount: 0 });
    await Bun.sleep(300);
    expect(personal(s.owner2.frames).length).toBe(1);
    for (const other of [s.staff, s.key, s.b]) expect(personal(other.frames)).toEqual([]);

    // Nor on replay, nor on an event page, for anyone.
    const replay = await stream(one, { authorization: `Bearer ${t.keyA}` }, after);
    await until(() => replay.events().some((f) => f.event === 'gift_card_purchased'), 'key replay');
    const staffReplay = await stream(other, { cookie: staff.cookie }, after);
    await until(() => staffReplay.events().some((f) => f.event === 'gift_card_purchased'), 'staff replay');
    expect(personal(replay.frames)).toEqual([]);
    expect(personal(staffReplay.frames)).toEqual([]);
    for (const api of [t.a, owner.api(), staff.api()]) {
      const page = await api.get(`/api/v1/events?after=${after}`);
      expect(page.status).toBe(200);
      expect(page.body.data.filter((e: any) => e.type.startsWith('notification'))).toEqual([]);
    }
    const ownReplay = await stream(other, { cookie: owner.cookie }, after);
    await until(() => personal(ownReplay.frames).length === 2, "the owner's own replay has both");
    for (const x of [...Object.values(s), replay, staffReplay, ownReplay]) x.abort();
  });
});

describe('exactly once', () => {
  test('a notification arrives once per admin across two instances, a listener restart and a reconnect', async () => {
    const after = await lastEventId(t.sql, t.tenantA.id);
    const onOne = await stream(one, { cookie: owner.cookie }, after);
    const onTwo = await stream(other, { cookie: owner.cookie }, after);
    const staffOnTwo = await stream(other, { cookie: staff.cookie }, after);
    const orders: string[] = [];
    const place = async (api: typeof t.a) => {
      const o = await api.post('/api/v1/orders', { source: 'online', orderType: 'delivery', items: [burger] });
      expect(o.status).toBe(201);
      orders.push(o.body.orderNumber);
    };
    const a2 = (await import('../support/app.ts')).client(app2, t.keyA);
    await place(t.a);
    await place(a2);
    // Instance one's listener goes away and comes back; writes continue on both meanwhile.
    await t.listener.stop();
    await place(a2);
    await place(t.a);
    await t.listener.start();
    await place(t.a);
    // The owner's second tab drops and reconnects to the other instance with the id it last saw.
    await until(() => personal(onTwo.frames).length >= 2, 'two on instance two');
    onTwo.abort();
    const seen = personal(onTwo.frames).at(-1)!.id!;
    await place(a2);
    const resumed = await stream(one, { cookie: owner.cookie }, Number(seen));

    // (The key streams of the test above closing made a terminal_offline notification: only orders count here.)
    const titles = (frames: RawFrame[]) => personal(frames).map((f) => json(f).data.notification)
      .filter((n) => n?.kind === 'online_order').map((n) => n.title);
    const want = orders.map((n) => `New online order ${n}`);
    await until(() => titles(onOne.frames).length >= 6, 'six on instance one', 15_000);
    await until(() => titles(staffOnTwo.frames).length >= 6, 'six for staff on instance two', 15_000);
    await until(() => [...titles(onTwo.frames), ...titles(resumed.frames)].length >= 6, 'six over the reconnect', 15_000);
    await Bun.sleep(300);
    expect(titles(onOne.frames)).toEqual(want);
    expect(titles(staffOnTwo.frames)).toEqual(want);
    expect([...titles(onTwo.frames), ...titles(resumed.frames)]).toEqual(want);
    for (const f of personal(staffOnTwo.frames)) expect(json(f).data.adminId).not.toBe(ownerId);
    // And the rows: one per admin per order.
    const rows = await t.sql`select a.email, count(*)::int as n from notifications n join admins a on a.id = n.admin_id
      where n.kind = 'online_order' and n.title = any(${want}) group by a.email order by a.email`;
    expect(rows.map((r) => [r.email, r.n])).toEqual([['owner2@alpha.test', 6], ['owner@alpha.test', 6], ['staff@alpha.test', 6]]);
    for (const x of [onOne, staffOnTwo, resumed]) x.abort();
  }, 40_000);
});
