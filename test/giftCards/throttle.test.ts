import { afterEach, describe, expect, test } from 'bun:test';
import { GIFT_CARD_IN_FLIGHT_WAIT_MS, GIFT_CARD_MISS_LIMIT, inFlight } from '../../src/giftCards/throttle.ts';
import { testApp } from '../support/app.ts';
import { expectInvariants, footprint, issueCard } from '../support/fixtures.ts';

// Issue 10, item 6: the guessing throttle counted misses before it recorded them, so 60 racing guesses
// were all answered. These race the API with one key and count what was answered and what was left behind.

const t = await testApp();
const unknown = (i: number) => `GC-0000-0000-0000-${String(i).padStart(4, '0')}`;
const tea = { source: 'pos', orderType: 'collection', items: [{ name: 'Tea', quantity: 1, unitPriceCents: 200 }] };
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;
/** Every row of the throttle, by actor: a lookup still in flight or left unsettled would show here. */
const missRows = async () => [...await t.sql`select actor, count(*)::int as n from gift_card_misses group by actor order by actor`];

afterEach(async () => {
  await t.sql`delete from gift_card_misses`;
});

describe('racing the gift card guessing throttle', () => {
  test(`60 concurrent unknown codes from one key: exactly ${GIFT_CARD_MISS_LIMIT} are looked up (404) and recorded, the other 50 get 429 with Retry-After`, async () => {
    const before = await footprint(t.sql);
    // Every door that looks a code up: reads, redemptions and checkouts paying with a card.
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? t.a.get(`/api/v1/gift-cards/${unknown(i)}`)
        : i % 3 === 1 ? t.a.post(`/api/v1/gift-cards/${unknown(i)}/redeem`, { amountCents: 1 })
          : t.a.post('/api/v1/orders', { ...tea, giftCard: { code: unknown(i), amountCents: 100 } })));
    const statuses = answers.map((r) => r.status);
    expect(count(statuses, 404)).toBe(GIFT_CARD_MISS_LIMIT);
    expect(count(statuses, 429)).toBe(60 - GIFT_CARD_MISS_LIMIT);
    for (const r of answers.filter((a) => a.status === 429)) {
      expect(r.body.code).toBe('too_many_gift_card_misses');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
    expect(await missRows()).toEqual([{ actor: expect.stringMatching(/^key:/), n: GIFT_CARD_MISS_LIMIT }]);
    expect(await footprint(t.sql)).toEqual(before);
  }, 30_000);

  test('60 concurrent lookups and spends of a real card from one key are never throttled, and leave no rows behind', async () => {
    const card = await issueCard(t.b, 10_000);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      i % 3 === 2 ? t.b.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 1 }) : t.b.get(`/api/v1/gift-cards/${card.code}`)));
    expect(answers.map((r) => r.status)).toEqual(Array(60).fill(200));
    expect(await missRows()).toEqual([]);
    const [g] = await t.sql`select balance_cents from gift_cards where id = ${card.id}`;
    expect(g.balance_cents).toBe(10_000 - 20);
    await expectInvariants(t.sql);
  }, 30_000);

  test(`a key racing real cards and guesses together gets exactly ${GIFT_CARD_MISS_LIMIT} guesses answered; its real lookups are answered or refused, never lost`, async () => {
    const card = await issueCard(t.a, 5_000);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      i % 2 === 0 ? t.a.get(`/api/v1/gift-cards/${unknown(i)}`) : t.a.get(`/api/v1/gift-cards/${card.code}`)));
    const guesses = answers.filter((_, i) => i % 2 === 0).map((r) => r.status);
    const real = answers.filter((_, i) => i % 2 === 1).map((r) => r.status);
    expect(count(guesses, 404)).toBe(GIFT_CARD_MISS_LIMIT);
    expect(count(guesses, 429)).toBe(30 - GIFT_CARD_MISS_LIMIT);
    // A real card is refused only once the key has used up its misses, as a guess would be.
    expect(count(real, 200) + count(real, 429)).toBe(30);
    expect(await missRows()).toEqual([{ actor: expect.stringMatching(/^key:/), n: GIFT_CARD_MISS_LIMIT }]);
  }, 30_000);

  test('lookups that never came back (a process killed mid-lookup) hold a key up for a bounded wait, then 429 with Retry-After: 1, and only until they leave the window', async () => {
    const card = await issueCard(t.b, 300);
    expect((await t.b.get(`/api/v1/gift-cards/${unknown(1)}`)).status).toBe(404);
    const [{ actor }] = await t.sql`select actor from gift_card_misses`;
    await t.sql`delete from gift_card_misses`;
    await t.sql`insert into gift_card_misses (actor, at)
      select ${inFlight(actor)}, now() - interval '30 seconds' from generate_series(1, ${GIFT_CARD_MISS_LIMIT})`;
    const stuck = await t.b.get(`/api/v1/gift-cards/${card.code}`);
    expect(stuck.status).toBe(429);
    expect(stuck.body.code).toBe('too_many_gift_card_misses');
    expect(stuck.headers.get('retry-after')).toBe('1');
    expect(await missRows()).toEqual([{ actor: inFlight(actor), n: GIFT_CARD_MISS_LIMIT }]);
    // Gone from the window: nothing holds the key up any more.
    await t.sql`update gift_card_misses set at = at - interval '31 seconds'`;
    expect((await t.b.get(`/api/v1/gift-cards/${card.code}`)).status).toBe(200);
  }, 30_000 + GIFT_CARD_IN_FLIGHT_WAIT_MS);
});
