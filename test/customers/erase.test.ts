import { describe, expect, test } from 'bun:test';
import type { Sql } from '../../src/platform/database.ts';
import { testApp } from '../support/app.ts';
import { AdminClient, createAdmin, signIn } from '../support/admin.ts';
import { burger, enrol, expectInvariants, lastEventId } from '../support/fixtures.ts';
import { rawStream, serve, until } from '../support/stream.ts';

// POST /api/v1/customers/{id}/erase (sql/0012_merge_erase.sql customer_erase): the person is gone from
// every table, the outbox and stored idempotent responses; the money stays true.

const t = await testApp();
const base = serve(t.app);
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = (await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password')).api();

/** Every text, varchar and jsonb column of every table, searched for each needle (case-insensitive). */
async function personalDataLeft(sql: Sql, needles: string[]) {
  const columns = await sql`select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and data_type in ('text', 'character varying', 'jsonb', 'json')
      and table_name in (select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE')`;
  const hits: string[] = [];
  for (const { table_name, column_name } of columns) {
    for (const needle of needles) {
      const [{ n }] = await sql`select count(*)::int as n from ${sql(table_name)} where ${sql(column_name)}::text ilike ${'%' + needle + '%'}`;
      if (n > 0) hits.push(`${table_name}.${column_name} holds ${needle}`);
    }
  }
  return hits;
}

describe('erasing a customer', () => {
  test('leaves no personal data anywhere, keeps the ledger balanced, and a replay of the stream carries none of it', async () => {
    const person = { phone: '+447306700001', name: 'Zelda Forgetme', email: 'zelda.forgetme@example.com' };
    const needles = [person.name, person.email, '7306700001', 'Forgetme'];
    const enrolled = await t.a.post('/api/v1/customers', person, { 'idempotency-key': 'erase-enrol-1' });
    expect(enrolled.status).toBe(201);
    const id = enrolled.body.id;
    await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 300 }, { 'idempotency-key': 'erase-add-1' });
    await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 50 });
    const order = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger],
      customer: { phone: '07306 700001', name: 'Zelda at the counter' } });
    expect(order.status).toBe(201);
    // Gift cards she bought (sql/0014): the buyer and recipient names on them, the issue response
    // stored for its Idempotency-Key, and the gift_card_purchased event all name people.
    const card = await t.a.post('/api/v1/gift-cards', { amountCents: 5000, purchasedBy: 'Zelda F. at the till',
      recipientName: 'Yuri Giftee', recipientEmail: 'yuri.giftee@example.com', customerId: id }, { 'idempotency-key': 'erase-card-1' });
    expect(card.status).toBe(201);
    expect((await t.a.post(`/api/v1/gift-cards/${card.body.code}/redeem`, { amountCents: 1200 })).status).toBe(200);
    // A card sold before sql/0014, as gift_card_issue wrote it then: an issue row reading 'Issued to <buyer>'.
    const [old] = await t.sql`insert into gift_cards (tenant_id, code, initial_cents, balance_cents, purchased_by, purchaser_customer_id)
      values (${t.tenantA.id}, 'GC-0000-0000-0000-7777', 2000, 0, 'Zelda Oldstyle', ${id}) returning id`;
    await t.sql`select gift_card_apply(${old.id}, 'issue', 2000, null, 'Issued to Zelda Oldstyle', 'test')`;
    // A duplicate, merged into her: erased with her.
    const dup = await enrol(t.a, '+447306700002', 5, 'Zelda Forgetme');
    expect((await t.a.post(`/api/v1/customers/${id}/merge`, { duplicateId: dup.id })).status).toBe(200);
    const [{ points_balance: balance }] = await t.sql`select points_balance from customers where id = ${id}`;
    expect(balance).toBeGreaterThan(0);
    expect((await personalDataLeft(t.sql, needles)).length).toBeGreaterThan(0);
    const ledgerRows = (await t.sql`select count(*)::int as n from ledger where customer_id = ${id}`)[0].n;
    const before = await lastEventId(t.sql, t.tenantA.id);

    const r = await owner.post(`/api/v1/customers/${id}/erase`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, phone: null, name: null, email: null, pointsBalance: 0 });

    const cardNeedles = ['Zelda F. at the till', 'Yuri Giftee', 'yuri.giftee@example.com', 'Oldstyle'];
    expect(await personalDataLeft(t.sql, [...needles, 'Zelda at the counter', '7306700002', ...cardNeedles])).toEqual([]);
    // The card keeps its money and its link; only the names are gone.
    const [g] = await t.sql`select purchased_by, recipient_name, recipient_email, balance_cents, purchaser_customer_id
      from gift_cards where id = ${card.body.id}`;
    expect(g).toEqual({ purchased_by: null, recipient_name: null, recipient_email: null, balance_cents: 3800, purchaser_customer_id: id });
    const cardActivity = await t.sql`select type, amount_cents, reason from gift_card_activity where gift_card_id = ${card.body.id} order by seq`;
    expect(cardActivity.map((a) => [a.type, a.amount_cents])).toEqual([['issue', 5000], ['redeem', -1200]]);
    const oldActivity = await t.sql`select type, amount_cents, reason from gift_card_activity where gift_card_id = ${old.id}`;
    expect(oldActivity.map((a) => ({ ...a }))).toEqual([{ type: 'issue', amount_cents: 2000, reason: 'Issued' }]);
    const ledger = await t.sql`select type, points, reason from ledger where customer_id = ${id} order by seq`;
    expect(ledger.length).toBe(ledgerRows + 1);
    expect(ledger.at(-1)).toEqual({ type: 'adjust', points: -balance, reason: 'Erased on request: balance written off' });
    await expectInvariants(t.sql);
    const [o] = await t.sql`select customer_id, customer_name, customer_phone from orders where id = ${order.body.id}`;
    expect(o).toEqual({ customer_id: id, customer_name: null, customer_phone: null });

    const erased = await t.sql`select type, data from events where tenant_id = ${t.tenantA.id} and id > ${before} order by id`;
    expect(erased.map((e) => e.type)).toEqual(['loyalty_updated', 'customer_erased']);
    expect(erased[1].data).toEqual({ customerId: id, mergedIds: [dup.id] });

    // A replay from the start of the outbox (what a client resuming with Last-Event-ID: 0 gets).
    const last = await lastEventId(t.sql, t.tenantA.id);
    const replay = await rawStream(`${base}/api/v1/events/stream`, { authorization: `Bearer ${t.keyA}`, 'last-event-id': '0' });
    expect(replay.res.status).toBe(200);
    await until(() => replay.events().some((f) => f.id === String(last)), 'the replay reaches the erasure');
    replay.abort();
    const text = replay.events().map((f) => f.data).join('\n');
    expect(text).toContain(id);
    expect(text).toContain(card.body.id);
    for (const needle of [...needles, 'Zelda at the counter', 'Zelda F. at the till', 'Yuri Giftee', 'yuri.giftee@example.com']) {
      expect(text.toLowerCase()).not.toContain(needle.toLowerCase());
    }
  });

  test('what the edit history says they were called, reached or noted as, and their birthday, go too', async () => {
    const c = await enrol(t.a, '+447306700021', 5, 'Firstname Beforeedit');
    const edited = await t.a.call('PATCH', `/api/v1/customers/${c.id}`, {
      name: 'Firstname Afteredit', email: 'once.edited@example.com', phone: '+447306700022', birthday: '1990-04-01', note: 'prefers the window seat',
    }, { 'if-match': '*' });
    expect(edited.status).toBe(200);
    expect((await owner.post(`/api/v1/customers/${c.id}/erase`)).status).toBe(200);
    expect(await personalDataLeft(t.sql, ['Beforeedit', 'Afteredit', 'once.edited@example.com', '7306700021', '7306700022', '1990-04-01', 'window seat'])).toEqual([]);
    // The history still says who changed which fields, and when.
    const [{ n }] = await t.sql`select count(*)::int as n from customer_edits where customer_id = ${c.id}`;
    expect(n).toBe(1);
    await expectInvariants(t.sql);
  });

  test('the same phone can enrol again as a new customer, and erasing twice changes nothing more', async () => {
    const first = await enrol(t.a, '+447306700011', 20, 'Once Known');
    expect((await owner.post(`/api/v1/customers/${first.id}/erase`)).status).toBe(200);
    const events = await lastEventId(t.sql, t.tenantA.id);
    const again = await owner.post(`/api/v1/customers/${first.id}/erase`);
    expect([again.status, again.body.phone]).toEqual([200, null]);
    expect(await lastEventId(t.sql, t.tenantA.id)).toBe(events);

    const second = await t.a.post('/api/v1/customers', { phone: '07306 700011', name: 'Known Again' });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.id);
    const found = await t.a.get('/api/v1/customers/lookup?phone=%2B447306700011');
    expect(found.body.id).toBe(second.body.id);
    await expectInvariants(t.sql);
  });

  test('only owners may erase: staff and API keys are refused and nothing changes; the owner of another tenant gets 404', async () => {
    await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
    const staff: AdminClient = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
    const c = await enrol(t.a, '+447306700021', 10, 'Kept Person');
    const denied = await staff.api().post(`/api/v1/customers/${c.id}/erase`);
    expect([denied.status, denied.body.code]).toEqual([403, 'forbidden']);
    const byKey = await t.a.post(`/api/v1/customers/${c.id}/erase`);
    expect([byKey.status, byKey.body.code]).toEqual([403, 'forbidden']);
    await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'owner password');
    const ownerB = (await signIn(t.app, 'bravo', 'owner@bravo.test', 'owner password')).api();
    const other = await ownerB.post(`/api/v1/customers/${c.id}/erase`);
    expect(other.status).toBe(404);
    const [row] = await t.sql`select name, phone, erased_at from customers where id = ${c.id}`;
    expect(row).toEqual({ name: 'Kept Person', phone: '+447306700021', erased_at: null });
  });
});
