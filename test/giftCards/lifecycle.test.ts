import { describe, expect, test } from 'bun:test';
import { generateGiftCardCode, normalizeGiftCardCode } from '../../src/giftCards/code.ts';
import { GIFT_CARD_MISS_LIMIT } from '../../src/giftCards/throttle.ts';
import { testApp } from '../support/app.ts';
import { eventsAfter, expectInvariants, footprint, issueCard, lastEventId } from '../support/fixtures.ts';

const t = await testApp();
const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

describe('gift card codes', () => {
  test('a code is GC- and four groups of four Crockford base32 symbols, 80 random bits, and codes do not repeat', () => {
    const codes = new Set(Array.from({ length: 2000 }, generateGiftCardCode));
    expect(codes.size).toBe(2000);
    for (const code of codes) expect(code).toMatch(/^GC-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    // Every symbol position takes many values: the bits reach all 16 symbols.
    for (let i = 0; i < 16; i++) {
      const seen = new Set([...codes].map((c) => c.replaceAll('-', '').slice(2)[i]));
      expect(seen.size).toBeGreaterThan(20);
    }
  });

  test('a code typed by hand in any case, with spaces, without the prefix or with look-alike letters is read as the same code', () => {
    const code = 'GC-7K3M-Q9XD-2HRT-W410';
    for (const typed of ['gc-7k3m-q9xd-2hrt-w410', '7K3M Q9XD 2HRT W410', '7k3mq9xd2hrtw4io', 'GC 7K3M-Q9XD-2HRT-W4lO']) {
      expect(normalizeGiftCardCode(typed)).toBe(code);
    }
    for (const bad of ['', 'GC-7K3M', 'GC-7K3M-Q9XD-2HRT-W41U', 'GC-7K3M-Q9XD-2HRT-W410-0000', '!!!!-Q9XD-2HRT-W410']) {
      expect(normalizeGiftCardCode(bad)).toBeNull();
    }
  });
});

describe('gift card lifecycle', () => {
  test('issuing a card returns its code once, writes an issue activity row and a gift_card_purchased event without the full code', async () => {
    const after = await lastEventId(t.sql, t.tenantA.id);
    const expiresAt = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const r = await t.a.post('/api/v1/gift-cards', {
      amountCents: 5000, purchasedBy: 'Pat Buyer', recipientName: 'Robin', recipientEmail: 'robin@example.com', expiresAt,
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({
      id: expect.any(String), code: expect.stringMatching(/^GC-/), status: 'active', initialCents: 5000, balanceCents: 5000,
      purchasedBy: 'Pat Buyer', customerId: null, recipientName: 'Robin', recipientEmail: 'robin@example.com', expiresAt, createdAt: ISO, updatedAt: ISO,
    });
    const activity = await t.sql`select id, type, amount_cents, balance_before, balance_after from gift_card_activity where gift_card_id = ${r.body.id}`;
    expect(activity).toEqual([{ id: expect.any(String), type: 'issue', amount_cents: 5000, balance_before: 0, balance_after: 5000 }] as never);
    const events = await eventsAfter(t.sql, t.tenantA.id, after);
    expect(events.map((e) => e.type)).toEqual(['gift_card_purchased']);
    expect(events[0].data).toEqual({
      giftCardId: r.body.id, maskedCode: `GC-****-****-****-${r.body.code.slice(-4)}`, initialCents: 5000, balanceCents: 5000,
      purchasedBy: 'Pat Buyer', customerId: null, recipientName: 'Robin', recipientEmail: 'robin@example.com', expiresAt, activityId: activity[0].id,
    });
    expect(JSON.stringify(events[0].data)).not.toContain(r.body.code);
  });

  test('a balance check finds the card by its code in any spelling', async () => {
    const card = await issueCard(t.a, 2500);
    const r = await t.a.get(`/api/v1/gift-cards/${encodeURIComponent(card.code.toLowerCase().replaceAll('-', ' '))}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: card.id, code: card.code, balanceCents: 2500, status: 'active' });
  });

  test('redeeming takes the amount off the balance, records the activity with the balance after and emits gift_card_redeemed', async () => {
    const card = await issueCard(t.a, 2000);
    const after = await lastEventId(t.sql, t.tenantA.id);
    const r = await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 750, orderId: 'till-9-1234' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      transaction: {
        id: expect.any(String), giftCardId: card.id, type: 'redeem', amountCents: -750, balanceBefore: 2000, balanceAfter: 1250,
        orderId: 'till-9-1234', reason: 'Redeemed', locationId: null, createdAt: ISO,
      },
      giftCard: expect.objectContaining({ id: card.id, balanceCents: 1250, status: 'active' }),
    });
    const events = await eventsAfter(t.sql, t.tenantA.id, after);
    expect(events.map((e) => [e.type, e.data])).toEqual([['gift_card_redeemed', {
      giftCardId: card.id, maskedCode: `GC-****-****-****-${card.code.slice(-4)}`, status: 'active', activityType: 'redeem',
      amountCents: -750, balanceCents: 1250, orderId: 'till-9-1234', activityId: r.body.transaction.id,
    }]]);
    const list = await t.a.get(`/api/v1/gift-cards/${card.code}/activity`);
    expect(list.body.data.map((a: any) => [a.type, a.amountCents, a.balanceAfter])).toEqual([['issue', 2000, 2000], ['redeem', -750, 1250]]);
    await expectInvariants(t.sql);
  });

  test('redeeming more than the balance is refused with insufficient_funds and changes nothing', async () => {
    const card = await issueCard(t.a, 500);
    const before = await footprint(t.sql);
    const r = await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 501 });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'insufficient_funds', available: 500, requested: 501,
      detail: 'Insufficient gift card balance. Available: 500, Requested: 501' });
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('an expired card reads as expired and refuses redemption with gift_card_expired', async () => {
    const card = await issueCard(t.a, 800, { expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await t.sql`update gift_cards set expires_at = now() - interval '1 second' where id = ${card.id}`;
    const got = await t.a.get(`/api/v1/gift-cards/${card.code}`);
    expect(got.body).toMatchObject({ status: 'expired', balanceCents: 800 });
    const before = await footprint(t.sql);
    const r = await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 100 });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('gift_card_expired');
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('issuing a card that expires in the past is refused', async () => {
    const before = await footprint(t.sql);
    const r = await t.a.post('/api/v1/gift-cards', { amountCents: 100, purchasedBy: 'Pat', expiresAt: '2001-01-01T00:00:00Z' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('an expiry in year 0, past 9999 in UTC or with an offset no place uses is refused with 400; the last accepted instant is accepted', async () => {
    const before = await footprint(t.sql);
    for (const expiresAt of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-12:00', '2030-01-01T00:00:00+15:00']) {
      const r = await t.a.post('/api/v1/gift-cards', { amountCents: 100, purchasedBy: 'Pat', expiresAt });
      expect({ expiresAt, status: r.status, code: r.body.code, path: r.body.errors?.[0]?.path }).toEqual({ expiresAt, status: 400, code: 'validation_failed', path: 'expiresAt' });
    }
    expect(await footprint(t.sql)).toEqual(before);
    const last = await issueCard(t.a, 100, { expiresAt: '9999-12-31T23:59:59.999Z' });
    expect((await t.a.get(`/api/v1/gift-cards/${last.code}`)).body).toMatchObject({ status: 'active', expiresAt: '9999-12-31T23:59:59.999Z' });
  });

  test('voiding writes the remaining balance off in the activity ledger; a void card refuses redemption and a second void', async () => {
    const card = await issueCard(t.a, 1200);
    expect((await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 200 })).status).toBe(200);
    const after = await lastEventId(t.sql, t.tenantA.id);
    const v = await t.a.post(`/api/v1/gift-cards/${card.code}/void`, { reason: 'reported stolen' });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ status: 'void', balanceCents: 0, initialCents: 1200 });
    const activity = await t.sql`select id, type, amount_cents, balance_after, reason from gift_card_activity where gift_card_id = ${card.id} order by seq`;
    expect(activity.map((a) => [a.type, a.amount_cents, a.balance_after])).toEqual([['issue', 1200, 1200], ['redeem', -200, 1000], ['void', -1000, 0]]);
    expect(activity[2].reason).toBe('reported stolen');
    const events = await eventsAfter(t.sql, t.tenantA.id, after);
    expect(events.map((e) => [e.type, e.data])).toEqual([['gift_card_updated', {
      giftCardId: card.id, maskedCode: `GC-****-****-****-${card.code.slice(-4)}`, status: 'void', activityType: 'void',
      amountCents: -1000, balanceCents: 0, orderId: null, activityId: activity[2].id,
    }]]);
    const redeem = await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 1 });
    expect(redeem.status).toBe(409);
    expect(redeem.body.code).toBe('gift_card_void');
    const again = await t.a.post(`/api/v1/gift-cards/${card.code}/void`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('gift_card_void');
    await expectInvariants(t.sql);
  });

  test('voiding a card with nothing left on it writes no activity row but still records the void as an event', async () => {
    const card = await issueCard(t.a, 300);
    expect((await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 300 })).status).toBe(200);
    const after = await lastEventId(t.sql, t.tenantA.id);
    expect((await t.a.post(`/api/v1/gift-cards/${card.code}/void`, {})).status).toBe(200);
    expect(await t.sql`select * from gift_card_activity where gift_card_id = ${card.id} and type = 'void'`).toHaveLength(0);
    const events = await eventsAfter(t.sql, t.tenantA.id, after);
    expect(events.map((e) => [e.type, e.data.status, e.data.amountCents, e.data.activityId])).toEqual([['gift_card_updated', 'void', 0, null]]);
  });

  test('concurrent redemptions of one card never overspend it: balance equals the sum of activity and never goes negative', async () => {
    const card = await issueCard(t.a, 1000);
    const results = await Promise.all(Array.from({ length: 24 }, () => t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 150 })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(6);
    for (const r of results.filter((r) => r.status !== 200)) expect(r.body.code).toBe('insufficient_funds');
    const [g] = await t.sql`select balance_cents from gift_cards where id = ${card.id}`;
    expect(g.balance_cents).toBe(100);
    await expectInvariants(t.sql);
  });

  test('activity rows cannot be updated or deleted', async () => {
    const card = await issueCard(t.a, 100);
    expect(t.sql`update gift_card_activity set amount_cents = 1 where gift_card_id = ${card.id}`).rejects.toThrow(/append-only/);
    expect(t.sql`delete from gift_card_activity where gift_card_id = ${card.id}`).rejects.toThrow(/append-only/);
  });
});

describe('idempotency', () => {
  test('replaying a gift card sale with its Idempotency-Key returns the same card and code and issues nothing new', async () => {
    const body = { amountCents: 2500, purchasedBy: 'Pat Buyer' };
    const first = await t.a.post('/api/v1/gift-cards', body, { 'idempotency-key': 'sale-gc-1' });
    expect(first.status).toBe(201);
    const before = await footprint(t.sql);
    const [{ cards }] = await t.sql`select count(*)::int as cards from gift_cards`;
    const again = await t.a.post('/api/v1/gift-cards', body, { 'idempotency-key': 'sale-gc-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await footprint(t.sql)).toEqual(before);
    expect((await t.sql`select count(*)::int as cards from gift_cards`)[0].cards).toBe(cards);
  });

  test('replaying a redemption with its Idempotency-Key spends once', async () => {
    const card = await issueCard(t.a, 1000);
    const first = await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 400 }, { 'idempotency-key': 'gc-redeem-1' });
    const again = await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 400 }, { 'idempotency-key': 'gc-redeem-1' });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const [g] = await t.sql`select balance_cents from gift_cards where id = ${card.id}`;
    expect(g.balance_cents).toBe(600);
  });
});

describe('code guessing', () => {
  test(`after ${GIFT_CARD_MISS_LIMIT} unknown codes in a minute a key gets 429 with Retry-After, while other keys and known codes from them are unaffected`, async () => {
    const card = await issueCard(t.b, 900);
    for (let i = 0; i < GIFT_CARD_MISS_LIMIT; i++) {
      const miss = await t.b.get(`/api/v1/gift-cards/GC-0000-0000-0000-${String(i).padStart(4, '0')}`);
      expect(miss.status).toBe(404);
      expect(miss.body).toMatchObject({ code: 'not_found', resource: 'giftCard' });
    }
    for (const r of [
      await t.b.get(`/api/v1/gift-cards/${card.code}`),
      await t.b.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 1 }),
      await t.b.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [{ name: 'Tea', quantity: 1, unitPriceCents: 200 }], giftCard: { code: card.code, amountCents: 100 } }),
    ]) {
      expect(r.status).toBe(429);
      expect(r.body.code).toBe('too_many_gift_card_misses');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
    const [g] = await t.sql`select balance_cents from gift_cards where id = ${card.id}`;
    expect(g.balance_cents).toBe(900);
    // Tenant A's key has its own budget: B's card is simply unknown to it (404, a miss of its own).
    expect((await t.a.get(`/api/v1/gift-cards/${card.code}`)).status).toBe(404);
    // Once the misses are over a minute old the key is served again.
    await t.sql`update gift_card_misses set at = at - interval '61 seconds'`;
    expect((await t.b.get(`/api/v1/gift-cards/${card.code}`)).status).toBe(200);
  });

  test('lookups of real codes, however many, never count against the key', async () => {
    const card = await issueCard(t.a, 100);
    await t.sql`delete from gift_card_misses`;
    for (let i = 0; i < GIFT_CARD_MISS_LIMIT * 2; i++) expect((await t.a.get(`/api/v1/gift-cards/${card.code}`)).status).toBe(200);
    const [{ n }] = await t.sql`select count(*)::int as n from gift_card_misses`;
    expect(n).toBe(0);
  });

  test('misses through checkout and redeem count too', async () => {
    await t.sql`delete from gift_card_misses`;
    const unknown = 'GC-ZZZZ-ZZZZ-ZZZZ-ZZZZ';
    expect((await t.a.post(`/api/v1/gift-cards/${unknown}/redeem`, { amountCents: 1 })).status).toBe(404);
    expect((await t.a.post(`/api/v1/gift-cards/${unknown}/void`, {})).status).toBe(404);
    expect((await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [{ name: 'Tea', quantity: 1, unitPriceCents: 200 }], giftCard: { code: unknown, amountCents: 100 } })).status).toBe(404);
    const [{ n }] = await t.sql`select count(*)::int as n from gift_card_misses`;
    expect(n).toBe(3);
  });
});
