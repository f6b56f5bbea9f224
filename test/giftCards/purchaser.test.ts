import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol, eventsAfter, expectInvariants, footprint, issueCard, lastEventId } from '../support/fixtures.ts';

// A gift card's link to the customer who bought it (sql/0014_gift_card_purchaser.sql): recorded when
// sold through either door, refused for another tenant's customer, followed by merge.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');

const linkOf = async (cardId: string) =>
  (await t.sql`select purchaser_customer_id from gift_cards where id = ${cardId}`)[0].purchaser_customer_id as string | null;
const cardCount = async () => (await t.sql`select count(*)::int as n from gift_cards`)[0].n as number;

describe('selling a gift card to a customer', () => {
  test('through the API: the card records the customer, shows customerId, and its event carries it', async () => {
    const buyer = await enrol(t.a, '+447306800001', 0, 'Gwen Giver');
    const before = await lastEventId(t.sql, t.tenantA.id);
    const card = await issueCard(t.a, 3000, { purchasedBy: 'Gwen Giver', customerId: buyer.id });
    expect(card).toMatchObject({ customerId: buyer.id, purchasedBy: 'Gwen Giver', balanceCents: 3000 });
    expect(await linkOf(card.id)).toBe(buyer.id);
    const events = await eventsAfter(t.sql, t.tenantA.id, before);
    // (The owners' notifications of the sale are events of their own, personal to each owner: sql/0026.)
    expect(events.filter((e) => e.type !== 'notification_created').map((e) => [e.type, e.data.customerId])).toEqual([['gift_card_purchased', buyer.id]]);
    const fetched = await t.a.get(`/api/v1/gift-cards/${card.code}`);
    expect(fetched.body.customerId).toBe(buyer.id);
  });

  test("through the admin page: the customer's link opens the issue form for them, and the card sold there is theirs", async () => {
    const buyer = await enrol(t.a, '+447306800002', 0, 'Hal Fromthepage');
    const customerPage = await (await owner.get(`/customers/${buyer.id}`)).text();
    expect(customerPage).toContain(`/gift-cards?customerId=${buyer.id}`);
    const form = await owner.get(`/gift-cards?customerId=${buyer.id}`);
    const html = await form.text();
    expect(form.status).toBe(200);
    expect(html).toContain(`name="customerId" value="${buyer.id}"`);
    expect(html).toContain('For customer <strong>Hal Fromthepage</strong>');

    const issued = await owner.post('/gift-cards', { amount: '25.00', purchasedBy: 'Hal Fromthepage', customerId: buyer.id });
    expect(issued.status).toBe(200);
    expect(await issued.text()).toContain('Issued <strong>£25.00</strong> to Hal Fromthepage');
    const [row] = await t.sql`select id, initial_cents, purchaser_customer_id from gift_cards where purchaser_customer_id = ${buyer.id}`;
    expect(row).toMatchObject({ initial_cents: 2500, purchaser_customer_id: buyer.id });
    const listed = await t.a.get(`/api/v1/customers/${buyer.id}/gift-cards`);
    expect(listed.body.data.map((g: { id: string }) => g.id)).toEqual([row.id]);
  });

  test("another tenant's customer is refused 404 like an unknown one, through both doors, and nothing is issued", async () => {
    const theirs = await enrol(t.b, '+447306800003', 0, 'Bravo Buyer');
    const before = { ...(await footprint(t.sql)), cards: await cardCount() };
    for (const customerId of [theirs.id, '00000000-0000-4000-8000-000000000000']) {
      const api = await t.a.post('/api/v1/gift-cards', { amountCents: 1000, purchasedBy: 'Someone', customerId });
      expect({ status: api.status, code: api.body.code }).toEqual({ status: 404, code: 'not_found' });
      const page = await owner.post('/gift-cards', { amount: '10.00', purchasedBy: 'Someone', customerId });
      expect(page.status).toBe(404);
      expect((await owner.get(`/gift-cards?customerId=${customerId}`)).status).toBe(404);
    }
    const malformed = await t.a.post('/api/v1/gift-cards', { amountCents: 1000, purchasedBy: 'Someone', customerId: 'not-an-id' });
    expect({ status: malformed.status, code: malformed.body.code }).toEqual({ status: 400, code: 'validation_failed' });
    const malformedPage = await owner.post('/gift-cards', { amount: '10.00', purchasedBy: 'Someone', customerId: 'not-an-id' });
    expect(malformedPage.status).toBe(422);
    expect({ ...(await footprint(t.sql)), cards: await cardCount() }).toEqual(before);
  });

  test('a duplicate merged away sells to its survivor; an erased customer is refused 409 customer_erased', async () => {
    const survivor = await enrol(t.a, '+447306800004', 0, 'Ivy Survivor');
    const dup = await enrol(t.a, '+447306800005', 0, 'Ivy Survivor');
    expect((await t.a.post(`/api/v1/customers/${survivor.id}/merge`, { duplicateId: dup.id })).status).toBe(200);
    const card = await issueCard(t.a, 1000, { customerId: dup.id });
    expect(await linkOf(card.id)).toBe(survivor.id);

    const gone = await enrol(t.a, '+447306800006', 0, 'Jo Erased');
    expect((await owner.api().post(`/api/v1/customers/${gone.id}/erase`)).status).toBe(200);
    const before = { ...(await footprint(t.sql)), cards: await cardCount() };
    const r = await t.a.post('/api/v1/gift-cards', { amountCents: 1000, purchasedBy: 'Someone', customerId: gone.id });
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 409, code: 'customer_erased' });
    expect({ ...(await footprint(t.sql)), cards: await cardCount() }).toEqual(before);
  });
});

