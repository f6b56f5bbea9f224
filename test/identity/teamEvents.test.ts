import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol } from '../support/fixtures.ts';
import { rawStream, serve, until } from '../support/stream.ts';
import { eventCatalogue } from '../../src/events/catalogue.ts';

// Team changes (add, reset, role, deactivate, reactivate, site limit) are events in the outbox, written
// in the change's transaction, with the actor and never a secret; they reach owners' streams and event
// pages only, live and on replay, whoever else asks (src/realtime/reach.ts hiddenFrom).

const t = await testApp({ KEY_SWEEP_MS: 600_000 });
const ownerId = await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
const url = serve(t.app);
const TEAM = ['admin_created', 'admin_updated', 'admin_deactivated'];

const passwordIn = (html: string) => /class="mono" readonly="?"? value="([^"]+)"/.exec(html)?.[1];
const teamEvents = async (after: number) => t.sql`select id, type, data, actor from events
  where tenant_id = ${t.tenantA.id} and id > ${after} and type = any(${TEAM}) order by id`;
const lastId = async () => Number((await t.sql`select event_seq from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].event_seq);

describe('team changes as events', () => {
  test('add, reset, role, deactivate and reactivate each leave one event with the actor, in the catalogue, without a password or hash', async () => {
    const before = await lastId();
    const added = await owner.post('/team', { email: 'new@alpha.test', role: 'staff' });
    expect(added.status).toBe(200);
    const first = passwordIn(await added.text())!;
    expect(first).toBeTruthy();
    const [row] = await t.sql`select id, password_hash from admins where tenant_id = ${t.tenantA.id} and email = 'new@alpha.test'`;
    const reset = await owner.post(`/team/${row.id}/reset`, {});
    const second = passwordIn(await reset.text())!;
    expect(second).toBeTruthy();
    expect((await owner.post(`/team/${row.id}/role`, { role: 'owner' })).status).toBe(200);
    expect((await owner.post(`/team/${row.id}/role`, { role: 'staff' })).status).toBe(200);
    expect((await owner.post(`/team/${row.id}/deactivate`, {})).status).toBe(200);
    expect((await owner.post(`/team/${row.id}/deactivate`, {})).status).toBe(200); // no change, no event
    expect((await owner.post(`/team/${row.id}/activate`, {})).status).toBe(200);

    const events = await teamEvents(before);
    expect(events.map((e) => [e.type, e.data.change ?? null])).toEqual([
      ['admin_created', null], ['admin_updated', 'password_reset'], ['admin_updated', 'role'], ['admin_updated', 'role'],
      ['admin_deactivated', null], ['admin_updated', 'reactivated'],
    ]);
    const [{ password_hash: hash }] = await t.sql`select password_hash from admins where id = ${row.id}`;
    for (const e of events) {
      expect(e.actor).toBe(`admin:${ownerId}`);
      expect(e.data.actor).toBe(`admin:${ownerId}`);
      expect(e.data.admin.id).toBe(row.id);
      expect(eventCatalogue[e.type].safeParse(e.data).success).toBe(true);
      const text = JSON.stringify(e.data);
      for (const secret of [first, second, hash, row.password_hash]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/argon|password_hash|passwordHash/);
    }
    expect(events[2].data).toMatchObject({ admin: { role: 'owner' }, signedOut: false });
    expect(events[3].data).toMatchObject({ admin: { role: 'staff' }, signedOut: true });
    expect(events[4].data).toMatchObject({ admin: { deactivated: true }, signedOut: true });
  });

  test('a refused change leaves no event: the last owner cannot be made staff', async () => {
    const before = await lastId();
    const res = await owner.post(`/team/${ownerId}/role`, { role: 'staff' });
    expect(res.status).toBe(422);
    expect((await teamEvents(before)).length).toBe(0);
    expect((await t.sql`select role from admins where id = ${ownerId}`)[0].role).toBe('owner');
  });

  test("owners' streams and event pages carry team events; staff's and API keys' do not, live or on replay, even when they name them", async () => {
    const from = String(await lastId());
    const streamUrl = `${url}/api/v1/events/stream?lastEventId=${from}`;
    const ownerStream = await rawStream(streamUrl, { cookie: owner.cookie });
    const staffStream = await rawStream(streamUrl, { cookie: staff.cookie });
    const keyStream = await rawStream(`${streamUrl}&types=${TEAM.join(',')},customer_created`, { authorization: `Bearer ${t.keyA}` });
    const staffPage = await rawStream(`${url}/alpha/admin/stream?lastEventId=${from}`, { cookie: staff.cookie });
    for (const s of [ownerStream, staffStream, keyStream, staffPage]) expect(s.res.status).toBe(200);

    expect((await owner.post('/team', { email: 'watched@alpha.test', role: 'staff' })).status).toBe(200);
    // A marker every stream receives: once it has arrived, anything before it would have too.
    await enrol(t.a, '+447306515001', 0, 'Marker');
    const got = (s: { frames: { data?: string }[] }, what: string) => s.frames.some((f) => f.data?.includes(what));
    await until(() => [ownerStream, staffStream, keyStream, staffPage].every((s) => got(s, 'Marker')), 'the marker on every stream');

    expect(ownerStream.events().map((f) => f.event)).toEqual(['admin_created', 'customer_created']);
    expect(staffStream.events().map((f) => f.event)).toEqual(['customer_created']);
    expect(keyStream.events().map((f) => f.event)).toEqual(['customer_created']);
    expect(got(staffPage, 'watched@alpha.test')).toBe(false);

    // Replay (a stream resuming from before) and the catch-up page hold to the same rule.
    const replayed = await rawStream(streamUrl, { cookie: staff.cookie });
    await until(() => got(replayed, 'Marker'), 'the replayed marker');
    expect(replayed.events().map((f) => f.event)).toEqual(['customer_created']);
    for (const s of [ownerStream, staffStream, keyStream, staffPage, replayed]) s.abort();

    const page = (res: { body: any }) => res.body.data.map((e: any) => e.type as string);
    expect(await page(await t.a.get(`/api/v1/events?after=${from}&types=admin_created`))).toEqual([]);
    expect(await page(await staff.api().get(`/api/v1/events?after=${from}`))).toEqual(['customer_created']);
    expect(await page(await owner.api().get(`/api/v1/events?after=${from}`))).toEqual(['admin_created', 'customer_created']);
    // The activity feed too.
    expect(await (await staff.get('/activity')).text()).not.toContain('watched@alpha.test');
    expect(await (await owner.get('/activity')).text()).toContain('Admin added: watched@alpha.test (staff)');
  });
});
