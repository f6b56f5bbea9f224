import { describe, expect, test } from 'bun:test';
import { GIFT_CARD_MISS_LIMIT } from '../../src/giftCards/throttle.ts';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { footprint, issueCard } from '../support/fixtures.ts';

// One core behind both doors (issue 9): a refusal is decided once, in the gift cards domain, so the API's
// problem detail is the very sentence the admin page shows inline.

const t = await testApp();
const adminId = await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
const UNKNOWN = 'GC-ZZZZ-ZZZZ-ZZZZ-ZZZZ';

/** The sentence as the page renders it (JSX escapes quotes and ampersands). */
const inline = (detail: string) => Bun.escapeHTML(detail);

describe('the same refusal reads the same through the API and the admin page', () => {
  test('spending more than the balance: 409 insufficient_funds with the same sentence, and nothing changes', async () => {
    const card = await issueCard(t.a, 500);
    const before = await footprint(t.sql);
    const api = await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 501 });
    const page = await owner.post('/gift-cards/redeem', { code: card.code, amount: '5.01' });
    expect(api.status).toBe(409);
    expect(api.body.code).toBe('insufficient_funds');
    expect(page.status).toBe(409);
    expect(await page.text()).toContain(inline(api.body.detail));
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('an unknown code: 404 through the API, the same sentence where the code was typed on the page', async () => {
    await t.sql`delete from gift_card_misses`;
    const api = await t.a.get(`/api/v1/gift-cards/${UNKNOWN}`);
    expect(api.status).toBe(404);
    expect(api.body).toMatchObject({ code: 'not_found', resource: 'giftCard' });
    for (const res of [
      await owner.get(`/gift-cards/lookup?code=${UNKNOWN}`),
      await owner.post('/gift-cards/redeem', { code: UNKNOWN, amount: '1.00' }),
      await owner.post('/gift-cards/void', { code: UNKNOWN }),
    ]) {
      expect(await res.text()).toContain(inline(api.body.detail));
    }
    // Each door's misses count against its own caller.
    const misses = await t.sql`select actor, count(*)::int as n from gift_card_misses group by actor order by actor`;
    expect(misses).toEqual([{ actor: `admin:${adminId}`, n: 3 }, { actor: expect.stringMatching(/^key:/), n: 1 }] as never);
  });

  test('something that is not a code at all: 400 through the API, the same sentence on the page', async () => {
    const api = await t.a.get('/api/v1/gift-cards/nonsense');
    expect(api.status).toBe(400);
    expect(api.body.code).toBe('validation_failed');
    expect(await (await owner.get('/gift-cards/lookup?code=nonsense')).text()).toContain(inline(api.body.detail));
  });

  test('a void card refuses a spend and a second void with the same sentences through both doors', async () => {
    const card = await issueCard(t.a, 700);
    expect((await t.a.post(`/api/v1/gift-cards/${card.code}/void`, {})).status).toBe(200);
    const before = await footprint(t.sql);
    const apiRedeem = await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 100 });
    const apiVoid = await t.a.post(`/api/v1/gift-cards/${card.code}/void`, {});
    expect([apiRedeem.status, apiRedeem.body.code, apiVoid.status, apiVoid.body.code]).toEqual([409, 'gift_card_void', 409, 'gift_card_void']);
    const pageRedeem = await owner.post('/gift-cards/redeem', { code: card.code, amount: '1.00' });
    expect(pageRedeem.status).toBe(409);
    expect(await pageRedeem.text()).toContain(inline(apiRedeem.body.detail));
    const pageVoid = await owner.post('/gift-cards/void', { code: card.code });
    expect(pageVoid.status).toBe(409);
    expect(await pageVoid.text()).toContain(inline(apiVoid.body.detail));
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('an expired card refuses a spend with the same sentence through both doors', async () => {
    const card = await issueCard(t.a, 800, { expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await t.sql`update gift_cards set expires_at = now() - interval '1 second' where id = ${card.id}`;
    const api = await t.a.post(`/api/v1/gift-cards/${card.code}/redeem`, { amountCents: 100 });
    expect([api.status, api.body.code]).toEqual([409, 'gift_card_expired']);
    const page = await owner.post('/gift-cards/redeem', { code: card.code, amount: '1.00' });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain(inline(api.body.detail));
  });

  test('an amount over the one cap is refused by both doors, and issues nothing', async () => {
    const before = await footprint(t.sql);
    const api = await t.a.post('/api/v1/gift-cards', { amountCents: 10_000_001, purchasedBy: 'Pat' });
    expect([api.status, api.body.code]).toEqual([400, 'validation_failed']);
    const page = await owner.post('/gift-cards', { amount: '100000.01', purchasedBy: 'Pat' });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain('at most £100,000.00');
    expect(await footprint(t.sql)).toEqual(before);
  });

  test(`the guessing throttle is the domain's: after ${GIFT_CARD_MISS_LIMIT} misses an admin is refused on the page as a key is by the API`, async () => {
    const card = await issueCard(t.a, 900);
    await t.sql`delete from gift_card_misses`;
    for (let i = 0; i < GIFT_CARD_MISS_LIMIT; i++) await owner.get(`/gift-cards/lookup?code=GC-0000-0000-0000-${String(i).padStart(4, '0')}`);
    const page = await (await owner.get(`/gift-cards/lookup?code=${card.code}`)).text();
    expect(page).toContain('Too many unknown gift card codes');
    expect(page).not.toContain(card.code);
    const redeem = await owner.post('/gift-cards/redeem', { code: card.code, amount: '1.00' });
    expect(await redeem.text()).toContain('Too many unknown gift card codes');
    const [g] = await t.sql`select balance_cents from gift_cards where id = ${card.id}`;
    expect(g.balance_cents).toBe(900);
    // The API key has its own budget.
    expect((await t.a.get(`/api/v1/gift-cards/${card.code}`)).status).toBe(200);
    await t.sql`delete from gift_card_misses`;
  });
});