describe('merging a customer who bought gift cards', () => {
  test("re-points the duplicate's cards to the survivor, money untouched, and the survivor's page lists them", async () => {
    const survivor = await enrol(t.a, '+447306800011', 0, 'Kit Merge');
    const dup = await enrol(t.a, '+447306800012', 0, 'Kit Merge');
    const own = await issueCard(t.a, 1000, { customerId: survivor.id });
    const dupCard = await issueCard(t.a, 4000, { customerId: dup.id });
    expect((await t.a.post(`/api/v1/gift-cards/${dupCard.code}/redeem`, { amountCents: 1500 })).status).toBe(200);
    const activity = async () => t.sql`select type, amount_cents from gift_card_activity where gift_card_id = ${dupCard.id} order by seq`;
    const activityBefore = await activity();

    expect((await t.a.post(`/api/v1/customers/${survivor.id}/merge`, { duplicateId: dup.id })).status).toBe(200);

    expect(await linkOf(dupCard.id)).toBe(survivor.id);
    const [card] = await t.sql`select balance_cents, initial_cents from gift_cards where id = ${dupCard.id}`;
    expect(card).toEqual({ balance_cents: 2500, initial_cents: 4000 });
    expect(await activity()).toEqual(activityBefore);
    const listed = await t.a.get(`/api/v1/customers/${survivor.id}/gift-cards`);
    expect(listed.body.data.map((g: { id: string }) => g.id)).toEqual([dupCard.id, own.id]);
    expect((await t.a.get(`/api/v1/customers/${dup.id}/gift-cards`)).body.data).toEqual([]);
    const page = await (await owner.get(`/customers/${survivor.id}`)).text();
    expect(page).toContain(dupCard.code);
    await expectInvariants(t.sql);
  });
});

describe("the erasure exception to gift card history (I3)", () => {
  test('only a reason may be blanked, only inside an erasure: the money on an activity row can never be rewritten', async () => {
    const card = await issueCard(t.a, 1000);
    const refused = async (statement: string) => {
      const err = await t.sql.begin(async (tx) => {
        await tx`select set_config('tillstream.erasing', 'on', true)`;
        await tx.unsafe(statement, [card.id]);
      }).catch((e) => e);
      expect(String(err)).toContain('append-only');
    };
    await refused(`update gift_card_activity set amount_cents = 1, reason = null where gift_card_id = $1`);
    await refused(`delete from gift_card_activity where gift_card_id = $1`);
    const outside = await t.sql`update gift_card_activity set reason = null where gift_card_id = ${card.id}`.catch((e) => e);
    expect(String(outside)).toContain('append-only');
    const rows = await t.sql`select amount_cents, reason from gift_card_activity where gift_card_id = ${card.id}`;
    expect(rows.map((r) => ({ ...r }))).toEqual([{ amount_cents: 1000, reason: 'Issued' }]);
  });
});

describe('the purchaser migration on a database with cards', () => {
  test('links an old card where its buyer text is the phone, email or name of exactly one customer, and guesses no further', async () => {
    const { connect } = await import('../../src/platform/database.ts');
    const { migrate } = await import('../../src/platform/migrations.ts');
    const { withDatabase } = await import('../support/setup.ts');
    const cluster = await ((globalThis as any).__tillstreamCluster as Promise<{ adminUrl: string; admin: import('postgres').Sql }>);
    const name = `gift_${Date.now().toString(36)}`;
    await cluster.admin.unsafe(`create database ${name}`);
    const sql = connect(withDatabase(cluster.adminUrl, name), 2);
    try {
      await migrate(sql, () => {}, { through: '0013' });
      const [tenant] = await sql`insert into tenants (slug, name) values ('old-diner', 'Old Diner') returning id`;
      const enrolOld = async (phone: string, who: string, email: string | null) =>
        (await sql`select customer_enrol(${tenant.id}, ${phone}, ${who}, ${email}, 'cli') as c`)[0].c.id as string;
      const ann = await enrolOld('+447306529001', 'Ann Only', 'ann@example.com');
      await enrolOld('+447306529002', 'Bob Twin', null);
      await enrolOld('+447306529003', 'Bob Twin', null);
      const issueOld = async (code: string, buyer: string) =>
        (await sql`select gift_card_issue(${tenant.id}, ${code}, 1000, ${buyer}, null, null, null, 'cli') as g`)[0].g.id as string;
      const byPhone = await issueOld('GC-0000-0000-0000-0001', '+447306529001');
      const byEmail = await issueOld('GC-0000-0000-0000-0002', ' ANN@example.com ');
      const byName = await issueOld('GC-0000-0000-0000-0003', 'ann only');
      const shared = await issueOld('GC-0000-0000-0000-0004', 'Bob Twin');
      const stranger = await issueOld('GC-0000-0000-0000-0005', 'Walk-in');
      expect(await migrate(sql)).toEqual(expect.arrayContaining(['0014_gift_card_purchaser.sql']));
      const links = Object.fromEntries((await sql`select id, purchaser_customer_id from gift_cards`).map((r) => [r.id, r.purchaser_customer_id]));
      expect(links).toEqual({ [byPhone]: ann, [byEmail]: ann, [byName]: ann, [shared]: null, [stranger]: null });
      const [bad] = await sql`select count(*)::int as n from gift_card_discrepancies`;
      expect(bad.n).toBe(0);
    } finally {
      await sql.end();
      await cluster.admin.unsafe(`drop database ${name} with (force)`);
    }
  });
});
